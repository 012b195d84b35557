import { opFailure } from "../plugin/op-failure.js";
import type { KvOp, KvOutcome, KvQuota, KvStore } from "./kv-store.js";

/** A store operation a worker asks its primary to run on the node's memory store. */
export interface KvRequest {
  type: "kv";
  id: number;
  namespace: string;
  op: KvOp;
  quota: KvQuota;
}

/** The primary's answer to a KvRequest. */
export interface KvAnswerMessage {
  type: "kv-answer";
  id: number;
  outcome: KvOutcome;
}

/**
 * A worker's view of the node's memory store, which lives in its primary (runtime/workers/): every
 * worker's operations run there, one at a time, so an increment from one worker sees every other's.
 * Operations and answers cross the IPC channel as they are (structured clone keeps bigints and bytes).
 */
export class PrimaryKvStore implements KvStore {
  readonly kind = "memory" as const;
  private readonly waiting = new Map<number, (outcome: KvOutcome) => void>();
  private nextId = 1;

  /** `send` hands a request to the primary; false when the channel is closed (the request is lost). */
  constructor(private readonly send: (request: KvRequest) => boolean) {}

  execute(namespace: string, op: KvOp, quota: KvQuota, done: (outcome: KvOutcome) => void): void {
    const id = this.nextId++;
    this.waiting.set(id, done);
    if (!this.send({ type: "kv", id, namespace, op, quota })) this.fail(id);
  }

  /** The primary's answer arrived. */
  answer(message: KvAnswerMessage): void {
    const done = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    done?.(message.outcome);
  }

  /** The worker is stopping: operations still waiting fail as a store that went away. */
  async close(): Promise<void> {
    for (const id of [...this.waiting.keys()]) this.fail(id);
  }

  private fail(id: number): void {
    const done = this.waiting.get(id);
    this.waiting.delete(id);
    done?.(opFailure("NYLON_E_KV_UNAVAILABLE", "the node's store (in its primary process) cannot be reached"));
  }
}
