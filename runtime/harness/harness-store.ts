import type { MemoryKvStore } from "../store/memory-kv-store.js";

/**
 * The plugin's store as a test sees it: the keys of its namespace (the harness's store is shared by
 * its nodes, as Redis is by a cluster's). Values are read and written as UTF-8 text unless asked for
 * as bytes; keys whose TTL has passed on the harness's clock are gone.
 */
export class HarnessStore {
  constructor(
    private readonly store: MemoryKvStore,
    private readonly namespace: string,
  ) {}

  get(key: string): string | undefined {
    const value = this.store.entries(this.namespace).get(key);
    return value === undefined ? undefined : Buffer.from(value).toString("utf8");
  }

  getBytes(key: string): Uint8Array | undefined {
    return this.store.entries(this.namespace).get(key);
  }

  /** Puts a key in place before a step (no limits apply: the test sets the scene). */
  set(key: string, value: string | Uint8Array, ttlMs?: number): void {
    const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    this.store.execute(this.namespace, { kind: "set", key, value: bytes, ttlMs: ttlMs ?? null }, { maxKeys: Infinity }, () => {});
  }

  /** Every key with its value as text, sorted by key. */
  entries(): Record<string, string> {
    const all = [...this.store.entries(this.namespace)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(all.map(([key, value]) => [key, Buffer.from(value).toString("utf8")]));
  }
}
