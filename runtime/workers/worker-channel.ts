import type { Worker } from "node:cluster";
import type { FromWorker, ToWorker } from "./control-messages.js";

interface Waiter {
  match(message: FromWorker): unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The primary's side of one worker's IPC channel: requests whose answer is the worker's first message
 * that matches, failed at once when the worker exits first (or, with a timeout, when it is slow).
 */
export class WorkerChannel {
  private readonly waiters = new Set<Waiter>();
  private exited = false;

  constructor(readonly worker: Worker) {
    worker.on("message", (message: FromWorker) => {
      for (const waiter of this.waiters) {
        let value: unknown;
        try {
          value = waiter.match(message);
        } catch (error) {
          this.waiters.delete(waiter);
          waiter.reject(error as Error);
          continue;
        }
        if (value === undefined) continue;
        this.waiters.delete(waiter);
        waiter.resolve(value);
      }
    });
    worker.on("exit", (code: number | null, signal: string | null) => {
      this.exited = true;
      const error = new Error(`the worker exited (${signal ?? `code ${code}`})`);
      for (const waiter of this.waiters) waiter.reject(error);
      this.waiters.clear();
    });
  }

  get pid(): number | undefined {
    return this.worker.process.pid;
  }

  /** Sends without waiting for an answer; nothing happens once the worker has exited. */
  tell(message: ToWorker): void {
    // A worker that has just died can still look connected; the failed write (EPIPE) goes to the
    // callback instead of an 'error' event that would end the primary. Its exit is handled where it is reported.
    if (!this.exited && this.worker.isConnected()) this.worker.send(message, undefined, undefined, () => {});
  }

  /**
   * Sends `message`; resolves with what `match` returns for the first answer it does not return
   * undefined for (a `match` that throws rejects with that error).
   */
  request<T>(message: ToWorker, match: (answer: FromWorker) => T | undefined, timeoutMs?: number): Promise<T> {
    const answer = this.reply(match, timeoutMs, message.type);
    this.worker.send(message);
    return answer;
  }

  /** The first message from the worker `match` returns a value for (see request). */
  reply<T>(match: (answer: FromWorker) => T | undefined, timeoutMs?: number, what = "in time"): Promise<T> {
    if (this.exited) return Promise.reject(new Error("the worker has exited"));
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        match,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`the worker did not answer ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }
}
