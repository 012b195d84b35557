import { DeferredEffects } from "./deferred-effects.js";
import { LogRecorder, type LogRecord } from "./log-recorder.js";
import { ManualClock } from "./manual-clock.js";
import { failuresIn, stepFailure, type SandboxFailure } from "./sandbox-failure.js";

/** What one step of a test set off: the lines logged and the sandbox failures among them. */
export interface StepReport {
  logs: LogRecord[];
  /** The first failure of the step, or null. */
  failed: SandboxFailure | null;
}

/** What every simulated node shares: one clock, one log, one queue of deferred effects. */
export class HarnessEnvironment {
  readonly clock = new ManualClock();
  readonly logs = new LogRecorder();
  readonly effects = new DeferredEffects();

  /** Runs one step of a test and everything it sets off; reports what it logged and how it failed. */
  step(run: () => void): StepReport {
    return this.measure(run).report;
  }

  /** `step`, for a step whose value the caller needs as well. */
  measure<T>(run: () => T): { value: T; report: StepReport } {
    const mark = this.logs.mark();
    const value = run();
    this.effects.drain();
    const logs = this.logs.since(mark);
    return { value, report: { logs, failed: stepFailure(failuresIn(logs)) } };
  }
}
