import { opFailure, type OpFailure } from "../plugin/op-failure.js";

// The plugins' key-value store, as the host sees it: one interface, two backends (memory-kv-store.ts,
// redis-kv-store.ts). Operations and answers are plain data (strings, numbers, bigints, Uint8Arrays),
// so a store that lives in another process (the node's primary, for worker processes) can carry them
// over structured-clone IPC as they are.

/** One operation on one namespace's keys. Keys and values were checked against the plugin's size limits already. */
export type KvOp =
  | { kind: "get"; key: string }
  | { kind: "set"; key: string; value: Uint8Array; ttlMs: number | null }
  | { kind: "delete"; key: string }
  /** Adds `delta` to the integer value (a missing key counts as 0); `ttlMs` applies only when this creates the key. */
  | { kind: "increment"; key: string; delta: bigint; ttlMs: number | null }
  /** Sets `value` only if the current value equals `expected` (null: only if the key is absent). */
  | { kind: "compare-and-swap"; key: string; expected: Uint8Array | null; value: Uint8Array; ttlMs: number | null }
  /** Keys that start with `prefix`, in byte order, at most `limit`. */
  | { kind: "list-keys"; prefix: string; limit: number };

/** What an operation answered; its shape follows the operation (see `KvOp`). */
export type KvAnswer =
  | { kind: "value"; value: Uint8Array | null }
  | { kind: "done"; done: boolean }
  | { kind: "count"; count: bigint }
  | { kind: "keys"; keys: string[] };

export type KvOutcome = KvAnswer | OpFailure;

/** What the store enforces per operation (the sizes of keys and values are checked before it is called). */
export interface KvQuota {
  /** Keys the namespace may hold; an operation that would create one more fails with NYLON_E_KV_LIMIT. */
  maxKeys: number;
}

/**
 * A store shared by every plugin of a node (memory) or of the cluster (Redis), each plugin in its
 * own namespace. `execute` never throws: it answers `done` exactly once, perhaps synchronously (the
 * caller schedules the delivery to the plugin), with an answer or an expected failure.
 */
export interface KvStore {
  readonly kind: "memory" | "redis";
  execute(namespace: string, op: KvOp, quota: KvQuota, done: (outcome: KvOutcome) => void): void;
  /** Every key of a namespace with its value (the harness's store assertions; tests). */
  entries?(namespace: string): Map<string, Uint8Array>;
  close(): Promise<void>;
}

/** The namespace is full: the message names the limit to raise. */
export function keysFull(maxKeys: number): OpFailure {
  return opFailure("NYLON_E_KV_LIMIT", `the plugin's store holds ${maxKeys} keys, its limit (store.max_keys)`);
}
