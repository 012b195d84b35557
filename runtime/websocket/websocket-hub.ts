import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { ConnectionRegistry } from "./connection-registry.js";
import { WsConnection, type ConnectionOwner, type ConnectionTransport } from "./connection.js";
import { closeWithReasonOnReceiverFailure, type LimitHit, type WebSocketLimit } from "./limit-close.js";
import { LocalRooms } from "./local-rooms.js";
import { MemoryAdapter } from "./adapters/memory-adapter.js";
import { sentCloseCode } from "./protocol-error-code.js";
import { failFastOnInvalidUtf8 } from "./utf8-fail-fast.js";
import type { RoomAdapter } from "./room-adapter.js";
import type { WebSocketSettings } from "./websocket-settings.js";
import { wsTransport } from "./ws-transport.js";

/** What happens on a connection, in order; the owning plugin implements it. */
export interface ConnectionEvents {
  open(conn: WsConnection): void;
  text(conn: WsConnection, message: string): void;
  binary(conn: WsConnection, data: Buffer): void;
  error(conn: WsConnection, message: string): void;
  /**
   * Runs once; effects issued here are applied before the connection leaves its rooms. A plugin in a
   * worker thread answers later, with a promise: the connection leaves its rooms when it settles.
   */
  close(conn: WsConnection, code: number, reason: string): void | Promise<void>;
}

/** What a transport reports about its open connection, in order. */
export interface ConnectionInput {
  message(data: Buffer, isBinary: boolean): void;
  error(message: string): void;
  /** The connection has closed (either side); runs the close callback and leaves every room. */
  closed(code: number, reason: string): void;
}

interface Liveness {
  ping(): void;
  /** When a message last went either way; pings and pongs do not count (liveness is not activity). */
  lastActive: number;
  /** The connection's bytesOut at the last check: a change means messages went out. */
  bytesOutSeen: number;
  lastPing: number;
  awaitingPong: boolean;
  settings: WebSocketSettings;
}

/** This node's plugin-owned WebSockets: handshakes, the registry, rooms, heartbeats. */
export class WebSocketHub {
  readonly nodeId: string;
  readonly registry: ConnectionRegistry;
  readonly local = new LocalRooms();
  adapter: RoomAdapter;
  private readonly servers = new Map<string, WebSocketServer>();
  private readonly liveness = new Map<WsConnection, Liveness>();
  /** Each open connection's close handling (onClose, leaving rooms), for shutdown to run first. */
  private readonly finishers = new Map<WsConnection, (code: number, reason: string) => void>();
  /** Sockets of connections accepted here, until they are closed. */
  private readonly sockets = new Map<WsConnection, WebSocket>();
  /** Closed connections whose onClose is running: still in their rooms, no longer counted in them. */
  private readonly leaving = new Set<WsConnection>();
  private readonly ticker: NodeJS.Timeout;
  /** Told when a plugin takes an upgrade's socket: it is a connection from then on, not a request. */
  onAccepted: ((socket: Duplex) => void) | null = null;
  /** Counters for metrics. */
  readonly stats = { opened: 0, closed: 0, messagesIn: 0, messagesOut: 0, dropped: 0, slowConsumerCloses: 0, pongsDropped: 0 };
  /** Connections closed by each limit, for metrics. */
  readonly limitCloses = new Map<WebSocketLimit, number>();

  /** `logger` gets a line for every connection a limit closes (silent by default: the sandbox harness). */
  constructor(
    nodeId: string = randomUUID(),
    private readonly logger: Logger = pino({ enabled: false }),
  ) {
    this.nodeId = nodeId;
    this.registry = new ConnectionRegistry(nodeId);
    this.adapter = new MemoryAdapter(nodeId, this.local, this.registry);
    // One timer for every connection's ping, pong deadline and idle timeout, not one per connection.
    this.ticker = setInterval(() => this.checkLiveness(), 250);
    this.ticker.unref();
  }

  useAdapter(adapter: RoomAdapter): void {
    this.adapter = adapter;
  }

  createConnection(owner: ConnectionOwner, settings: WebSocketSettings, clientIp: string): WsConnection {
    const handle = this.registry.allocateHandle();
    return new WsConnection(
      handle,
      this.registry.idFor(handle),
      owner,
      { sendBufferBytes: settings.sendBufferBytes, slowConsumer: settings.slowConsumer },
      clientIp,
      this.stats,
      (closed, hit, code) => this.limitClosed(closed, hit, code),
    );
  }

