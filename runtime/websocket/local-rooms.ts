import type { WsConnection } from "./connection.js";
import type { OutboundMessage } from "./outbound-message.js";

/** Room membership of this node's connections; every adapter delivers through it. */
export class LocalRooms {
  private readonly rooms = new Map<string, Set<WsConnection>>();
  /** Deliveries made, for metrics. */
  deliveries = 0;

  join(conn: WsConnection, room: string): boolean {
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Set()));
    if (members.has(conn)) return false;
    members.add(conn);
    conn.rooms.add(room);
    return true;
  }

  leave(conn: WsConnection, room: string): boolean {
    const members = this.rooms.get(room);
    conn.rooms.delete(room);
    if (!members || !members.delete(conn)) return false;
    if (members.size === 0) this.rooms.delete(room);
    return true;
  }

  /** Leaves every room; returns the rooms left. */
  removeConnection(conn: WsConnection): string[] {
    const left = [...conn.rooms];
    for (const room of left) this.leave(conn, room);
    return left;
  }

  size(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  /** Each room with members here, with their count. */
  *sizes(): IterableIterator<[string, number]> {
    for (const [room, members] of this.rooms) yield [room, members.size];
  }

  roomCount(): number {
    return this.rooms.size;
  }

  deliver(room: string, message: OutboundMessage, excludeId?: string): void {
    const members = this.rooms.get(room);
    if (!members) return;
    for (const conn of members) {
      if (conn.id === excludeId) continue;
      if (conn.deliver(message) === "sent") this.deliveries++;
    }
  }
}
