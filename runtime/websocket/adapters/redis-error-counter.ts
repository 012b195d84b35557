import type { Logger } from "pino";

const LOG_EVERY_MS = 5000;

/**
 * Counts failed Redis operations by kind and logs them at most once per LOG_EVERY_MS per kind, so an
 * outage with thousands of failing broadcasts a second is visible without flooding the log.
 */
export class RedisErrorCounter {
  readonly counts = new Map<string, number>();
  private readonly lastLogged = new Map<string, { at: number; count: number }>();

  constructor(private readonly logger: Logger) {}

  record(kind: string, error: unknown): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    const now = Date.now();
    const last = this.lastLogged.get(kind);
    if (last && now - last.at < LOG_EVERY_MS) return;
    this.lastLogged.set(kind, { at: now, count });
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ code: "NYLON_E_ADAPTER", kind, failures: count, since_last_log: count - (last?.count ?? 0), err: message }, `redis ${kind} failed`);
  }

  total(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }
}
