import type { WsConnection } from "./connection.js";

/** This node's connections by cluster-wide id; handles are u32 and unique on the node. */
export class ConnectionRegistry {
  private readonly connections = new Map<string, WsConnection>();
  private nextHandle = 1;

  constructor(readonly nodeId: string) {}

  allocateHandle(): number {
    const handle = this.nextHandle;
    this.nextHandle = this.nextHandle >= 0xfffffff0 ? 1 : this.nextHandle + 1;
    return handle;
  }

  idFor(handle: number): string {
    return `${this.nodeId}:${handle}`;
  }

  add(conn: WsConnection): void {
    this.connections.set(conn.id, conn);
  }
  remove(conn: WsConnection): void {
    this.connections.delete(conn.id);
  }
  byId(id: string): WsConnection | undefined {
    return this.connections.get(id);
  }
  get size(): number {
    return this.connections.size;
  }
  all(): IterableIterator<WsConnection> {
    return this.connections.values();
  }
}