  /** Completes the handshake (ws), then delivers the connection's events in order. */
  accept(
    conn: WsConnection,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    protocol: string | undefined,
    settings: WebSocketSettings,
    events: ConnectionEvents,
  ): void {
    const server = this.serverFor(settings, protocol);
    this.onAccepted?.(socket);
    server.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      failFastOnInvalidUtf8(ws);
      const now = Date.now();
      this.liveness.set(conn, { ping: () => ws.ping(), lastActive: now, bytesOutSeen: 0, lastPing: now, awaitingPong: false, settings });
      this.sockets.set(conn, ws);
      const transport = wsTransport(ws);
      const input = this.attach(conn, transport, events);
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        this.touch(conn);
        input.message(data, isBinary);
      });
      ws.on("ping", (data: Buffer) => this.answerPing(conn, ws, transport.bufferedAmount, data));
      ws.on("pong", () => {
        const l = this.liveness.get(conn);
        if (l) l.awaitingPong = false;
      });
      // The close frame nylon sent for a protocol error or a limit: onClose sees its code and reason
      // (ws's 'close' event reports 1006 when the peer never answered it).
      let sentClose: { code: number; reason: string } | undefined;
      closeWithReasonOnReceiverFailure(ws, settings, (failure) => {
        sentClose ??= { code: failure.code, reason: failure.reason };
        if (failure.hit) conn.noteLimit(failure.hit, failure.code);
      });
      ws.on("error", (err: Error) => {
        const code = sentCloseCode(err);
        if (code !== undefined) sentClose ??= { code, reason: "" };
        input.error(err.message);
      });
      // ws drops the socket on a socket error (a reset) without an 'error' event of its own. Only one that
      // ends an open connection is the plugin's business; once a close has begun, an error is the
      // close's own noise (a write racing the end of the socket) and onClose tells the rest. Prepended:
      // ws's own listener marks the connection closing, and this one must see the state before that.
      socket.prependListener("error", (err: Error) => {
        if (conn.state === "open" && ws.readyState === ws.OPEN) input.error(err.message);
      });
      ws.on("close", (code: number, reason: Buffer) => {
        this.liveness.delete(conn);
        this.sockets.delete(conn);
        const closed = sentClose ?? { code, reason: reason.toString("utf8") };
        input.closed(closed.code, closed.reason);
      });
    });
  }

  /**
   * Pongs are frames to the client like any other: while what it left unread is over the connection's
   * send buffer, the slow-consumer policy applies to them (RFC 6455 section 5.5.3 lets a server answer
   * only the latest of several pings). ws's own answer instead dropped the connection, with no close
   * frame, after 60 pings in a burst, however fast the client read.
   */
  private answerPing(conn: WsConnection, ws: WebSocket, unread: number, data: Buffer): void {
    if (ws.readyState !== ws.OPEN) return;
    if (unread <= conn.limits.sendBufferBytes) return ws.pong(data);
    if (conn.limits.slowConsumer === "drop") {
      this.stats.pongsDropped++;
      return;
    }
    this.stats.slowConsumerCloses++;
    conn.closeForLimit(conn.limits.slowConsumer === "close-1008" ? 1008 : 1013, { limit: "send_buffer_bytes", value: conn.limits.sendBufferBytes }, "pongs not read");
  }

  /** A limit is closing `conn`: one log line naming the connection, its route and the limit, and a count. */
  private limitClosed(conn: WsConnection, hit: LimitHit, code: number): void {
    this.limitCloses.set(hit.limit, (this.limitCloses.get(hit.limit) ?? 0) + 1);
    this.logger.warn(
      { conn: conn.id, route: conn.route, plugin: conn.owner.name, client: conn.clientIp, limit: hit.limit, value: hit.value, code },
      "WebSocket closed by a limit",
    );
  }

  /**
   * Opens the connection on a transport (a socket, or the sandbox harness's recorder): it joins the
   * registry and its open callback runs. The transport reports what happens next through the result.
   */
  attach(conn: WsConnection, transport: ConnectionTransport, events: ConnectionEvents): ConnectionInput {
    conn.transport = transport;
    conn.state = "open";
    this.registry.add(conn);
    this.stats.opened++;
    const input: ConnectionInput = {
      message: (data, isBinary) => {
        this.stats.messagesIn++;
        conn.bytesIn += data.length;
        if (isBinary) events.binary(conn, data);
        else events.text(conn, data.toString("utf8"));
      },
      error: (message) => events.error(conn, message),
      closed: (code, reason) => {
        // Once: shutdown (closeAll) may have finished the connection before its socket closed.
        if (!this.finishers.delete(conn)) return;
        conn.state = "closed";
        conn.closeCode = code;
        const leave = (): void => {
          this.leaving.delete(conn);
          this.adapter.removeConnection(conn);
          this.registry.remove(conn);
          this.stats.closed++;
          for (const done of conn.onClosed.splice(0)) done();
        };
        this.leaving.add(conn);
        const closing = events.close(conn, code, reason);
        if (closing) void closing.then(leave);
        else leave();
      },
    };
    this.finishers.set(conn, input.closed);
    events.open(conn);
    return input;
  }

  /**
   * Members of `room` on every node, as a plugin's roomSize() sees them: a connection whose onClose is
   * running is no longer counted (it still lists its rooms, so it can tell them it left).
   */
  roomSize(room: string): number {
    let closing = 0;
    for (const conn of this.leaving) if (conn.rooms.has(room)) closing++;
    return Math.max(0, this.adapter.roomSize(room) - closing);
  }

  /**
   * Shutdown: each connection's onClose runs in turn while the ones after it are still open, so its
   * farewell (a broadcast, a message to another node) is delivered before their close frames; then it
   * gets its own close frame. Waits for the closing handshakes up to `timeoutMs`, then drops the rest.
   */
  async closeAll(code: number, reason: string, timeoutMs: number): Promise<void> {
    const sockets = [...this.sockets.values()];
    const socketsClosed = Promise.all(sockets.map((ws) => new Promise((resolve) => ws.once("close", resolve))));
    for (const [conn, finish] of [...this.finishers]) {
      finish(code, reason);
      conn.transport?.close(code, reason);
    }
    await Promise.race([socketsClosed, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    for (const ws of this.sockets.values()) ws.terminate();
  }

  stop(): void {
    clearInterval(this.ticker);
    for (const s of this.servers.values()) s.close();
  }

  private touch(conn: WsConnection): void {
    const l = this.liveness.get(conn);
    if (l) l.lastActive = Date.now();
  }

  private checkLiveness(): void {
    const now = Date.now();
    for (const [conn, l] of this.liveness) {
      const transport = conn.transport;
      if (!transport || conn.state !== "open") continue;
      const s = l.settings;
      if (l.awaitingPong && now - l.lastPing > s.pongTimeoutMs) {
        // A dead peer: no close handshake is possible, so the socket is dropped (close code 1006).
        conn.noteLimit({ limit: "pong_timeout_ms", value: s.pongTimeoutMs }, 1006);
        transport.terminate();
        continue;
      }
      if (conn.bytesOut !== l.bytesOutSeen) {
        l.bytesOutSeen = conn.bytesOut;
        l.lastActive = now;
      }
      if (s.idleTimeoutMs > 0 && now - l.lastActive > s.idleTimeoutMs) {
        conn.closeForLimit(1001, { limit: "idle_timeout_ms", value: s.idleTimeoutMs }, "idle timeout");
        continue;
      }
      if (s.pingIntervalMs > 0 && !l.awaitingPong && now - l.lastPing >= s.pingIntervalMs) {
        l.lastPing = now;
        l.awaitingPong = true;
        l.ping();
      }
    }
  }

  private serverFor(settings: WebSocketSettings, protocol: string | undefined): WebSocketServer {
    const key = `${settings.maxMessageBytes}/${settings.maxFragments}/${settings.maxBufferedChunks}/${settings.perMessageDeflate}/${protocol ?? ""}`;
    let server = this.servers.get(key);
    if (!server) {
      server = new WebSocketServer({
        noServer: true,
        // Every ws limit is set from the configuration, none left at a default nobody sees.
        maxPayload: settings.maxMessageBytes,
        maxFragments: settings.maxFragments,
        maxBufferedChunks: settings.maxBufferedChunks,
        // Pings are answered by answerPing, under the send buffer (ws's maxPendingAutoPongs is then unused).
        autoPong: false,
        perMessageDeflate: settings.perMessageDeflate,
        clientTracking: false,
        handleProtocols: () => protocol ?? false,
      });
      this.servers.set(key, server);
    }
    return server;
  }
}
