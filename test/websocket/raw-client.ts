// A WebSocket client that speaks raw bytes: it writes whatever frames a case builds (optionally chopped
// into N-byte TCP segments) and records what the server does, in order, as outcomes.
import type { Socket } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import { rawUpgrade } from "../../bench/support/raw-upgrade.js";
import { buildFrame, closePayload, Opcode } from "./frame-builder.js";
import { ServerFrameParser, type ServerFrameEvent } from "./frame-parser.js";

export type Outcome =
  | ServerFrameEvent
  /** The server closed (or reset) the TCP connection. */
  | { kind: "tcp-close" }
  /** The case's wait ended before the expected outcomes arrived. */
  | { kind: "timeout" };

export class RawClient {
  readonly outcomes: Outcome[] = [];
  private readonly parser = new ServerFrameParser();
  private tcpClosed = false;
  private notify: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {}

  static async connect(url: string): Promise<RawClient> {
    const { socket, leftover } = await rawUpgrade(url);
    const client = new RawClient(socket);
    socket.on("data", (chunk: Buffer) => client.receive(chunk));
    socket.on("error", () => {}); // a reset is reported by "close" below
    socket.on("close", () => {
      client.tcpClosed = true;
      client.record({ kind: "tcp-close" });
    });
    if (leftover.length > 0) client.receive(leftover);
    return client;
  }

  /** Writes bytes, in segments of `chopSize` bytes each flushed separately (Autobahn's "chopped" writes). */
  async send(bytes: Buffer, chopSize = bytes.length): Promise<void> {
    for (let offset = 0; offset < bytes.length && !this.tcpClosed; offset += Math.max(1, chopSize)) {
      const segment = bytes.subarray(offset, offset + Math.max(1, chopSize));
      await new Promise<void>((resolve) => this.socket.write(segment, () => resolve()));
      if (chopSize < bytes.length) await nextTurn(); // let the segment leave before the next one
    }
  }

  /** Waits until `done(outcomes)` holds, the TCP connection closes or `timeoutMs` passes; returns whether `done` holds. */
  async waitUntil(done: (outcomes: Outcome[]) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.outcomes) && !this.tcpClosed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return done(this.outcomes);
  }

  /** Stops reading from the socket, like a client whose application stalled (the server's writes back up). */
  stopReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Aborts the connection with a TCP reset, as a crashed client or a dropped network path would. */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  private receive(chunk: Buffer): void {
    for (const event of this.parser.push(chunk)) {
      this.record(event);
      // Complete the closing handshake as a well-behaved client would, echoing the code, so the server may close TCP.
      if (event.kind === "close") {
        const payload = event.code === undefined ? Buffer.alloc(0) : closePayload(event.code);
        this.socket.write(buildFrame({ opcode: Opcode.close, payload }), () => {});
      }
    }
  }

  private record(outcome: Outcome): void {
    this.outcomes.push(outcome);
    this.notify?.();
    this.notify = undefined;
  }
}
