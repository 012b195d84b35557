// Raw HTTP/1.x over a socket, for tests that must see the exact bytes. The request bytes go out
// exactly as written (absolute-form, broken framing, pipelines); answers come back unnormalised:
// header names and values as sent, several answers on one connection, interim 1xx answers, and
// whether the server closed the connection after an answer.
//
// RawHttpConnection reads answers one at a time on a connection the test keeps; rawExchange sends
// bytes once and collects every answer until the server closes (or a count is reached).
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

export interface RawResponse {
  status: number;
  /** Lower-case name -> values, in the order they came. */
  headers: Map<string, string[]>;
  body: Buffer;
}

export interface RawExchange {
  responses: RawResponse[];
  /** The server closed the connection (before `responses` was complete, or after). */
  closed: boolean;
  /** Everything received, for failure messages. */
  raw: string;
}

export interface RawOptions {
  /** Resolve once this many final (non-1xx) responses are in; default: wait for the server to close. */
  responses?: number;
  /** Indexes (among final responses) of answers to HEAD, which have no body. */
  headIndexes?: readonly number[];
  /** Give up (and reject) after this long; a safety net, not a timing assertion. Default 20 s. */
  timeoutMs?: number;
  /** Called when the socket is connected, instead of writing `bytes` at once (for staged writes). */
  onConnect?: (socket: net.Socket) => void;
}

export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.get(name)?.join(", ");
}

/** Sends `bytes` and collects the responses (see RawOptions). */
export function rawExchange(port: number, bytes: string | Buffer, options: RawOptions = {}): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    let closed = false;
    let settled = false;
    const timer = setTimeout(() => finish(new Error(`no complete answer within ${options.timeoutMs ?? 20_000} ms; got ${JSON.stringify(received.toString("latin1").slice(0, 2000))}`)), options.timeoutMs ?? 20_000);
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      const parsed = parseResponses(received, options.headIndexes ?? [], true);
      resolve({ responses: parsed.responses, closed, raw: received.toString("latin1") });
    };
    socket.on("connect", () => (options.onConnect ? options.onConnect(socket) : socket.write(bytes)));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (options.responses === undefined) return;
      const parsed = parseResponses(received, options.headIndexes ?? [], false);
      if (parsed.responses.filter((r) => r.status >= 200).length >= options.responses) finish();
    });
    socket.on("error", () => {}); // a reset after the answer is still a close
    socket.on("close", () => {
      closed = true;
      finish();
    });
  });
}

/**
 * Parses as many complete responses as `bytes` holds. With `atEof`, a body delimited by the close
 * of the connection ends at the end of `bytes`.
 */
export function parseResponses(bytes: Buffer, headIndexes: readonly number[], atEof: boolean): { responses: RawResponse[] } {
  const responses: RawResponse[] = [];
  let at = 0;
  let finals = 0;
  for (;;) {
    const end = bytes.indexOf("\r\n\r\n", at, "latin1");
    if (end === -1) break;
    const lines = bytes.subarray(at, end).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1]);
    if (!Number.isFinite(status)) throw new Error(`not a status line: ${JSON.stringify(lines[0])}`);
    const headers = new Map<string, string[]>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
    }
    let bodyStart = end + 4;
    if (status < 200) {
      responses.push({ status, headers, body: Buffer.alloc(0) });
      at = bodyStart;
      continue;
    }
    let body: Buffer;
    const length = headers.get("content-length")?.[0];
    const chunked = headers.get("transfer-encoding")?.some((v) => /chunked/i.test(v)) ?? false;
    if (headIndexes.includes(finals) || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (chunked) {
      const chunks: Buffer[] = [];
      let p = bodyStart;
      let complete = false;
      for (;;) {
        const lineEnd = bytes.indexOf("\r\n", p, "latin1");
        if (lineEnd === -1) break;
        const size = parseInt(bytes.subarray(p, lineEnd).toString("latin1"), 16);
        if (size === 0) {
          const trailerEnd = bytes.indexOf("\r\n\r\n", lineEnd, "latin1");
          if (trailerEnd === -1 && bytes.length < lineEnd + 4) break;
          p = trailerEnd === -1 ? lineEnd + 4 : trailerEnd + 4;
          complete = true;
          break;
        }
        if (bytes.length < lineEnd + 2 + size + 2) break;
        chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
        p = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(chunks);
      bodyStart = p;
    } else if (length !== undefined) {
      if (bytes.length < bodyStart + Number(length)) break;
      body = bytes.subarray(bodyStart, bodyStart + Number(length));
      bodyStart += Number(length);
    } else {
      if (!atEof) break;
      body = bytes.subarray(bodyStart);
      bodyStart = bytes.length;
    }
    responses.push({ status, headers, body: Buffer.from(body) });
    finals++;
    at = bodyStart;
  }
  return { responses };
}

/** The final (non-1xx) responses. */
export function finals(exchange: RawExchange): RawResponse[] {
  return exchange.responses.filter((r) => r.status >= 200);
}

/** A WebSocket opening handshake's fixed headers (RFC 6455 §1.3 sample key). */
export const WEBSOCKET_HANDSHAKE = ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"];

/** Sends an upgrade request and resolves with the head of the answer (101 or a refusal), then closes. */
export function rawUpgrade(port: number, bytes: string, timeoutMs = 20_000): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    let received = "";
    const timer = setTimeout(() => done(new Error(`no answer to the upgrade within ${timeoutMs} ms: ${JSON.stringify(received)}`)), timeoutMs);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0), head: received.slice(0, received.indexOf("\r\n\r\n")) });
    };
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) done();
    });
    socket.on("error", () => {});
    socket.on("close", () => done(received.includes("\r\n\r\n") ? undefined : new Error(`closed without an answer: ${JSON.stringify(received)}`)));
  });
}
