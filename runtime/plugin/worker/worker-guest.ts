import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { ComponentParts } from "../component-loader.js";
import type { EntryInfo } from "../guest-exports.js";
import { INIT_DEADLINE_MS, type PluginLimits } from "../plugin-limits.js";
import { GuestExit, type Failure } from "../sandbox/failure-reason.js";
import type { GuestMethod, HostReply, WorkerMessage, WorkerRequest, WorkerSetup } from "./worker-protocol.js";

/** What a guest call in the worker came to: returned (maybe with a failure that recycles the instance), or failed. */
export interface WorkerCallResult {
  returned: boolean;
  value?: unknown;
  failure?: Failure;
}

/**
 * A backstop above the deadline: the fuel check stops a spinning guest inside the worker at its
 * deadline, but a call that has not come back after this long (a thread stuck outside guest code,
 * or a deadline moved back by long waits for the event loop) gets the thread stopped.
 */
function wallClockLimitMs(deadlineMs: number): number {
  return deadlineMs * 10 + 1000;
}

const WATCHDOG_INTERVAL_MS = 50;

export interface WorkerGuestHooks {
  /** A call starts running in the worker: the host calls that follow are its own. */
  callStarts(): void;
  /** The thread is gone: stopped by the watchdog or by `stop()`, or it crashed. */
  lost(failure: Failure): void;
}

/**
 * One plugin instance in its own worker thread (`isolation: worker`), seen from the event loop. Calls
 * are queued to the thread and answered in order; while the guest runs, the event loop goes on with
 * everything else and serves the guest's host calls as they come. A guest that spins, traps or fills
 * its memory affects only the calls queued to this thread.
 */
export class WorkerGuest {
  private readonly worker: Worker;
  private readonly signal: Int32Array;
  private readonly replies: MessagePort;
  private readonly pending = new Map<number, (result: WorkerCallResult) => void>();
  private nextId = 1;
  /** When the call at the head of the queue started running (the previous one returned, or it was posted to an idle thread). */
  private headStartedAt = 0;
  private readonly watchdog: NodeJS.Timeout;
  private lost: Failure | null = null;
  /** Waiting for the instance being built (at start, or after `rebuild`), in order. */
  private readonly builds: { resolve(entries: EntryInfo[]): void; reject(failure: Failure): void }[] = [];

  constructor(
    parts: ComponentParts,
    private readonly hostImports: Record<string, (...args: never[]) => unknown>,
    config: string,
    private readonly limits: PluginLimits,
    private readonly hooks: WorkerGuestHooks,
  ) {
    const signal = new SharedArrayBuffer(8);
    this.signal = new Int32Array(signal);
    const channel = new MessageChannel();
    this.replies = channel.port1;
    const setup: WorkerSetup = {
      modules: parts.modules,
      glueSource: parts.glueSource,
      hostFunctions: Object.keys(hostImports),
      config,
      limits,
      signal,
      replies: channel.port2,
    };
    this.worker = new Worker(new URL("./guest-worker.js", import.meta.url), {
      workerData: setup,
      transferList: [channel.port2],
      // The main thread's stack (V8's default, 984 KB): deep recursion then ends as it does inline, in a
      // stack overflow, before the guest's own stack in linear memory runs out into a bounds trap.
      resourceLimits: { stackSizeMb: 1 },
    });
    this.holdProcessWhileBusy();
    this.worker.on("message", (message: WorkerMessage) => {
      switch (message.kind) {
        case "host":
          return this.serveHostCall(message.name, message.args);
        case "notify":
          return void this.hostImports[message.name]!(...(message.args as never[]));
        case "result":
          return this.settle(message.id, message);
        case "ready":
          this.builds.shift()?.resolve(message.entries);
          this.buildDone();
          return this.holdProcessWhileBusy();
        case "init-failed":
          this.builds.shift()?.reject(message.failure);
          this.buildDone();
          return this.holdProcessWhileBusy();
      }
    });
    this.worker.on("error", (err) => this.lose({ kind: "error", reason: `the plugin's worker thread crashed: ${err.message}` }));
    this.worker.on("exit", () => this.lose({ kind: "error", reason: "the plugin's worker thread exited" }));
    this.watchdog = setInterval(() => this.checkHead(), WATCHDOG_INTERVAL_MS).unref();
  }

