import type { Redis } from "ioredis";
import type { RedisErrorCounter } from "./redis-error-counter.js";
import type { RedisKeys } from "./redis-keys.js";

/** A room asked about (and without local members) is re-read from Redis at most this often... */
export const QUERIED_ROOM_REFRESH_MS = 1000;
/** ...for as long as it keeps being asked about; after this much silence it is forgotten. */
const QUERIED_ROOM_KEEP_MS = 10_000;

interface NodeCount {
  count: number;
  /** `noticeClock` when a notice last set it; a read issued before that must not overwrite it. */
  noticedAt: number;
}

interface RemoteCounts {
  byNode: Map<string, NodeCount>;
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
  /**
   * Counts notices. Notices and read replies travel on different connections, so a reply may land
   * after a newer notice; a node's latest notice is always its latest state, so it wins.
   */
  private noticeClock = 0;

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly errors: RedisErrorCounter,
  ) {}

  /** Members on other nodes, best known; a room never seen before is fetched in the background. */
  total(room: string, hasLocalMembers: boolean): number {
    const entry = this.rooms.get(room);
    if (!entry) {
      if (!hasLocalMembers) this.refreshSoon(room);
      return 0;
    }
    entry.queriedAt = Date.now();
    let total = 0;
    for (const { count } of entry.byNode.values()) total += count;
    return total;
  }

  /** A size notice (a count of 0 also for a node that left), in the order the node sent them. */
  noticed(room: string, node: string, count: number): void {
    if (node === this.nodeId) return;
    this.entry(room).byNode.set(node, { count, noticedAt: ++this.noticeClock });
  }

  /** Where the notices are now; pass it to keepOnlyNodes for a node list read after this. */
  get clock(): number {
    return this.noticeClock;
  }

  /**
   * Drops counts of nodes that are not live (reaped, or stopped while our notice was lost). A count
   * noticed after `listedAt` may come from a node that registered after the list was read: kept.
   */
  keepOnlyNodes(live: ReadonlySet<string>, listedAt: number): void {
    for (const entry of this.rooms.values()) {
      for (const [node, known] of entry.byNode) if (!live.has(node) && known.noticedAt <= listedAt) entry.byNode.delete(node);
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
    const issuedAt = this.noticeClock;
    const pipeline = this.client.pipeline();
    for (const room of rooms) pipeline.hgetall(this.keys.sizes(room));
    pipeline.exec().then(
      (replies) => {
        rooms.forEach((room, i) => {
          const [error, counts] = replies?.[i] ?? [];
          if (!error) this.replace(room, counts as Record<string, string>, issuedAt);
        });
      },
      (error: unknown) => this.errors.record("room-size-refresh", error),
    );
  }

  private replace(room: string, counts: Record<string, string>, issuedAt: number): void {
    const { byNode } = this.entry(room);
    for (const [node, known] of byNode) if (known.noticedAt <= issuedAt && !(node in counts)) byNode.delete(node);
    for (const [node, count] of Object.entries(counts)) {
      if (node === this.nodeId || (byNode.get(node)?.noticedAt ?? 0) > issuedAt) continue;
      byNode.set(node, { count: Number(count), noticedAt: 0 });
    }
  }

  private entry(room: string): RemoteCounts {
    let entry = this.rooms.get(room);
    if (!entry) this.rooms.set(room, (entry = { byNode: new Map(), queriedAt: Date.now() }));
    return entry;
  }
}
