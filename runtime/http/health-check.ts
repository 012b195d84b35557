// Whether an endpoint takes traffic. Endpoints start healthy.
//
// Active checks (health_check present and enabled): every `interval` ms, GET `path` with a `timeout`
// ms deadline (the config writes durations such as "3s"; the schema turns them into milliseconds);
// an answer in `expected_statuses` (default 200-399) is a success, anything else (status, refused,
// timeout) a failure. `unhealthy_threshold` consecutive failures take the endpoint out,
// `healthy_threshold` consecutive successes bring it back. The probe's Host is `host` when set, else
// the probed endpoint's own ip:port, and `headers` are sent with it, so a check reaches a route that
// needs a virtual host or a header (nginx's health_check with proxy_set_header, Envoy's host and
// request_headers_to_add). Nylon ignored the interval (fixed 5 s, G16) and sent Host = the first
// endpoint's IP.
//
// Passive: a refused connection while proxying counts as a failure too. With active checks it adds to
// the same consecutive-failure count (active checks bring the endpoint back). Without them one refusal
// takes the endpoint out for PASSIVE_COOLDOWN_MS, after which it is tried again (nginx's max_fails=1
// fail_timeout=10s).
import type { Pool } from "undici";

/** Statuses from `from` to `to`, both included. */
export interface StatusRange {
  from: number;
  to: number;
}

export interface HealthCheckInput {
  enabled?: boolean | undefined;
  path?: string | undefined;
  /** Milliseconds. */
  interval?: number | undefined;
  /** Milliseconds. */
  timeout?: number | undefined;
  healthy_threshold?: number | undefined;
  unhealthy_threshold?: number | undefined;
  /** The probe's Host header; the endpoint's "ip:port" when unset. */
  host?: string | undefined;
  /** Request headers the probe sends. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Answers that count as healthy. */
  expected_statuses?: readonly StatusRange[] | undefined;
}

/** The defaults Nylon's documentation promised (the code had none); the config schema has the same. */
export const HEALTH_CHECK_DEFAULTS = {
  path: "/",
  interval: 10_000,
  timeout: 5_000,
  healthy_threshold: 2,
  unhealthy_threshold: 3,
  headers: {},
  expected_statuses: [{ from: 200, to: 399 }],
} as const;

export type ProbeSettings = Required<Omit<HealthCheckInput, "enabled" | "host">> & { host?: string | undefined };

export const PASSIVE_COOLDOWN_MS = 10_000;

export class EndpointHealth {
  private up = true;
  private successes = 0;
  private failures = 0;
  private downSince = 0;

  constructor(
    private readonly healthyThreshold: number,
    private readonly unhealthyThreshold: number,
    /** Null when active checks bring endpoints back; otherwise the passive-only cool-down. */
    private readonly cooldownMs: number | null,
    private readonly onChange: (healthy: boolean) => void,
  ) {}

  isHealthy(now = Date.now()): boolean {
    if (!this.up && this.cooldownMs !== null && now - this.downSince >= this.cooldownMs) this.set(true);
    return this.up;
  }

  recordSuccess(): void {
    this.failures = 0;
    if (this.up) return;
    if (++this.successes >= this.healthyThreshold) this.set(true);
  }

  recordFailure(): void {
    this.successes = 0;
    if (!this.up) return;
    if (++this.failures >= this.unhealthyThreshold) this.set(false);
  }

  private set(up: boolean): void {
    this.up = up;
    this.successes = 0;
    this.failures = 0;
    if (!up) this.downSince = Date.now();
    this.onChange(up);
  }
}

export interface ProbeTarget {
  pool: Pool;
  /** Host header of the probe: the endpoint's own "ip:port". */
  hostHeader: string;
  health: EndpointHealth;
}

/** Starts periodic probes of every target; returns the function that stops them. */
export function startHealthChecks(targets: readonly ProbeTarget[], config: ProbeSettings): () => void {
  const inFlight = new Set<ProbeTarget>();
  const tick = (): void => {
    for (const target of targets) {
      if (inFlight.has(target)) continue; // a slow probe is not stacked on
      inFlight.add(target);
      void probe(target, config)
        .then((ok) => (ok ? target.health.recordSuccess() : target.health.recordFailure()))
        .finally(() => inFlight.delete(target));
    }
  };
  const timer = setInterval(tick, config.interval);
  timer.unref();
  return () => clearInterval(timer);
}

async function probe(target: ProbeTarget, config: ProbeSettings): Promise<boolean> {
  const timeoutMs = config.timeout;
  try {
    const response = await target.pool.request({
      method: "GET",
      path: config.path,
      headers: { "user-agent": "nylon-health-check", ...config.headers, host: config.host ?? target.hostHeader },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    return config.expected_statuses.some(({ from, to }) => response.statusCode >= from && response.statusCode <= to);
  } catch {
    return false;
  }
}
