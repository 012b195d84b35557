// A `ws` client for end-to-end tests: every message is queued from the moment the socket exists, so a
// test awaits messages in order without racing the server (a welcome sent on open is never missed).
import WebSocket from "ws";

const DEFAULT_TIMEOUT_MS = 5_000;

interface Received {
  data: Buffer;
  isBinary: boolean;
}

export class WsTestClient {
  private readonly queue: Received[] = [];
  private waiter: (() => void) | undefined;
  /** How the connection closed (code and reason as this client saw them). */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly url: string,
    private readonly socket: WebSocket,
  ) {
    socket.on("message", (data: Buffer, isBinary) => {
      this.queue.push({ data, isBinary });
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })));
  }

  /** Opens a connection (offering `protocols`); rejects with the server's status when the upgrade is refused. */
  static async connect(url: string, protocols: string[] = [], options: WebSocket.ClientOptions = {}): Promise<WsTestClient> {
    const socket = new WebSocket(url, protocols, options);
    const client = new WsTestClient(url, socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", resolve);
      // `on`, not `once`: an error after the open must not become an unhandled 'error' event.
      socket.on("error", reject);
    });
    return client;
  }

  send(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  /** The subprotocol the server accepted ("" when none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  /** The extensions the server accepted ("" when none). */
  get extensions(): string {
    return this.socket.extensions;
  }

  /** The next text message (fails on a binary one, or when none arrives in time). */
  async nextText(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const message = await this.next(timeoutMs);
    if (message.isBinary) throw new Error(`${this.url}: expected a text message, got ${message.data.length} binary bytes`);
    return message.data.toString("utf8");
  }

  /** The next binary message (fails on a text one, or when none arrives in time). */
  async nextBinary(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
    const message = await this.next(timeoutMs);
    if (!message.isBinary) throw new Error(`${this.url}: expected a binary message, got text ${JSON.stringify(message.data.toString())}`);
    return message.data;
  }

  /** Closes the connection and waits until it is closed. */
  async close(code?: number, reason?: string): Promise<void> {
    this.socket.close(code, reason);
    await this.closed;
  }

  private async next(timeoutMs: number): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`${this.url}: no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift()!;
  }
}

/** Reads messages until one satisfies `wanted`, skipping the others (traffic of other clients). */
export async function nextMatching(client: WsTestClient, wanted: (message: string) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await client.nextText(Math.max(1, deadline - Date.now()));
    if (wanted(message)) return message;
  }
}

/** Closes every client, e.g. at the end of a test, so the next test starts with empty rooms. */
export async function closeAll(clients: WsTestClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close()));
}

/** What the server answered to a WebSocket handshake it refused (anything but 101). */
export interface RefusedUpgrade {
  status: number;
  body: string;
}

/** Attempts a WebSocket handshake that the server is expected to refuse, and returns its HTTP answer. */
export function refusedUpgrade(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RefusedUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`${url}: no answer to the handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("open", () => {
      clearTimeout(timer);
      socket.terminate();
      reject(new Error(`${url}: the handshake was accepted, expected a refusal`));
    });
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.once("end", () => {
        clearTimeout(timer);
        socket.terminate();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    // `on`, not `once`: terminating the refused handshake emits an error of its own, after we resolved.
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
