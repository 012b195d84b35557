/**
 * Every Redis key and pub/sub channel the cluster uses, under one prefix (`redis.key_prefix`).
 * Node ids are UUIDs (no ":"), so a room name, which may contain anything, always comes last. A room
 * name is qualified with its plugin's namespace ("<namespace>:<room>", room-namespace.ts), so two
 * plugins' rooms of one name have different keys and channels.
 *
 *   P:nodes               set      ids of registered nodes (the reaper's worklist: never a keyspace scan)
 *   P:alive:<node>        string   heartbeat; expires NODE_TTL_MS after the node's last beat
 *   P:rooms-of:<node>     set      rooms where the node has members (what to clean when it dies)
 *   P:sizes:<room>        hash     node -> member count on that node (cluster-wide room size)
 *   P:members:<node>:<room> set    connection ids of the room's members on that node
 *   channel P:room:<room>           broadcasts and size changes; only nodes with members subscribe
 *   channel P:to-node:<node>        messages for one connection on that node (sendTo)
 */
export class RedisKeys {
  /** The fixed start of each kind of name; the Lua scripts build names from these too. */
  readonly prefixes: { alive: string; roomsOf: string; sizes: string; members: string; roomChannel: string; nodeChannel: string };
  readonly nodes: string;

  constructor(prefix: string) {
    this.nodes = `${prefix}:nodes`;
    this.prefixes = {
      alive: `${prefix}:alive:`,
      roomsOf: `${prefix}:rooms-of:`,
      sizes: `${prefix}:sizes:`,
      members: `${prefix}:members:`,
      roomChannel: `${prefix}:room:`,
      nodeChannel: `${prefix}:to-node:`,
    };
  }

  alive(node: string): string {
    return this.prefixes.alive + node;
  }
  roomsOf(node: string): string {
    return this.prefixes.roomsOf + node;
  }
  sizes(room: string): string {
    return this.prefixes.sizes + room;
  }
  members(node: string, room: string): string {
    return `${this.prefixes.members}${node}:${room}`;
  }
  roomChannel(room: string): string {
    return this.prefixes.roomChannel + room;
  }
  nodeChannel(node: string): string {
    return this.prefixes.nodeChannel + node;
  }
  /** The room a room channel carries, or undefined for any other channel. */
  roomOfChannel(channel: string): string | undefined {
    return channel.startsWith(this.prefixes.roomChannel) ? channel.slice(this.prefixes.roomChannel.length) : undefined;
  }
}

/** The node part of a cluster-wide connection id "<node>:<handle>". */
export function nodeOfConnection(connectionId: string): string {
  const colon = connectionId.lastIndexOf(":");
  return colon < 0 ? "" : connectionId.slice(0, colon);
}
