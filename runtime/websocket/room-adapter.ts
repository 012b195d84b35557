import type { WsConnection } from "./connection.js";
import type { OutboundMessage } from "./outbound-message.js";

/**
 * Rooms behind one interface, so one node (memory) and many nodes (Redis) behave the same. Calls are
 * synchronous for the plugin: anything slow (Redis I/O) is queued by the adapter and happens after.
 * Room names arrive qualified with their plugin's namespace (room-namespace.ts), so an adapter keeps
 * namespaces apart without knowing about them.
 */
export interface RoomAdapter {
  readonly kind: "memory" | "workers" | "redis";
  readonly nodeId: string;
  start(): Promise<void>;
  join(conn: WsConnection, room: string): void;
  leave(conn: WsConnection, room: string): void;
  /** The connection closed: it leaves every room. */
  removeConnection(conn: WsConnection): void;
  /** To every member of the room on every node, except `exclude` when given. */
  broadcast(room: string, message: OutboundMessage, exclude?: WsConnection): void;
  /**
   * To one connection anywhere in the cluster whose owner is in `namespace`; false when it is known
   * not to exist or to belong to another namespace (the sender cannot tell the two apart).
   */
  sendTo(connectionId: string, namespace: string, message: OutboundMessage): boolean;
  /** Members of the room on every node (best known value for remote nodes). */
  roomSize(room: string): number;
  /**
   * Connection ids of the room's members on every live node. Never waits on another node; the
   * workers of one node ask each other (a worker that does not answer within 1 s is left out).
   */
  roomMembers(room: string): Promise<string[]>;
  /**
   * Another node is known to be dead (a worker of this node that died): its members leave every room
   * now rather than when the adapter finds out by itself. Adapters that learn it at once need not
   * implement it.
   */
  nodeDied?(nodeId: string): void;
  stop(): Promise<void>;
}
