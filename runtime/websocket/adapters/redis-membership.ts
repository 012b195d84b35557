import type { Redis, ChainableCommander } from "ioredis";
import type { Logger } from "pino";
import { encodeEnvelope, EnvelopeKind } from "./redis-envelope.js";
import type { RedisErrorCounter } from "./redis-error-counter.js";
import type { RedisKeys } from "./redis-keys.js";

/** How often a node beats and reaps. */
export const HEARTBEAT_INTERVAL_MS = 1000;
/** A node whose heartbeat is older than this is dead; its members are removed by the next reap. */
export const NODE_TTL_MS = 5000;
/** Upper bound for a killed node's connections to leave every room: TTL expiry plus one reap tick. */
export const DEAD_NODE_REMOVAL_BOUND_MS = NODE_TTL_MS + HEARTBEAT_INTERVAL_MS;

/**
 * Removes one node from the cluster's membership and tells each of its rooms ("g" notice). Key
 * names come in ARGV as prefixes from RedisKeys, so they are spelt in one place only.
 * ARGV: nodes key, alive:, rooms-of:, sizes:, members:, room channel prefix.
 */
const REMOVE_NODE_LUA = `
local nodes_key, alive_p, rooms_of_p, sizes_p, members_p, channel_p = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local function remove_node(node)
  local rooms_key = rooms_of_p .. node
  -- same layout as encodeEnvelope(nodeGone, node, "", <empty>)
  local notice = 'g' .. string.char(math.floor(#node / 256), #node % 256) .. node .. string.char(0, 0)
  for _, room in ipairs(redis.call('SMEMBERS', rooms_key)) do
    redis.call('HDEL', sizes_p .. room, node)
    redis.call('DEL', members_p .. node .. ':' .. room)
    redis.call('PUBLISH', channel_p .. room, notice)
  end
  redis.call('DEL', rooms_key, alive_p .. node)
  redis.call('SREM', nodes_key, node)
end
`;

/** ARGV[7] = the node to remove. */
const REMOVE_ONE_LUA = `${REMOVE_NODE_LUA}
remove_node(ARGV[7])
return 1
`;

/**
 * Reaps every registered node whose heartbeat expired; returns {live nodes, reaped nodes}. Its cost is
 * the number of registered nodes plus the dead nodes' rooms: no node ever scans the keyspace.
 */
const REAP_LUA = `${REMOVE_NODE_LUA}
local live, dead = {}, {}
for _, node in ipairs(redis.call('SMEMBERS', nodes_key)) do
  if redis.call('EXISTS', alive_p .. node) == 1 then
    table.insert(live, node)
  else
    remove_node(node)
    table.insert(dead, node)
  end
end
return {live, dead}
`;

/** A membership change of one connection, queued until the next flush. */
export type MemberChanges = Map<string, Map<string, "join" | "leave">>;

export interface ClusterView {
  live: string[];
  reaped: string[];
}

/**
 * This node's entry in the cluster registry: heartbeat, its rooms' member counts and member ids in
 * Redis, and the reaping of dead nodes. Every write is fire-and-forget; when Redis comes back the
 * node's whole membership is written again (`registerAll`), so nothing lost in between matters.
 */
export class RedisMembership {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly errors: RedisErrorCounter,
    private readonly logger: Logger,
  ) {}

  private scriptArgs(): string[] {
    const { alive, roomsOf, sizes, members, roomChannel } = this.keys.prefixes;
    return [this.keys.nodes, alive, roomsOf, sizes, members, roomChannel];
  }

  get ready(): boolean {
    return this.client.status === "ready";
  }

  /**
   * One heartbeat: refresh this node's TTL, re-register if the cluster had forgotten it (it was
   * reaped during a stall, or Redis lost its data), reap dead nodes. Undefined when Redis is away.
   */
  async beat(register: () => Promise<void>): Promise<ClusterView | undefined> {
    if (!this.ready) return undefined;
    try {
      const [setResult, addResult] = (await this.client
        .multi()
        .set(this.keys.alive(this.nodeId), "1", "PX", NODE_TTL_MS)
        .sadd(this.keys.nodes, this.nodeId)
        .exec())!;
      if (setResult?.[0] || addResult?.[0]) throw setResult?.[0] ?? addResult?.[0];
      if (addResult?.[1] === 1) {
        this.logger.warn({ node: this.nodeId }, "redis adapter: this node was not registered (reaped or Redis restarted); registering again");
        await register();
      }
      const [live, reaped] = (await this.client.eval(REAP_LUA, 0, ...this.scriptArgs())) as [string[], string[]];
      if (reaped.length > 0) this.logger.warn({ reaped }, "redis adapter: removed dead nodes from every room");
      return { live, reaped };
    } catch (error) {
      this.errors.record("heartbeat", error);
      return undefined;
    }
  }

  /** Writes this node's complete membership, replacing whatever Redis holds for it, atomically. */
  async registerAll(roomMembers: Map<string, string[]>): Promise<void> {
    const multi = this.client.multi().eval(REMOVE_ONE_LUA, 0, ...this.scriptArgs(), this.nodeId);
    for (const [room, members] of roomMembers) this.writeRoom(multi, room, members.length, members, []);
    multi.set(this.keys.alive(this.nodeId), "1", "PX", NODE_TTL_MS).sadd(this.keys.nodes, this.nodeId);
    await this.exec(multi, "register");
  }

  /** Applies queued joins and leaves; `localCount(room)` is this node's member count now. */
  writeChanges(changes: MemberChanges, localCount: (room: string) => number): void {
    if (!this.ready) return; // registerAll on reconnect writes the complete state
    const multi = this.client.pipeline();
    for (const [room, byConnection] of changes) {
      const joined: string[] = [];
      const left: string[] = [];
      for (const [id, change] of byConnection) (change === "join" ? joined : left).push(id);
      this.writeRoom(multi, room, localCount(room), joined, left);
    }
    void this.exec(multi, "membership");
  }

  /** Graceful stop: this node's members leave every room now, not after the TTL. */
  removeSelf(): Promise<void> {
    return this.removeNode(this.nodeId);
  }

  /** A node's members leave every room now (its rooms get "g" notices), as the reaper would do after its TTL. */
  async removeNode(node: string): Promise<void> {
    if (!this.ready) return;
    await this.client.eval(REMOVE_ONE_LUA, 0, ...this.scriptArgs(), node);
  }

  /** Connection ids in the room on every live node (read from Redis; never waits for another node). */
  async roomMembers(room: string): Promise<string[]> {
    const nodes = await this.client.hkeys(this.keys.sizes(room));
    if (nodes.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const node of nodes) pipeline.smembers(this.keys.members(node, room));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([error, ids]) => (error ? [] : (ids as string[])));
  }

  private writeRoom(multi: ChainableCommander, room: string, count: number, joined: string[], left: string[]): void {
    const k = this.keys;
    const members = k.members(this.nodeId, room);
    if (count > 0) {
      if (left.length > 0) multi.srem(members, ...left);
      if (joined.length > 0) multi.sadd(members, ...joined);
      multi.hset(k.sizes(room), this.nodeId, count).sadd(k.roomsOf(this.nodeId), room);
    } else {
      multi.del(members).hdel(k.sizes(room), this.nodeId).srem(k.roomsOf(this.nodeId), room);
    }
    multi.publish(k.roomChannel(room), encodeEnvelope(EnvelopeKind.roomSize, this.nodeId, "", Buffer.from(String(count))));
  }

  private async exec(multi: ChainableCommander, kind: string): Promise<void> {
    try {
      const results = (await multi.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      this.errors.record(kind, error);
    }
  }
}
