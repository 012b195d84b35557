import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { RedisSettings } from "../../config/schema.js";
import type { WsConnection } from "../connection.js";
import type { OutboundMessage } from "../outbound-message.js";
import type { RoomAdapter } from "../room-adapter.js";
import type { WebSocketHub } from "../websocket-hub.js";
import { createCommandClient, createSubscriberClient } from "./redis-connection.js";
import { RedisErrorCounter } from "./redis-error-counter.js";
import { nodeOfConnection, RedisKeys } from "./redis-keys.js";
import { HEARTBEAT_INTERVAL_MS, RedisMembership, type MemberChanges } from "./redis-membership.js";
import { RemoteRoomSizes } from "./redis-room-sizes.js";
import { RedisRouting } from "./redis-routing.js";

/** How long a graceful stop waits for Redis to take this node's membership away. */
const STOP_TIMEOUT_MS = 2000;

/**
 * Rooms shared by every nylon node on one Redis. Local members are served at once through
 * hub.local, whether or not Redis is up; everything cluster-wide (membership, other nodes' members)
 * goes through Redis in the background, so no call the plugin makes ever waits for it.
 */
export class RedisAdapter implements RoomAdapter {
  readonly kind = "redis" as const;
  readonly nodeId: string;
  readonly errors: RedisErrorCounter;
  private readonly command: Redis;
  private readonly subscriber: Redis;
  private readonly membership: RedisMembership;
  private readonly sizes: RemoteRoomSizes;
  private readonly routing: RedisRouting;
  private pendingChanges: MemberChanges = new Map();
  private flushQueued = false;
  /** Nodes alive at the last heartbeat; sendTo refuses ids of any other node. */
  private liveNodes = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    settings: RedisSettings,
    private readonly hub: WebSocketHub,
    private readonly logger: Logger,
  ) {
    this.nodeId = hub.nodeId;
    this.errors = new RedisErrorCounter(logger);
    const keys = new RedisKeys(settings.key_prefix);
    this.command = createCommandClient(settings, this.nodeId);
    this.subscriber = createSubscriberClient(settings, this.nodeId);
    this.membership = new RedisMembership(this.command, keys, this.nodeId, this.errors, logger);
    this.sizes = new RemoteRoomSizes(this.command, keys, this.nodeId, this.errors);
    // A node started within the last heartbeat is not in liveNodes yet; one whose room messages arrive is
    // alive, so sendTo reaches it at once instead of refusing its ids for up to a heartbeat.
    this.routing = new RedisRouting(this.command, this.subscriber, keys, this.nodeId, hub.local, hub.registry, this.sizes, this.errors, (node) =>
      this.liveNodes.add(node),
    );
  }

  /** Returns at once: the clients connect (and keep reconnecting) in the background. */
  async start(): Promise<void> {
    this.command.on("ready", () => this.onCommandReady());
    this.subscriber.on("ready", () => this.onSubscriberReady());
    for (const [client, role] of [[this.command, "command"], [this.subscriber, "subscriber"]] as const) {
      client.on("error", (error: Error) => this.errors.record(`connection (${role})`, error));
      client.on("end", () => this.stopped || this.logger.warn({ role }, "redis adapter: connection closed for good"));
    }
    this.routing.start();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
    this.logger.info({ node: this.nodeId }, "redis adapter: connecting in the background; local rooms work meanwhile");
  }

  join(conn: WsConnection, room: string): void {
    if (this.hub.local.join(conn, room)) this.queueChange(room, conn.id, "join");
  }

  leave(conn: WsConnection, room: string): void {
    if (this.hub.local.leave(conn, room)) this.queueChange(room, conn.id, "leave");
  }

  removeConnection(conn: WsConnection): void {
    for (const room of this.hub.local.removeConnection(conn)) this.queueChange(room, conn.id, "leave");
  }

  broadcast(room: string, message: OutboundMessage, exclude?: WsConnection): void {
    this.hub.local.deliver(room, message, exclude?.id);
    this.routing.publishBroadcast(room, message, exclude?.id);
  }

  sendTo(connectionId: string, namespace: string, message: OutboundMessage): boolean {
    const node = nodeOfConnection(connectionId);
    if (node === this.nodeId) {
      const conn = this.hub.registry.byId(connectionId);
      if (conn?.owner.roomNamespace !== namespace) return false;
      conn.deliver(message);
      return true;
    }
    if (!this.knowsNode(node)) return false;
    // The receiving node checks the namespace (it alone knows the connection's owner).
    this.routing.publishDirect(node, connectionId, namespace, message);
    return true;
  }

  /** Whether the node was alive at this node's last heartbeat; sendTo routes only to such nodes. */
  knowsNode(node: string): boolean {
    return node === this.nodeId || this.liveNodes.has(node);
  }

  roomSize(room: string): number {
    const local = this.hub.local.size(room);
    return local + this.sizes.total(room, local > 0);
  }

  /** Connection ids in the room on every node, read from Redis (local ones only while Redis is away). */
  async roomMembers(room: string): Promise<string[]> {
    const local = this.localMembers().get(room) ?? [];
    if (!this.membership.ready) return local;
    const everywhere = await this.membership.roomMembers(room);
    return [...new Set([...local, ...everywhere.filter((id) => nodeOfConnection(id) !== this.nodeId)])];
  }

  /**
   * Resolves once everything queued so far (membership writes, subscriptions) has been done by Redis:
   * replies on one connection come in order, so a PING on each client answers after them. While
   * Redis is away, it waits for it to return.
   */
  async settled(): Promise<void> {
    this.flushChanges();
    await Promise.all(
      [this.command, this.subscriber].map(async (client) => {
        if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
        await client.ping();
      }),
    );
  }

  /** Counters for metrics: Redis failures by kind, messages published and received. */
  get stats(): { published: number; received: number; directMisses: number; failures: Record<string, number> } {
    return { ...this.routing.stats, failures: Object.fromEntries(this.errors.counts) };
  }

  /** Whether each Redis client is connected and ready, for metrics. */
  get connectionState(): Record<"command" | "subscriber", boolean> {
    return { command: this.command.status === "ready", subscriber: this.subscriber.status === "ready" };
  }

  /** A worker of this node died: its members leave Redis now (the reaper would take up to DEAD_NODE_REMOVAL_BOUND_MS). */
  nodeDied(node: string): void {
    if (node === this.nodeId) return;
    this.liveNodes.delete(node);
    this.membership.removeNode(node).catch((error: unknown) => this.errors.record("remove-dead-node", error));
  }

  /** Graceful stop: this node's members leave every room in Redis now, then the clients close. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.flushChanges();
    const removal = this.membership.removeSelf().catch((error: unknown) => this.errors.record("shutdown", error));
    await Promise.race([removal, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref())]);
    this.subscriber.disconnect();
    await this.command.quit().catch(() => this.command.disconnect());
  }

  private queueChange(room: string, connectionId: string, change: "join" | "leave"): void {
    let byConnection = this.pendingChanges.get(room);
    if (!byConnection) this.pendingChanges.set(room, (byConnection = new Map()));
    byConnection.set(connectionId, change);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Everything one plugin callback joins or leaves goes to Redis in one pipeline.
    queueMicrotask(() => this.flushChanges());
  }

  private flushChanges(): void {
    this.flushQueued = false;
    if (this.pendingChanges.size === 0) return;
    const changes = this.pendingChanges;
    this.pendingChanges = new Map();
    this.routing.updateSubscriptions(changes.keys());
    this.membership.writeChanges(changes, (room) => this.hub.local.size(room));
  }

  private async beat(): Promise<void> {
    const listedAt = this.sizes.clock;
    const view = await this.membership.beat(() => this.registerAll());
    if (!view) return;
    this.liveNodes = new Set(view.live);
    this.sizes.keepOnlyNodes(this.liveNodes, listedAt);
    this.sizes.refreshQueried((room) => this.hub.local.size(room) > 0);
  }

  /** (Re)connected: write this node's whole membership, then learn the cluster as it is now. */
  private onCommandReady(): void {
    this.logger.info({ node: this.nodeId }, "redis adapter: connected; registering this node's rooms");
    void this.registerAll().then(() => this.beat());
    void this.resyncRoomSizes();
  }

  private onSubscriberReady(): void {
    void this.resyncRoomSizes();
  }

  /**
   * Size notices published while this node was not subscribed are lost, so after any reconnect the
   * counts are read again, once both clients are up and the resubscriptions are done (the PING
   * answers after them): a change before the read is in it, a change after it arrives as a notice.
   */
  private async resyncRoomSizes(): Promise<void> {
    if (this.command.status !== "ready" || this.subscriber.status !== "ready") return;
    try {
      await this.subscriber.ping();
      this.sizes.refreshAll(this.routing.rooms);
    } catch (error) {
      this.errors.record("room-size-refresh", error);
    }
  }

  private registerAll(): Promise<void> {
    return this.membership.registerAll(this.localMembers());
  }

  private localMembers(): Map<string, string[]> {
    const rooms = new Map<string, string[]>();
    for (const conn of this.hub.registry.all()) {
      for (const room of conn.rooms) {
        let members = rooms.get(room);
        if (!members) rooms.set(room, (members = []));
        members.push(conn.id);
      }
    }
    return rooms;
  }
}
