/**
 * When a failed plugin may be rebuilt. The first failure is rebuilt at once; failures that follow
 * within `windowMs` double the hold-off (100 ms, 200 ms, ... up to `maxMs`), so a plugin that fails on
 * every call cannot turn into a restart storm.
 */
export class RestartPolicy {
  private consecutive = 0;
  private lastFailure = 0;
  private holdUntil = 0;

  constructor(
    private readonly baseMs = 100,
    private readonly maxMs = 30_000,
    private readonly windowMs = 10_000,
  ) {}

  recordFailure(now = Date.now()): void {
    this.consecutive = now - this.lastFailure < this.windowMs ? this.consecutive + 1 : 1;
    this.lastFailure = now;
    const hold = this.consecutive <= 1 ? 0 : Math.min(this.maxMs, this.baseMs * 2 ** (this.consecutive - 2));
    this.holdUntil = now + hold;
  }

  /** Milliseconds until a rebuild is allowed (0 = now). */
  waitMs(now = Date.now()): number {
    return Math.max(0, this.holdUntil - now);
  }
}
