import type { WsConnection } from "../websocket/connection.js";
import type { ConnectionInput, WebSocketHub } from "../websocket/websocket-hub.js";
import { overMaxMessageBytes } from "../websocket/limit-close.js";
import type { PluginHost } from "../plugin/plugin-host.js";
import { roomInNamespace } from "../websocket/room-namespace.js";
import type { HarnessEnvironment, StepReport } from "./harness-environment.js";
import type { HttpResult } from "./http-result.js";
import { RecordingTransport, type ReceivedFrame } from "./recording-transport.js";

export interface CloseRecord {
  code: number;
  reason: string;
  /** Who started the close: the plugin (or the host on its behalf), or the test's client. */
  by: "server" | "client";
}

/**
 * One simulated WebSocket client. What it sends runs through the hub and the plugin exactly as a
 * socket's frames would; what the plugin sends it (directly, through rooms, from another node) is
 * recorded in `received`.
 */
export class HarnessConnection {
  /** How the plugin answered the upgrade request. */
  readonly handshake: HttpResult;
  closed: CloseRecord | null = null;
  private readonly transport: RecordingTransport;
  private input: ConnectionInput | null = null;

  constructor(
    handshake: HttpResult,
    private readonly conn: WsConnection | null,
    private readonly hub: WebSocketHub,
    private readonly host: PluginHost,
    private readonly env: HarnessEnvironment,
    private readonly maxMessageBytes: number,
  ) {
    this.handshake = handshake;
    // A close the server starts completes after the current callback, as the client's reply would.
    this.transport = new RecordingTransport((code, reason) => this.env.effects.defer(() => this.finish({ code, reason, by: "server" })));
  }

  /** Completes the handshake: the connection joins the hub and the plugin's onOpen runs. */
  open(): StepReport {
    const conn = this.connection();
    return this.env.step(() => {
      this.input = this.hub.attach(conn, this.transport, this.host);
    });
  }

  /** Whether the plugin accepted the upgrade. */
  get accepted(): boolean {
    return this.conn !== null;
  }

  /** The cluster-wide id ("<node>:<handle>"), as ws-connection-id gives it. */
  get id(): string {
    return this.connection().id;
  }

  /** Every frame received so far. */
  get received(): readonly ReceivedFrame[] {
    return this.transport.frames;
  }

  /** The text frames received so far. */
  texts(): string[] {
    return this.transport.frames.flatMap((f) => (f.type === "text" ? [f.data] : []));
  }

  /** Returns the frames received since the last call and forgets them. */
  takeReceived(): ReceivedFrame[] {
    return this.transport.frames.splice(0);
  }

  /** The rooms the plugin put this connection in, as the plugin named them. */
  rooms(): string[] {
    return [...this.connection().rooms].flatMap((room) => roomInNamespace(this.host.roomNamespace, room) ?? []).sort();
  }

  get state(): WsConnection["state"] | "refused" {
    return this.conn?.state ?? "refused";
  }

  sendText(message: string): StepReport {
    return this.deliver(Buffer.from(message, "utf8"), false);
  }

  sendBinary(data: Uint8Array): StepReport {
    return this.deliver(Buffer.from(data), true);
  }

  /** The client closes: the plugin's onClose runs and the connection leaves its rooms. */
  close(code = 1000, reason = ""): StepReport {
    const input = this.live();
    return this.env.step(() => this.finish({ code, reason, by: "client" }, input));
  }

  private deliver(data: Buffer, binary: boolean): StepReport {
    const input = this.live();
    return this.env.step(() => {
      if (data.length > this.maxMessageBytes) {
        // What nylon does with a message over maxPayload: an error, then close 1009 with the limit's reason.
        input.error(`Max payload size exceeded (${data.length} > ${this.maxMessageBytes} bytes)`);
        const { hit, what } = overMaxMessageBytes(this.maxMessageBytes);
        this.connection().closeForLimit(1009, hit, what);
        return;
      }
      input.message(data, binary);
    });
  }

  private finish(record: CloseRecord, input = this.input): void {
    if (this.closed || !input) return;
    this.closed = record;
    input.closed(record.code, record.reason);
  }

  private connection(): WsConnection {
    if (!this.conn) throw new Error(`the plugin did not accept the WebSocket (${this.handshake.outcome}, status ${this.handshake.status}: ${this.handshake.text.slice(0, 200)})`);
    return this.conn;
  }

  private live(): ConnectionInput {
    const conn = this.connection();
    if (!this.input || conn.state !== "open") throw new Error(`connection ${conn.id} is ${conn.state}${this.closed ? ` (closed ${this.closed.code} by the ${this.closed.by})` : ""}`);
    return this.input;
  }
}
