import { host, type OpResult } from "./host.js";
import type { NylonError } from "./errors.js";
import { failureOf, startOperation, unexpected } from "./operations.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

/** Called once with the operation's failure, or null and its value. */
export type Callback<T> = (error: NylonError | null, value: T) => void;

export interface StoreWriteOptions {
  /** The key expires this many milliseconds after it is written (for `increment`: after it is created). */
  ttlMs?: number;
}

const bytes = (value: string | Uint8Array): Uint8Array => (typeof value === "string" ? encodeUtf8(value) : value);

/**
 * The plugin's key-value store: its own namespace on the proxy's store (memory, shared by the node's
 * workers; or Redis, shared by the cluster). Every operation answers later, through its callback,
 * after the callback that started it has returned. Started from a request filter, the phase waits for
 * it: call `ctx.next()` or `ctx.end()` from the callback.
 */
export const store = {
  /** The value as bytes, or null for a missing key. */
  get(key: string, callback: Callback<Uint8Array | null>): void {
    startOperation(
      () => host.kvGet(key),
      (result) => {
        const error = failureOf(result) ?? (result.tag === "value" ? null : unexpected(result, "value"));
        callback(error, !error && result.tag === "value" ? (result.val ?? null) : null);
      },
    );
  },
  /** The value as UTF-8 text, or null for a missing key. */
  getText(key: string, callback: Callback<string | null>): void {
    store.get(key, (error, value) => callback(error, value === null ? null : decodeUtf8(value)));
  },
  set(key: string, value: string | Uint8Array, options?: StoreWriteOptions, callback?: Callback<void>): void {
    startOperation(() => host.kvSet(key, bytes(value), options?.ttlMs), (result) => callback?.(failureOf(result), undefined));
  },
  /** The callback's value says whether the key existed. */
  delete(key: string, callback?: Callback<boolean>): void {
    startOperation(() => host.kvDelete(key), (result) => done(result, callback));
  },
  /**
   * Adds `delta` to the integer at `key` (a missing key counts as 0), atomically across every node
   * sharing the store; the callback gets the new value. `ttlMs` applies when this creates the key.
   */
  increment(key: string, delta: number, options: StoreWriteOptions | undefined, callback: Callback<number>): void {
    startOperation(
      // The QuickJS runtime passes an s64 as a number (a BigInt traps), whatever the generated typings say.
      () => host.kvIncrement(key, Math.trunc(delta) as unknown as bigint, options?.ttlMs),
      (result) => {
        const error = failureOf(result) ?? (result.tag === "count" ? null : unexpected(result, "count"));
        callback(error, !error && result.tag === "count" ? Number(result.val) : 0);
      },
    );
  },
  /** Sets `value` only if the key holds `expected` (null: only if it is absent); the callback's value says whether it did. */
  compareAndSwap(key: string, expected: string | Uint8Array | null, value: string | Uint8Array, options: StoreWriteOptions | undefined, callback: Callback<boolean>): void {
    startOperation(() => host.kvCompareAndSwap(key, expected === null ? undefined : bytes(expected), bytes(value), options?.ttlMs), (result) => done(result, callback));
  },
  /** Keys starting with `prefix`, in byte order, at most `limit` (at most 1000). */
  listKeys(prefix: string, limit: number, callback: Callback<string[]>): void {
    startOperation(
      () => host.kvListKeys(prefix, limit),
      (result) => {
        const error = failureOf(result) ?? (result.tag === "keys" ? null : unexpected(result, "keys"));
        callback(error, !error && result.tag === "keys" ? result.val : []);
      },
    );
  },
};

function done(result: OpResult, callback: Callback<boolean> | undefined): void {
  const error = failureOf(result) ?? (result.tag === "done" ? null : unexpected(result, "done"));
  callback?.(error, !error && result.tag === "done" ? result.val : false);
}
