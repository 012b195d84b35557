// A raw HTTP/1.x client for tests that must see the exact bytes: header names and values as sent,
// several answers on one connection (pipelined or one after the other), and whether the server
// closed the connection after an answer.
import net from "node:net";

export interface RawAnswer {
  /** "HTTP/1.1" */
  version: string;
  status: number;
  /** Every header line in order, names as sent. */
  rawHeaders: [string, string][];
  body: Buffer;
  /** The value of a header (case-insensitive), several joined with ", "; undefined when absent. */
  header(name: string): string | undefined;
}

/** A connection to a server; answers are read in order. */
export class RawHttpConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;
  /** The server closed its side (or the socket failed). */
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => {
      const done = (): void => {
        this.ended = true;
        this.wake?.();
        resolve();
      };
      socket.once("end", done);
      socket.once("close", done);
      socket.on("error", () => {});
    });
  }

  static async open(port: number, host = "127.0.0.1"): Promise<RawHttpConnection> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawHttpConnection(socket);
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /**
   * Reads the next answer. `bodyless`: the request was HEAD (the answer's length headers describe a
   * body that is not sent). Rejects when the connection ends first or `timeoutMs` passes.
   */
  async next(options: { bodyless?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    const headEnd = await this.until(() => {
      const at = this.buffered.indexOf("\r\n\r\n");
      return at === -1 ? null : at;
    }, deadline);
    const head = this.buffered.subarray(0, headEnd).toString("latin1");
    this.buffered = this.buffered.subarray(headEnd + 4);
    const [statusLine, ...lines] = head.split("\r\n");
    const match = /^(HTTP\/\d\.\d) (\d{3})/.exec(statusLine!);
    if (!match) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
    const rawHeaders = lines.map((line): [string, string] => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    const header = (name: string): string | undefined => {
      const values = rawHeaders.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
      return values.length === 0 ? undefined : values.join(", ");
    };
    const status = Number(match[2]);
    let body: Buffer = Buffer.alloc(0);
    if (!options.bodyless && status !== 204 && status !== 304 && status >= 200) {
      body = await this.readBody(header, deadline);
    }
    return { version: match[1]!, status, rawHeaders, body, header };
  }

  /** Sends one request and reads its answer. */
  async request(text: string, options: { bodyless?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
    this.write(text);
    return this.next(options);
  }

  /** Whether the server closes the connection within `ms` (with nothing more sent on it). */
  async closesWithin(ms: number): Promise<boolean> {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());
    return Promise.race([this.closed.then(() => true as const), timeout]);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async readBody(header: (name: string) => string | undefined, deadline: number): Promise<Buffer> {
    const length = header("content-length");
    if (length !== undefined) {
      const n = Number(length);
      await this.until(() => (this.buffered.length >= n ? true : null), deadline);
      const body = this.buffered.subarray(0, n);
      this.buffered = this.buffered.subarray(n);
      return body;
    }
    if (/chunked/i.test(header("transfer-encoding") ?? "")) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = await this.until(() => {
          const at = this.buffered.indexOf("\r\n");
          return at === -1 ? null : at;
        }, deadline);
        const size = parseInt(this.buffered.subarray(0, lineEnd).toString("latin1"), 16);
        await this.until(() => (this.buffered.length >= lineEnd + 2 + size + 2 ? true : null), deadline);
        parts.push(this.buffered.subarray(lineEnd + 2, lineEnd + 2 + size));
        this.buffered = this.buffered.subarray(lineEnd + 2 + size + 2);
        if (size === 0) return Buffer.concat(parts);
      }
    }
    // Delimited by the end of the connection.
    await this.closed;
    const body = this.buffered;
    this.buffered = Buffer.alloc(0);
    return body;
  }

  /** Waits until `ready` returns non-null, as bytes arrive. */
  private async until<T>(ready: () => T | null, deadline: number): Promise<T> {
    for (;;) {
      const value = ready();
      if (value !== null) return value;
      if (this.ended) throw new Error(`the connection ended before a whole answer arrived (have ${JSON.stringify(this.buffered.toString("latin1").slice(0, 200))})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no whole answer in time");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}

/** One request on a fresh connection; the connection is closed afterwards. */
export async function rawRequest(port: number, text: string, options: { bodyless?: boolean } = {}): Promise<RawAnswer> {
  const connection = await RawHttpConnection.open(port);
  try {
    return await connection.request(text, options);
  } finally {
    connection.destroy();
  }
}
