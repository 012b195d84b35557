import type { Redis } from "ioredis";
import type { RedisErrorCounter } from "./redis-error-counter.js";
import type { RedisKeys } from "./redis-keys.js";

/** A room asked about (and without local members) is re-read from Redis at most this often... */
export const QUERIED_ROOM_REFRESH_MS = 1000;
/** ...for as long as it keeps being asked about; after this much silence it is forgotten. */
const QUERIED_ROOM_KEEP_MS = 10_000;

interface RemoteCounts {
  /** Member counts per other node. */
  byNode: Map<string, number>;
  total: number;
  queriedAt: number;
}

/**
 * Other nodes' member counts per room, so the synchronous ws-room-size host call answers from memory.
 * Rooms with local members are kept current by the size notices on the room channel (pub/sub
 * latency); other rooms are read from Redis when first asked about and then every
 * QUERIED_ROOM_REFRESH_MS while they keep being asked about.
 */
export class RemoteRoomSizes {
  private readonly rooms = new Map<string, RemoteCounts>();
  private readonly toRefresh = new Set<string>();
  private refreshQueued = false;

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly errors: RedisErrorCounter,
  ) {}

  /** Members on other nodes, best known; a room never seen before is fetched in the background. */
  total(room: string, hasLocalMembers: boolean): number {
    const entry = this.rooms.get(room);
    if (entry) {
      entry.queriedAt = Date.now();
      return entry.total;
    }
    if (!hasLocalMembers) this.refreshSoon(room);
    return 0;
  }

  set(room: string, node: string, count: number): void {
    if (node === this.nodeId) return;
    const entry = this.entry(room);
    entry.total += count - (entry.byNode.get(node) ?? 0);
    if (count > 0) entry.byNode.set(node, count);
    else entry.byNode.delete(node);
  }

  /** Drops counts of nodes that are not live (reaped, or stopped while our notice was lost). */
  keepOnlyNodes(live: ReadonlySet<string>): void {
    for (const [room, entry] of this.rooms) {
      for (const node of entry.byNode.keys()) if (!live.has(node)) this.set(room, node, 0);
    }
  }

  /** Every tick: re-reads rooms without local members that someone keeps asking about. */
  refreshQueried(hasLocalMembers: (room: string) => boolean): void {
    const now = Date.now();
    for (const [room, entry] of this.rooms) {
      if (hasLocalMembers(room)) continue;
      if (now - entry.queriedAt > QUERIED_ROOM_KEEP_MS) this.rooms.delete(room);
      else this.toRefresh.add(room);
    }
    this.refreshQueuedRooms();
  }

  /** After a reconnect: size notices may have been missed while the subscriber was away. */
  refreshAll(localRooms: Iterable<string>): void {
    for (const room of localRooms) this.toRefresh.add(room);
    for (const room of this.rooms.keys()) this.toRefresh.add(room);
    this.refreshQueuedRooms();
  }

  /** Reads the room soon; for a room just subscribed, this covers the counts from before its notices. */
  refreshSoon(room: string): void {
    this.toRefresh.add(room);
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => this.refreshQueuedRooms());
  }

  private refreshQueuedRooms(): void {
    this.refreshQueued = false;
    if (this.toRefresh.size === 0 || this.client.status !== "ready") return;
    const rooms = [...this.toRefresh];
    this.toRefresh.clear();
    const pipeline = this.client.pipeline();
    for (const room of rooms) pipeline.hgetall(this.keys.sizes(room));
    pipeline.exec().then(
      (replies) => {
        rooms.forEach((room, i) => {
          const [error, counts] = replies?.[i] ?? [];
          if (!error) this.replace(room, counts as Record<string, string>);
        });
      },
      (error: unknown) => this.errors.record("room-size-refresh", error),
    );
  }

  private replace(room: string, counts: Record<string, string>): void {
    const entry = this.entry(room);
    entry.byNode.clear();
    entry.total = 0;
    for (const [node, count] of Object.entries(counts)) {
      if (node === this.nodeId) continue;
      entry.byNode.set(node, Number(count));
      entry.total += Number(count);
    }
  }

  private entry(room: string): RemoteCounts {
    let entry = this.rooms.get(room);
    if (!entry) this.rooms.set(room, (entry = { byNode: new Map(), total: 0, queriedAt: Date.now() }));
    return entry;
  }
}
