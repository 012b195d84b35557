import type { WebSocket } from "ws";
import type { OutboundMessage } from "./outbound-message.js";

export type SlowConsumerPolicy = "close-1008" | "close-1013" | "drop";

export interface ConnectionLimits {
  /** Bytes queued for one client before the slow-consumer policy applies. */
  sendBufferBytes: number;
  slowConsumer: SlowConsumerPolicy;
}

export interface ConnectionOwner {
  readonly name: string;
}

export type DeliveryOutcome = "sent" | "dropped" | "closed" | "not-open";

/** One WebSocket client connection, owned by one plugin. */
export class WsConnection {
  ws: WebSocket | null = null;
  state: "pending" | "open" | "closing" | "closed" = "pending";
  readonly rooms = new Set<string>();
  /** Frames dropped by the slow-consumer policy. */
  dropped = 0;
  readonly openedAt = Date.now();
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    /** The plugin-visible handle (u32). */
    readonly handle: number,
    /** The cluster-wide id "<node>:<handle>". */
    readonly id: string,
    readonly owner: ConnectionOwner,
    readonly limits: ConnectionLimits,
    readonly clientIp: string,
  ) {}

  /**
   * Queues a message for this client. Frames are written as already-built bytes, so a broadcast is
   * framed once for all its receivers. Over the send buffer, the slow-consumer policy applies and
   * the proxy's memory stays bounded.
   */
  deliver(message: OutboundMessage): DeliveryOutcome {
    const ws = this.ws;
    if (this.state !== "open" || !ws) return "not-open";
    const socket = (ws as unknown as { _socket: import("node:net").Socket })._socket;
    if (ws.bufferedAmount + message.data.length > this.limits.sendBufferBytes) {
      if (this.limits.slowConsumer === "drop") {
        this.dropped++;
        return "dropped";
      }
      this.close(this.limits.slowConsumer === "close-1008" ? 1008 : 1013, "send buffer full");
      return "closed";
    }
    this.bytesOut += message.data.length;
    if (hasCompression(ws)) {
      ws.send(message.data, { binary: message.binary });
    } else {
      socket.write(message.frame());
    }
    return "sent";
  }

  close(code: number, reason: string): void {
    if (this.state === "closed" || this.state === "closing") return;
    if (!this.ws) {
      this.state = "closed";
      return;
    }
    this.state = "closing";
    this.ws.close(code, reason);
  }
}

/** With permessage-deflate negotiated, frames must go through ws's sender (it compresses and orders them). */
function hasCompression(ws: WebSocket): boolean {
  return ws.extensions !== "";
}