  /** The first instance: its entries, or why its init failed. */
  started(): Promise<EntryInfo[]> {
    return this.nextBuild();
  }

  /** Replaces the failed instance with a fresh one in the same thread (a few ms; a new thread takes far longer). */
  rebuild(): Promise<EntryInfo[]> {
    if (!this.lost) this.worker.postMessage({ kind: "rebuild" } satisfies WorkerRequest);
    return this.nextBuild();
  }

  /** The thread is gone (stopped, or it crashed): it cannot run anything again. */
  get isLost(): boolean {
    return this.lost !== null;
  }

  private nextBuild(): Promise<EntryInfo[]> {
    if (this.lost) return Promise.reject(this.lost);
    const build = new Promise<EntryInfo[]>((resolve, reject) => this.builds.push({ resolve, reject }));
    this.holdProcessWhileBusy();
    return build;
  }

  /**
   * An idle thread does not keep the process alive (the proxy stops its plugins when it stops); one
   * with a call or a build under way does, or a process waiting only on it would exit mid-call.
   */
  private holdProcessWhileBusy(): void {
    if (this.pending.size > 0 || this.builds.length > 0) this.worker.ref();
    else this.worker.unref();
  }

  /** Queues a call of a guest export; resolves when the worker has run it. */
  call(method: GuestMethod, args: unknown[]): Promise<WorkerCallResult> {
    if (this.lost) return Promise.resolve({ returned: false, failure: this.lost });
    const id = this.nextId++;
    if (this.pending.size === 0) this.startHead();
    this.worker.postMessage({ kind: "call", id, method, args } satisfies WorkerRequest);
    const result = new Promise<WorkerCallResult>((resolve) => this.pending.set(id, resolve));
    if (this.pending.size === 1) this.holdProcessWhileBusy();
    return result;
  }

  /** Stops the thread; calls still queued come back failed. */
  stop(): void {
    this.lose({ kind: "error", reason: "the instance was discarded" });
  }

  private serveHostCall(name: string, args: unknown[]): void {
    let reply: HostReply;
    try {
      reply = { value: this.hostImports[name]!(...(args as never[])) };
    } catch (thrown) {
      const payload = (thrown as { payload?: { code: string; message: string } } | null)?.payload;
      if (payload) reply = { hostError: payload };
      else if (thrown instanceof GuestExit) reply = { exit: thrown.code };
      else reply = { crash: thrown instanceof Error ? thrown.message : String(thrown) };
    }
    try {
      this.replies.postMessage(reply);
    } catch (err) {
      this.replies.postMessage({ crash: `host function ${name} returned a value that cannot reach the worker: ${(err as Error).message}` });
    }
    Atomics.store(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  private settle(id: number, result: WorkerCallResult): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    if (this.pending.size > 0) this.startHead();
    else this.holdProcessWhileBusy();
    resolve(result);
  }

  private startHead(): void {
    this.headStartedAt = performance.now();
    this.hooks.callStarts();
  }

  /**
   * A call queued while the thread starts or builds an instance waits for that first: its own clock
   * starts when the build is done (a new thread's start, a Go runtime's init, take seconds on a busy
   * machine, and counted against a callback's limit they failed every call after a restart).
   */
  private buildDone(): void {
    if (this.pending.size > 0 && this.builds.length === 0) this.headStartedAt = performance.now();
  }

  private checkHead(): void {
    if (this.pending.size === 0 || this.lost) return;
    const ran = performance.now() - this.headStartedAt;
    // While an instance is built, the limit is the init's.
    const building = this.builds.length > 0;
    const limit = wallClockLimitMs(building ? Math.max(INIT_DEADLINE_MS, this.limits.deadlineMs) : this.limits.deadlineMs);
    if (ran > limit) {
      const what = building ? "the plugin's start" : "a callback";
      this.lose({ kind: "deadline", reason: `deadline exceeded: ${what} ran for over ${limit} ms of wall-clock time; its worker thread was stopped` });
    }
  }

  private lose(failure: Failure): void {
    if (this.lost) return;
    this.lost = failure;
    clearInterval(this.watchdog);
    void this.worker.terminate();
    this.replies.close();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve({ returned: false, failure });
    for (const build of this.builds.splice(0)) build.reject(failure);
    this.hooks.lost(failure);
  }
}
