import type { ConnectionTransport } from "../websocket/connection.js";
import type { OutboundMessage } from "../websocket/outbound-message.js";

/** A frame the client received. */
export type ReceivedFrame = { type: "text"; data: string } | { type: "binary"; data: Buffer };

/**
 * The harness's end of a connection: instead of a socket, it keeps what the client would have
 * received. A close started by the server is reported to `onServerClose`.
 */
export class RecordingTransport implements ConnectionTransport {
  readonly frames: ReceivedFrame[] = [];
  readonly bufferedAmount = 0;
  writable = true;

  constructor(private readonly onServerClose: (code: number, reason: string) => void) {}

  send(message: OutboundMessage): void {
    this.frames.push(message.binary ? { type: "binary", data: Buffer.from(message.data) } : { type: "text", data: message.data.toString("utf8") });
  }

  close(code: number, reason: string): void {
    this.writable = false;
    this.onServerClose(code, reason);
  }

  /** No close handshake: the client sees 1006. */
  terminate(): void {
    this.writable = false;
    this.onServerClose(1006, "");
  }
}
