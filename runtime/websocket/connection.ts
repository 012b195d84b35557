import { limitReason, type LimitHit } from "./limit-close.js";
import type { OutboundMessage } from "./outbound-message.js";

export type SlowConsumerPolicy = "close-1008" | "close-1013" | "drop";

export interface ConnectionLimits {
  /** Bytes queued for one client before the slow-consumer policy applies. */
  sendBufferBytes: number;
  slowConsumer: SlowConsumerPolicy;
}

export interface ConnectionOwner {
  readonly name: string;
  /** The owner's room namespace (room-namespace.ts): only plugins of the same one may reach it by id. */
  readonly roomNamespace: string;
}

export type DeliveryOutcome = "sent" | "dropped" | "closed" | "not-open";

/** Hub-wide totals every connection adds to, for metrics (they outlive the connections). */
export interface DeliveryCounters {
  messagesOut: number;
  dropped: number;
  slowConsumerCloses: number;
}

/**
 * Where a connection's frames go: a real socket (ws-transport.ts) or the sandbox harness's recorder.
 */
export interface ConnectionTransport {
  /** Bytes queued and not yet written to the peer. */
  readonly bufferedAmount: number;
  /**
   * Whether a message may still be written: false from the moment a close began, from either side
   * (the peer's close frame arrived, or ours was sent), and once the socket is gone.
   */
  readonly writable: boolean;
  send(message: OutboundMessage): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a close handshake. */
  terminate(): void;
}

/** One WebSocket client connection, owned by one plugin. */
export class WsConnection {
  transport: ConnectionTransport | null = null;
  state: "pending" | "open" | "closing" | "closed" = "pending";
  readonly rooms = new Set<string>();
  /** Frames dropped by the slow-consumer policy. */
  dropped = 0;
  readonly openedAt = Date.now();
  bytesIn = 0;
  bytesOut = 0;
  /** The close code, once closed (for the access log). */
  closeCode: number | undefined;
  /** Called once the connection has closed and its onClose ran. */
  readonly onClosed: (() => void)[] = [];
  /** The route it was opened on, for log lines (set when the handshake is accepted). */
  route = "";
  /** The limit that closed it, if one did. */
  private closedBy: LimitHit | null = null;

  constructor(
    /** The plugin-visible handle (u32). */
    readonly handle: number,
    /** The cluster-wide id "<node>:<handle>". */
    readonly id: string,
    readonly owner: ConnectionOwner,
    readonly limits: ConnectionLimits,
    readonly clientIp: string,
    private readonly counters: DeliveryCounters = { messagesOut: 0, dropped: 0, slowConsumerCloses: 0 },
    /** Told when a limit closes this connection (the hub logs and counts it). */
    private readonly limitClosed: (conn: WsConnection, hit: LimitHit, code: number) => void = () => {},
  ) {}

  /**
   * Queues a message for this client. Frames are written as already-built bytes, so a broadcast is
   * framed once for all its receivers. Over the send buffer, the slow-consumer policy applies and
   * the proxy's memory stays bounded.
   */
  deliver(message: OutboundMessage): DeliveryOutcome {
    const transport = this.transport;
    // A close the peer started leaves `state` open until the handshake ends; writing then would land
    // after our close frame, on a socket being ended ("write after end").
    if (this.state !== "open" || !transport?.writable) return "not-open";
    // The policy applies once what the peer left unread is over the limit, so one message larger than
    // the buffer still goes out; memory per connection stays under the limit plus what one turn of the
    // event loop sends it (frames batched in a turn are not counted: see write-coalescer.ts).
    if (transport.bufferedAmount > this.limits.sendBufferBytes) {
      if (this.limits.slowConsumer === "drop") {
        this.dropped++;
        this.counters.dropped++;
        return "dropped";
      }
      this.counters.slowConsumerCloses++;
      this.closeForLimit(this.limits.slowConsumer === "close-1008" ? 1008 : 1013, { limit: "send_buffer_bytes", value: this.limits.sendBufferBytes }, "send buffer full");
      return "closed";
    }
    this.bytesOut += message.data.length;
    this.counters.messagesOut++;
    transport.send(message);
    return "sent";
  }

  /** Closes because `hit` was reached; the reason says `what` and names the limit. */
  closeForLimit(code: number, hit: LimitHit, what: string): void {
    if (this.state === "closed" || this.state === "closing") return;
    this.noteLimit(hit, code);
    this.close(code, limitReason(hit, what));
  }

  /** A limit ends this connection (with `code`; 1006 when it is dropped without a close frame). */
  noteLimit(hit: LimitHit, code: number): void {
    if (this.closedBy) return;
    this.closedBy = hit;
    this.limitClosed(this, hit, code);
  }

  close(code: number, reason: string): void {
    if (this.state === "closed" || this.state === "closing") return;
    if (!this.transport) {
      this.state = "closed";
      return;
    }
    this.state = "closing";
    this.transport.close(code, reason);
  }
}
