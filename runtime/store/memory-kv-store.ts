import { opFailure } from "../plugin/op-failure.js";
import { keysFull, type KvOp, type KvOutcome, type KvQuota, type KvStore } from "./kv-store.js";
import { incrementedValue } from "./kv-integer.js";

interface Entry {
  value: Uint8Array;
  /** Milliseconds on the store's clock; Infinity without a TTL. */
  expiresAt: number;
}

/** How often expired keys nobody reads again are dropped (a full namespace also drops them before refusing a key). */
const SWEEP_INTERVAL_MS = 30_000;

/**
 * The node's store in the process's memory: answers at once, gone on restart. Expired keys vanish
 * when read, when their namespace is full, and at a periodic sweep. One instance serves every plugin
 * (and, with worker processes, every worker: it lives in the primary and they reach it over IPC).
 */
export class MemoryKvStore implements KvStore {
  readonly kind = "memory" as const;
  private readonly namespaces = new Map<string, Map<string, Entry>>();
  private readonly sweeper: NodeJS.Timeout | null;

  /** `now` is the clock TTLs are measured on (the harness passes its manual clock); `sweep: false` leaves sweeping to reads. */
  constructor(
    private readonly now: () => number = Date.now,
    options: { sweep?: boolean } = {},
  ) {
    this.sweeper = options.sweep === false ? null : setInterval(() => this.sweepAll(), SWEEP_INTERVAL_MS).unref();
  }

  execute(namespace: string, op: KvOp, quota: KvQuota, done: (outcome: KvOutcome) => void): void {
    done(this.run(namespace, op, quota));
  }

  entries(namespace: string): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    const keys = this.namespaces.get(namespace);
    if (!keys) return out;
    const now = this.now();
    for (const [key, entry] of keys) if (entry.expiresAt > now) out.set(key, entry.value);
    return out;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.namespaces.clear();
  }

  private run(namespace: string, op: KvOp, quota: KvQuota): KvOutcome {
    const keys = this.namespaces.get(namespace) ?? new Map<string, Entry>();
    switch (op.kind) {
      case "get":
        return { kind: "value", value: this.live(keys, op.key)?.value ?? null };
      case "set":
        return this.write(namespace, keys, op.key, op.value, op.ttlMs, quota) ?? { kind: "done", done: true };
      case "delete": {
        const existed = this.live(keys, op.key) !== undefined;
        keys.delete(op.key);
        return { kind: "done", done: existed };
      }
      case "increment": {
        const current = this.live(keys, op.key);
        const next = incrementedValue(current?.value ?? null, op.delta);
        if (typeof next === "string") return opFailure("NYLON_E_INVALID_ARGUMENT", `key ${JSON.stringify(op.key.slice(0, 80))}: ${next}`);
        if (current) {
          current.value = next.bytes;
          return { kind: "count", count: next.count };
        }
        return this.write(namespace, keys, op.key, next.bytes, op.ttlMs, quota) ?? { kind: "count", count: next.count };
      }
      case "compare-and-swap": {
        const current = this.live(keys, op.key);
        const matches = op.expected === null ? current === undefined : current !== undefined && sameBytes(current.value, op.expected);
        if (!matches) return { kind: "done", done: false };
        return this.write(namespace, keys, op.key, op.value, op.ttlMs, quota) ?? { kind: "done", done: true };
      }
      case "list-keys": {
        const now = this.now();
        const found: string[] = [];
        for (const [key, entry] of keys) if (entry.expiresAt > now && key.startsWith(op.prefix)) found.push(key);
        // Byte order of the UTF-8 keys, as Redis lists them (JavaScript's own order is UTF-16 code units).
        found.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        return { kind: "keys", keys: found.slice(0, op.limit) };
      }
    }
  }

  /** The entry if it exists and has not expired (an expired one is dropped on the way). */
  private live(keys: Map<string, Entry>, key: string): Entry | undefined {
    const entry = keys.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry;
    keys.delete(key);
    return undefined;
  }

  /** Stores the value (its TTL counted from now); a failure when it would be one key too many. */
  private write(namespace: string, keys: Map<string, Entry>, key: string, value: Uint8Array, ttlMs: number | null, quota: KvQuota): KvOutcome | null {
    if (!keys.has(key) && keys.size >= quota.maxKeys) {
      this.sweep(keys);
      if (keys.size >= quota.maxKeys) return keysFull(quota.maxKeys);
    }
    keys.set(key, { value, expiresAt: ttlMs === null ? Infinity : this.now() + ttlMs });
    if (!this.namespaces.has(namespace)) this.namespaces.set(namespace, keys);
    return null;
  }

  private sweep(keys: Map<string, Entry>): void {
    const now = this.now();
    for (const [key, entry] of keys) if (entry.expiresAt <= now) keys.delete(key);
  }

  private sweepAll(): void {
    for (const [namespace, keys] of this.namespaces) {
      this.sweep(keys);
      if (keys.size === 0) this.namespaces.delete(namespace);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
