import { host, type HostError, type OpResult } from "./host.js";
import { NylonError, toNylonError } from "./errors.js";

// Operations the plugin started (store operations, outbound calls) and what runs when each has its
// result. The host answers through the `on-result` export, after the callback that started the
// operation has returned; the SDK then runs the operation's callback right there.
//
// Callbacks, not promises: the QuickJS runtime a TypeScript plugin runs in is synchronous (Node 20
// has no JSPI), and it never runs the promise job queue between or after export calls, so the code
// after an `await` would never run. A callback runs inside `on-result` itself.

/** What runs when an operation has its result; the SDK turns a failure into a NylonError. */
type Settle = (result: OpResult) => void;

const waiting = new Map<number, Settle>();

/** Whoever waits on operations (a pending phase) is told when each one's callback has run. */
export interface OperationOwner {
  started(): void;
  /** An operation's callback ran; `thrown` is what it threw, if it did. */
  finished(thrown?: unknown): void;
}

/** The phase whose handler (or one of whose operation callbacks) is running; none in WebSocket callbacks and timers. */
let currentOwner: OperationOwner | undefined;

/** Runs `fn` with operations it starts counted for `owner`. */
export function runFor<T>(owner: OperationOwner | undefined, fn: () => T): T {
  const before = currentOwner;
  currentOwner = owner;
  try {
    return fn();
  } finally {
    currentOwner = before;
  }
}

/**
 * Starts an operation with `start` (a host import returning the op id) and runs `settle` with its
 * result later. When the host refuses to start it (a bad argument, a host not allowed), `settle`
 * runs at once with that failure, so a callback sees every failure the same way.
 */
export function startOperation(start: () => number, settle: Settle): void {
  const owner = currentOwner;
  let op: number;
  try {
    op = start();
  } catch (thrown) {
    const error = toNylonError(thrown);
    settle({ tag: "failed", val: { code: error.code, message: error.message } });
    return;
  }
  if (!owner) {
    waiting.set(op, settle);
    return;
  }
  owner.started();
  waiting.set(op, (result) => {
    try {
      runFor(owner, () => settle(result));
    } catch (thrown) {
      owner.finished(thrown);
      return;
    }
    owner.finished();
  });
}

/** The `on-result` export. A result for an unknown op (never started here) is logged and dropped. */
export function deliverResult(op: number, result: OpResult): void {
  const settle = waiting.get(op);
  if (!settle) {
    host.log("warn", `result for operation ${op}, which this plugin did not start`);
    return;
  }
  waiting.delete(op);
  settle(result);
}

/** The failure a result carries, or null. */
export function failureOf(result: OpResult): NylonError | null {
  return result.tag === "failed" ? new NylonError((result.val as HostError).code, (result.val as HostError).message) : null;
}

/** A result of an unexpected shape: a host/SDK mismatch, reported as a failure rather than a wrong value. */
export function unexpected(result: OpResult, wanted: string): NylonError {
  return new NylonError("NYLON_E_GUEST", `expected a ${wanted} result, got ${result.tag}`);
}
