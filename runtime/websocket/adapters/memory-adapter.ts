import type { WsConnection } from "../connection.js";
import type { ConnectionRegistry } from "../connection-registry.js";
import { LocalRooms } from "../local-rooms.js";
import type { OutboundMessage } from "../outbound-message.js";
import type { RoomAdapter } from "../room-adapter.js";

/** Rooms on one node: everything is local. */
export class MemoryAdapter implements RoomAdapter {
  readonly kind = "memory" as const;
  constructor(
    readonly nodeId: string,
    readonly local: LocalRooms,
    private readonly registry: ConnectionRegistry,
  ) {}
  async start(): Promise<void> {}
  join(conn: WsConnection, room: string): void {
    this.local.join(conn, room);
  }
  leave(conn: WsConnection, room: string): void {
    this.local.leave(conn, room);
  }
  removeConnection(conn: WsConnection): void {
    this.local.removeConnection(conn);
  }
  broadcast(room: string, message: OutboundMessage, exclude?: WsConnection): void {
    this.local.deliver(room, message, exclude?.id);
  }
  sendTo(connectionId: string, namespace: string, message: OutboundMessage): boolean {
    const conn = this.registry.byId(connectionId);
    if (conn?.owner.roomNamespace !== namespace) return false;
    conn.deliver(message);
    return true;
  }
  roomSize(room: string): number {
    return this.local.size(room);
  }
  async roomMembers(room: string): Promise<string[]> {
    return [...this.registry.all()].filter((conn) => conn.rooms.has(room)).map((conn) => conn.id);
  }
  async stop(): Promise<void> {}
}
