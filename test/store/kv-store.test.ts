// The store's semantics, the same for both backends: the memory store and the Redis store on a real
// redis-server. TTLs are checked on real time with short TTLs, waiting for the expiry (never a sleep
// that assumes a speed).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import type { KvOp, KvOutcome, KvStore } from "../../runtime/store/kv-store.js";
import { MemoryKvStore } from "../../runtime/store/memory-kv-store.js";
import { RedisKvStore } from "../../runtime/store/redis-kv-store.js";
import { RedisServer } from "../cluster/redis-server.js";

const quiet = pino({ level: "silent" });
const text = (s: string) => Buffer.from(s);

function run(store: KvStore, namespace: string, op: KvOp, maxKeys = 100): Promise<KvOutcome> {
  return new Promise((resolve) => store.execute(namespace, op, { maxKeys }, resolve));
}

async function value(store: KvStore, ns: string, key: string): Promise<string | null> {
  const outcome = await run(store, ns, { kind: "get", key });
  assert.equal(outcome.kind, "value");
  return outcome.kind === "value" && outcome.value !== null ? Buffer.from(outcome.value).toString() : null;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function semantics(name: string, open: () => Promise<{ store: KvStore; close(): Promise<void> }>): void {
  describe(name, () => {
    let store: KvStore;
    let close: () => Promise<void>;
    let ns: string;
    before(async () => ({ store, close } = await open()));
    after(() => close());
    // Each test its own namespace, so tests never see each other's keys.
    const fresh = () => (ns = `t-${randomUUID()}`);

    it("get of a missing key is null; set, get, overwrite, delete", async () => {
      fresh();
      assert.equal(await value(store, ns, "k"), null);
      assert.deepEqual(await run(store, ns, { kind: "set", key: "k", value: text("one"), ttlMs: null }), { kind: "done", done: true });
      assert.equal(await value(store, ns, "k"), "one");
      await run(store, ns, { kind: "set", key: "k", value: text("two"), ttlMs: null });
      assert.equal(await value(store, ns, "k"), "two");
      assert.deepEqual(await run(store, ns, { kind: "delete", key: "k" }), { kind: "done", done: true });
      assert.deepEqual(await run(store, ns, { kind: "delete", key: "k" }), { kind: "done", done: false });
      assert.equal(await value(store, ns, "k"), null);
    });

    it("values are bytes, kept exactly", async () => {
      fresh();
      const bytes = Uint8Array.from([0, 255, 10, 13, 0xc3]);
      await run(store, ns, { kind: "set", key: "bin", value: bytes, ttlMs: null });
      const got = await run(store, ns, { kind: "get", key: "bin" });
      assert.deepEqual(got.kind === "value" && got.value && [...got.value], [...bytes]);
    });

    it("namespaces never see each other's keys", async () => {
      fresh();
      const other = `${ns}-other`;
      await run(store, ns, { kind: "set", key: "secret", value: text("mine"), ttlMs: null });
      assert.equal(await value(store, other, "secret"), null);
      assert.deepEqual(await run(store, other, { kind: "list-keys", prefix: "", limit: 10 }), { kind: "keys", keys: [] });
      assert.deepEqual(await run(store, other, { kind: "delete", key: "secret" }), { kind: "done", done: false });
      assert.equal(await value(store, ns, "secret"), "mine");
    });

    it("a key set with a TTL is gone after it, and frees its place under the key limit", async () => {
      fresh();
      await run(store, ns, { kind: "set", key: "short", value: text("v"), ttlMs: 150 }, 1);
      assert.equal(await value(store, ns, "short"), "v");
      const full = await run(store, ns, { kind: "set", key: "other", value: text("v"), ttlMs: null }, 1);
      assert.equal(full.kind === "failed" && full.code, "NYLON_E_KV_LIMIT");
      await until(async () => (await value(store, ns, "short")) === null, "the key expired");
      assert.deepEqual(await run(store, ns, { kind: "set", key: "other", value: text("v"), ttlMs: null }, 1), { kind: "done", done: true });
    });

    it("increment counts from 0, keeps digits as text, sets its TTL only when it creates the key", async () => {
      fresh();
      assert.deepEqual(await run(store, ns, { kind: "increment", key: "n", delta: 1n, ttlMs: 60_000 }), { kind: "count", count: 1n });
      assert.deepEqual(await run(store, ns, { kind: "increment", key: "n", delta: 41n, ttlMs: 1 }), { kind: "count", count: 42n });
      assert.equal(await value(store, ns, "n"), "42");
      assert.deepEqual(await run(store, ns, { kind: "increment", key: "n", delta: -50n, ttlMs: null }), { kind: "count", count: -8n });
      // The second increment's 1 ms TTL did not apply: the key is still there a while later.
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(await value(store, ns, "n"), "-8");
      const big = 2n ** 62n;
      await run(store, ns, { kind: "increment", key: "big", delta: big, ttlMs: null });
      assert.deepEqual(await run(store, ns, { kind: "increment", key: "big", delta: big - 1n, ttlMs: null }), { kind: "count", count: 2n ** 63n - 1n });
      const overflow = await run(store, ns, { kind: "increment", key: "big", delta: 1n, ttlMs: null });
      assert.equal(overflow.kind === "failed" && overflow.code, "NYLON_E_INVALID_ARGUMENT");
      await run(store, ns, { kind: "set", key: "word", value: text("abc"), ttlMs: null });
      const notNumber = await run(store, ns, { kind: "increment", key: "word", delta: 1n, ttlMs: null });
      assert.equal(notNumber.kind === "failed" && notNumber.code, "NYLON_E_INVALID_ARGUMENT");
    });

    it("a key created by increment with a TTL expires", async () => {
      fresh();
      await run(store, ns, { kind: "increment", key: "window", delta: 1n, ttlMs: 100 });
      await until(async () => (await value(store, ns, "window")) === null, "the counter expired");
      assert.deepEqual(await run(store, ns, { kind: "increment", key: "window", delta: 1n, ttlMs: 100 }), { kind: "count", count: 1n });
    });

    it("compare-and-swap swaps only on a match; expected null means only if absent", async () => {
      fresh();
      assert.deepEqual(await run(store, ns, { kind: "compare-and-swap", key: "lock", expected: null, value: text("a"), ttlMs: null }), { kind: "done", done: true });
      assert.deepEqual(await run(store, ns, { kind: "compare-and-swap", key: "lock", expected: null, value: text("b"), ttlMs: null }), { kind: "done", done: false });
      assert.deepEqual(await run(store, ns, { kind: "compare-and-swap", key: "lock", expected: text("x"), value: text("b"), ttlMs: null }), { kind: "done", done: false });
      assert.deepEqual(await run(store, ns, { kind: "compare-and-swap", key: "lock", expected: text("a"), value: text("b"), ttlMs: null }), { kind: "done", done: true });
      assert.equal(await value(store, ns, "lock"), "b");
      assert.deepEqual(await run(store, ns, { kind: "compare-and-swap", key: "none", expected: text("a"), value: text("b"), ttlMs: null }), { kind: "done", done: false });
    });

    it("list-keys gives keys with the prefix in byte order, at most the limit, without expired ones", async () => {
      fresh();
      for (const key of ["user:b", "user:a", "user:é", "user:c", "other", "user:"]) {
        await run(store, ns, { kind: "set", key, value: text("1"), ttlMs: null });
      }
      await run(store, ns, { kind: "set", key: "user:gone", value: text("1"), ttlMs: 50 });
      await until(async () => (await value(store, ns, "user:gone")) === null, "the key expired");
      assert.deepEqual(await run(store, ns, { kind: "list-keys", prefix: "user:", limit: 100 }), { kind: "keys", keys: ["user:", "user:a", "user:b", "user:c", "user:é"] });
      assert.deepEqual(await run(store, ns, { kind: "list-keys", prefix: "user:", limit: 2 }), { kind: "keys", keys: ["user:", "user:a"] });
      assert.deepEqual(await run(store, ns, { kind: "list-keys", prefix: "", limit: 100 }), { kind: "keys", keys: ["other", "user:", "user:a", "user:b", "user:c", "user:é"] });
    });

    it("max keys: a new key past the limit is refused; existing keys still change", async () => {
      fresh();
      await run(store, ns, { kind: "set", key: "a", value: text("1"), ttlMs: null }, 2);
      await run(store, ns, { kind: "increment", key: "b", delta: 1n, ttlMs: null }, 2);
      for (const op of [
        { kind: "set", key: "c", value: text("1"), ttlMs: null },
        { kind: "increment", key: "c", delta: 1n, ttlMs: null },
        { kind: "compare-and-swap", key: "c", expected: null, value: text("1"), ttlMs: null },
      ] satisfies KvOp[]) {
        const refused = await run(store, ns, op, 2);
        assert.equal(refused.kind === "failed" && refused.code, "NYLON_E_KV_LIMIT", op.kind);
        assert.match(refused.kind === "failed" ? refused.message : "", /store\.max_keys/);
      }
      assert.deepEqual(await run(store, ns, { kind: "set", key: "a", value: text("2"), ttlMs: null }, 2), { kind: "done", done: true });
      assert.deepEqual(await run(store, ns, { kind: "increment", key: "b", delta: 1n, ttlMs: null }, 2), { kind: "count", count: 2n });
      await run(store, ns, { kind: "delete", key: "a" }, 2);
      assert.deepEqual(await run(store, ns, { kind: "set", key: "c", value: text("1"), ttlMs: null }, 2), { kind: "done", done: true });
    });
  });
}

semantics("memory store", async () => {
  const store = new MemoryKvStore();
  return { store, close: () => store.close() };
});

let redis: RedisServer;
semantics("Redis store (real redis-server)", async () => {
  redis = await RedisServer.start();
  const store = new RedisKvStore({ host: "127.0.0.1", port: redis.port, db: 0, key_prefix: "unused", connect_timeout_ms: 1000 }, "test:kv", 1000, "node-a", quiet);
  // The client connects in the background; until then operations fail (no offline queue).
  await until(async () => (await run(store, "probe", { kind: "get", key: "k" })).kind === "value", "the store connected");
  return {
    store,
    close: async () => {
      await store.close();
      await redis.stop();
    },
  };
});

describe("Redis store when Redis is away", () => {
  it("an operation fails at once with NYLON_E_KV_UNAVAILABLE, and works again when Redis is back", async () => {
    const server = await RedisServer.start();
    const store = new RedisKvStore({ host: "127.0.0.1", port: server.port, db: 0, key_prefix: "unused", connect_timeout_ms: 1000 }, "test:kv", 500, "node-b", quiet);
    try {
      await until(async () => (await run(store, "ns", { kind: "set", key: "k", value: text("v"), ttlMs: null })).kind === "done", "the store connected");
      await server.stop();
      const started = Date.now();
      const down = await run(store, "ns", { kind: "get", key: "k" });
      assert.equal(down.kind === "failed" && down.code, "NYLON_E_KV_UNAVAILABLE");
      assert.ok(Date.now() - started < 5_000, "it failed instead of waiting for Redis");
      await server.restart();
      await until(async () => (await run(store, "ns", { kind: "get", key: "k" })).kind === "value", "the store reconnected");
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
