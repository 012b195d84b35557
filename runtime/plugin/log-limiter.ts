/**
 * A token bucket for a plugin's log lines: a chatty or hostile plugin cannot flood the proxy's log.
 * Suppressed lines are counted and reported once the bucket refills.
 */
export class LogLimiter {
  private tokens: number;
  private last = Date.now();
  private suppressed = 0;

  constructor(
    private readonly perSecond = 100,
    private readonly burst = 200,
  ) {
    this.tokens = burst;
  }

  /** Returns whether to write this line, and how many were suppressed before it. */
  take(): { allow: boolean; suppressedBefore: number } {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) {
      this.suppressed++;
      return { allow: false, suppressedBefore: 0 };
    }
    this.tokens--;
    const suppressedBefore = this.suppressed;
    this.suppressed = 0;
    return { allow: true, suppressedBefore };
  }
}
