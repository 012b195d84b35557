import type { WsConnection } from "../websocket/connection.js";
import type { OutboundMessage } from "../websocket/outbound-message.js";
import type { RoomAdapter } from "../websocket/room-adapter.js";
import type { WebSocketHub } from "../websocket/websocket-hub.js";

/**
 * Rooms shared by several simulated nodes in one process, standing in for Redis: what the Redis
 * adapter (runtime/websocket/adapters/redis-adapter.ts) gives a plugin, without a server. Each node
 * keeps its own members in hub.local; a broadcast reaches every node's members (each node framing
 * it once), sendTo finds a connection on any node, and room sizes count every node. Unlike Redis,
 * delivery to other nodes is immediate, so a test needs no waiting.
 */
export class SharedRooms {
  private readonly hubs = new Map<string, WebSocketHub>();

  /** Joins the hub to the cluster and returns the adapter it should use. */
  adapterFor(hub: WebSocketHub): RoomAdapter {
    this.hubs.set(hub.nodeId, hub);
    return new SharedRoomsAdapter(hub, this.hubs);
  }
}

class SharedRoomsAdapter implements RoomAdapter {
  readonly kind = "redis" as const;
  readonly nodeId: string;

  constructor(
    private readonly hub: WebSocketHub,
    private readonly cluster: ReadonlyMap<string, WebSocketHub>,
  ) {
    this.nodeId = hub.nodeId;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  join(conn: WsConnection, room: string): void {
    this.hub.local.join(conn, room);
  }
  leave(conn: WsConnection, room: string): void {
    this.hub.local.leave(conn, room);
  }
  removeConnection(conn: WsConnection): void {
    this.hub.local.removeConnection(conn);
  }

  broadcast(room: string, message: OutboundMessage, exclude?: WsConnection): void {
    // The sending node first, as with Redis (local members are served before the publish).
    this.hub.local.deliver(room, message, exclude?.id);
    for (const other of this.cluster.values()) if (other !== this.hub) other.local.deliver(room, message, exclude?.id);
  }

  sendTo(connectionId: string, namespace: string, message: OutboundMessage): boolean {
    for (const hub of this.cluster.values()) {
      const conn = hub.registry.byId(connectionId);
      if (conn?.owner.roomNamespace === namespace) {
        conn.deliver(message);
        return true;
      }
    }
    return false;
  }

  roomSize(room: string): number {
    let size = 0;
    for (const hub of this.cluster.values()) size += hub.local.size(room);
    return size;
  }

  async roomMembers(room: string): Promise<string[]> {
    const ids: string[] = [];
    for (const hub of this.cluster.values()) for (const conn of hub.registry.all()) if (conn.rooms.has(room)) ids.push(conn.id);
    return ids;
  }
}
