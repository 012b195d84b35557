import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { RedisSettings } from "../config/schema.js";
import { createCommandClient } from "../websocket/adapters/redis-connection.js";
import { RedisErrorCounter } from "../websocket/adapters/redis-error-counter.js";
import { opFailure } from "../plugin/op-failure.js";
import { keysFull, type KvOp, type KvOutcome, type KvQuota, type KvStore } from "./kv-store.js";
import { COMPARE_AND_SWAP_LUA, DELETE_LUA, INCREMENT_LUA, LIST_KEYS_LUA, SET_LUA } from "./redis-kv-scripts.js";

/** The scripts, registered with ioredis (EVALSHA, loaded again after a Redis restart). */
type Script = (keys: [string, string, string], ...args: (string | Buffer | number)[]) => Promise<unknown>;
interface StoreCommands {
  kvSet: Script;
  kvDelete: Script;
  kvIncrement: Script;
  kvCompareAndSwap: Script;
  kvListKeys: Script;
}

/**
 * The cluster's store in Redis, through the same connection settings as the room adapter
 * (`websocket.redis`). Keys of one namespace share a hash tag:
 *
 *   P:{<namespace>}:v:<key>   string  the value (PX when it has a TTL)
 *   P:{<namespace>}:keys      zset    every key, score 0 (byte-ordered listing, the key count)
 *   P:{<namespace>}:exp       zset    key -> when it expires (ms), for keys with a TTL
 *
 * A command that Redis does not answer within `timeoutMs`, or one issued while Redis is away, fails
 * at once with NYLON_E_KV_UNAVAILABLE (no offline queue: nothing stale is replayed on reconnect).
 */
export class RedisKvStore implements KvStore {
  readonly kind = "redis" as const;
  private readonly client: Redis;
  private readonly commands: StoreCommands;
  private readonly errors: RedisErrorCounter;

  constructor(
    settings: RedisSettings,
    private readonly prefix: string,
    timeoutMs: number,
    nodeId: string,
    logger: Logger,
  ) {
    this.errors = new RedisErrorCounter(logger);
    this.client = createCommandClient(settings, nodeId, { connectionName: `nylon-kv-${nodeId}`, commandTimeout: timeoutMs });
    this.client.on("error", (error: Error) => this.errors.record("store connection", error));
    const scripts: [keyof StoreCommands, string][] = [
      ["kvSet", SET_LUA],
      ["kvDelete", DELETE_LUA],
      ["kvIncrement", INCREMENT_LUA],
      ["kvCompareAndSwap", COMPARE_AND_SWAP_LUA],
      ["kvListKeys", LIST_KEYS_LUA],
    ];
    for (const [name, lua] of scripts) this.client.defineCommand(name, { numberOfKeys: 3, lua });
    this.commands = this.client as unknown as StoreCommands;
  }

  execute(namespace: string, op: KvOp, quota: KvQuota, done: (outcome: KvOutcome) => void): void {
    this.run(namespace, op, quota).then(done, (error: unknown) => {
      this.errors.record("store operation", error);
      done(opFailure("NYLON_E_KV_UNAVAILABLE", `the store did not answer: ${(error as Error).message}`));
    });
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private async run(namespace: string, op: KvOp, quota: KvQuota): Promise<KvOutcome> {
    const base = `${this.prefix}:{${namespace}}`;
    const vprefix = `${base}:v:`;
    const keys = (key: string): [string, string, string] => [`${base}:keys`, `${base}:exp`, vprefix + key];
    switch (op.kind) {
      case "get":
        return { kind: "value", value: await this.client.getBuffer(vprefix + op.key) };
      case "set": {
        const stored = await this.commands.kvSet(keys(op.key), op.key, vprefix, quota.maxKeys, Buffer.from(op.value), op.ttlMs ?? 0);
        return stored === -1 ? keysFull(quota.maxKeys) : { kind: "done", done: true };
      }
      case "delete":
        return { kind: "done", done: (await this.commands.kvDelete(keys(op.key), op.key)) === 1 };
      case "increment": {
        const [status, value] = (await this.commands.kvIncrement(keys(op.key), op.key, vprefix, quota.maxKeys, op.delta.toString(), op.ttlMs ?? 0)) as [number, string?];
        if (status === 1) return keysFull(quota.maxKeys);
        if (status === 2) return opFailure("NYLON_E_INVALID_ARGUMENT", `key ${JSON.stringify(op.key.slice(0, 80))}: ${value ?? "the value is not an integer"}`);
        return { kind: "count", count: BigInt(value!) };
      }
      case "compare-and-swap": {
        const expected = op.expected === null ? ["0"] : ["1", Buffer.from(op.expected)];
        const swapped = await this.commands.kvCompareAndSwap(keys(op.key), op.key, vprefix, quota.maxKeys, Buffer.from(op.value), op.ttlMs ?? 0, ...expected);
        return swapped === -1 ? keysFull(quota.maxKeys) : { kind: "done", done: swapped === 1 };
      }
      case "list-keys":
        return { kind: "keys", keys: (await this.commands.kvListKeys(keys(""), vprefix, op.prefix, op.limit)) as string[] };
    }
  }
}
