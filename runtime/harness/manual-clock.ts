import type { PluginClock } from "../plugin/plugin-clock.js";

interface Scheduled {
  due: number;
  seq: number;
  fn: () => void;
}

/**
 * The harness's time: it stands still until the test advances it, so a plugin's timers and now-ms
 * are deterministic. It starts at the real time (plugins may format dates).
 */
export class ManualClock implements PluginClock {
  private current = Date.now();
  private seq = 0;
  private readonly scheduled = new Map<number, Scheduled>();

  now(): number {
    return this.current;
  }

  /** Moves with the manual time only: a plugin sees no time pass within a call. */
  monotonicNs(): bigint {
    return BigInt(this.current) * 1_000_000n;
  }

  setTimeout(fn: () => void, delayMs: number): unknown {
    const seq = ++this.seq;
    this.scheduled.set(seq, { due: this.current + Math.max(0, delayMs), seq, fn });
    return seq;
  }

  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  /** Timers still to fire. */
  get pending(): number {
    return this.scheduled.size;
  }

  /**
   * Moves time forward, firing every timer that falls due on the way in order (timers set by a
   * firing timer included), each at its own due time; `afterEach` runs after every timer.
   */
  advance(ms: number, afterEach: () => void = () => {}): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > target) break;
      this.scheduled.delete(next.seq);
      this.current = next.due;
      next.fn();
      afterEach();
    }
    this.current = target;
  }

  /** Moves time to the next timer and fires it (then `afterEach`); false when no timer is left. */
  runNext(afterEach: () => void = () => {}): boolean {
    const next = this.nextDue();
    if (!next) return false;
    this.advance(next.due - this.current, afterEach);
    return true;
  }

  private nextDue(): Scheduled | undefined {
    let first: Scheduled | undefined;
    for (const s of this.scheduled.values()) {
      if (!first || s.due < first.due || (s.due === first.due && s.seq < first.seq)) first = s;
    }
    return first;
  }
}
