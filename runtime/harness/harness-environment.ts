import type { PluginServices } from "../plugin/plugin-services.js";
import { MemoryKvStore } from "../store/memory-kv-store.js";
import { DeferredEffects } from "./deferred-effects.js";
import { HarnessOutbound, type HttpStub } from "./harness-outbound.js";
import { LogRecorder, type LogRecord } from "./log-recorder.js";
import { ManualClock } from "./manual-clock.js";
import type { Maybe } from "./maybe-async.js";
import { failuresIn, stepFailure, type SandboxFailure } from "./sandbox-failure.js";

/** What one step of a test set off: the lines logged and the sandbox failures among them. */
export interface StepReport {
  logs: LogRecord[];
  /** The first failure of the step, or null. */
  failed: SandboxFailure | null;
}

/**
 * What every simulated node shares: one clock, one log, one queue of deferred effects, one store
 * (as nodes on one Redis share theirs) and the outbound calls' stubs.
 */
export class HarnessEnvironment {
  readonly clock = new ManualClock();
  readonly logs = new LogRecorder();
  readonly effects = new DeferredEffects();
  readonly store = new MemoryKvStore(() => this.clock.now(), { sweep: false });
  readonly outbound: HarnessOutbound;
  /** What the plugin hosts of every node use: answers come back in the step that caused them. */
  readonly services: PluginServices;

  constructor(stubs: readonly HttpStub[] = []) {
    this.outbound = new HarnessOutbound(stubs, this.clock);
    this.services = { store: this.store, outbound: this.outbound, schedule: (deliver) => this.effects.defer(deliver) };
  }

  /** Runs one step of a test and everything it sets off; reports what it logged and how it failed. */
  step(run: () => void): StepReport {
    return this.measure(run).report;
  }

  /** `step`, for a step whose value the caller needs as well. */
  measure<T>(run: () => T): { value: T; report: StepReport } {
    const mark = this.logs.mark();
    const value = run();
    this.effects.drain();
    return { value, report: this.reportSince(mark) };
  }

  reportSince(mark: number): StepReport {
    const logs = this.logs.since(mark);
    return { logs, failed: stepFailure(failuresIn(logs)) };
  }

  /**
   * Waits for work a plugin left pending: runs what its answers set off, lets real servers answer,
   * and when nothing else can move it, moves the clock to the next timer (a waiting request lets time
   * pass, as a client waiting for its answer does). Its own timeout bounds the wait.
   */
  async drive<T>(work: Maybe<T>): Promise<T> {
    if (!(work instanceof Promise)) {
      this.effects.drain();
      return work;
    }
    let done = false;
    void work.then(
      () => (done = true),
      () => (done = true),
    );
    for (;;) {
      this.effects.drain();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (done) break;
      if (this.effects.size > 0) continue;
      if (this.outbound.waitingForNetwork > 0) await this.outbound.nextNetworkAnswer();
      else if (!this.clock.runNext(() => this.effects.drain())) throw new Error("a pending request has nothing left that could decide it (no timer, no call in flight)");
    }
    this.effects.drain();
    return work;
  }

  /** Waits until no call to a real server is in flight, running what their answers set off. */
  async settle(): Promise<StepReport> {
    const mark = this.logs.mark();
    this.effects.drain();
    while (this.outbound.waitingForNetwork > 0) {
      await this.outbound.nextNetworkAnswer();
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.effects.drain();
    }
    return this.reportSince(mark);
  }
}
