// The runtime side of one `service_type: http` service: a keep-alive undici Pool per endpoint, the
// load balancer, and the endpoints' health. Built once per configuration; close() frees sockets.
import { isIP } from "node:net";
import type { Pool } from "undici";
import { HTTP_SERVICE_DEFAULTS } from "../config/schema.js";
import { NylonError } from "../errors.js";
import { httpClient } from "./http-client.js";
import { createBalancer, type Algorithm, type Balancer } from "./load-balancer.js";
import {
  EndpointHealth,
  HEALTH_CHECK_DEFAULTS,
  PASSIVE_COOLDOWN_MS,
  startHealthChecks,
  type HealthCheckInput,
} from "./health-check.js";

export interface EndpointInput {
  ip: string;
  port: number;
  weight?: number | undefined;
}

export interface HttpServiceInput {
  name: string;
  /** Default round_robin. */
  algorithm?: Algorithm | undefined;
  endpoints: EndpointInput[];
  health_check?: HealthCheckInput | undefined;
  /** Deadline for the upstream's response headers, and for each gap between body chunks. */
  timeout_ms?: number | undefined;
  connect_timeout_ms?: number | undefined;
}


export interface UpstreamPoolOptions {
  /** Called when an endpoint leaves or re-enters rotation (for logs and metrics). */
  onHealthChange?: (service: string, endpoint: string, healthy: boolean) => void;
}

export class UpstreamEndpoint {
  /** "ip:port" ("[v6]:port" for IPv6) - also the Host header of health probes. */
  readonly id: string;
  readonly pool: Pool;

  constructor(
    readonly ip: string,
    readonly port: number,
    readonly weight: number,
    readonly health: EndpointHealth,
    connectTimeoutMs: number,
  ) {
    this.id = isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
    const { Pool } = httpClient();
    this.pool = new Pool(`http://${this.id}`, { connect: { timeout: connectTimeoutMs } });
  }
}

export class UpstreamPool {
  readonly name: string;
  readonly endpoints: readonly UpstreamEndpoint[];
  readonly timeoutMs: number;
  /** The TCP connect deadline per endpoint (undici's connect timeout; WebSocket tunnels use it too). */
  readonly connectTimeoutMs: number;
  private readonly balancer: Balancer<UpstreamEndpoint>;
  private readonly stopHealthChecks: () => void;

  constructor(service: HttpServiceInput, options: UpstreamPoolOptions = {}) {
    this.name = service.name;
    this.timeoutMs = service.timeout_ms ?? HTTP_SERVICE_DEFAULTS.timeout_ms;
    const check = service.health_check !== undefined && service.health_check.enabled !== false ? { ...HEALTH_CHECK_DEFAULTS, ...definedOnly(service.health_check) } : null;
    this.connectTimeoutMs = service.connect_timeout_ms ?? HTTP_SERVICE_DEFAULTS.connect_timeout_ms;
    this.endpoints = service.endpoints.map((endpoint) => {
      const id = `${endpoint.ip}:${endpoint.port}`;
      const onChange = (healthy: boolean): void => options.onHealthChange?.(service.name, id, healthy);
      const health =
        check === null
          ? new EndpointHealth(1, 1, PASSIVE_COOLDOWN_MS, onChange)
          : new EndpointHealth(check.healthy_threshold, check.unhealthy_threshold, null, onChange);
      return new UpstreamEndpoint(endpoint.ip, endpoint.port, endpoint.weight ?? 1, health, this.connectTimeoutMs);
    });
    this.balancer = createBalancer(service.algorithm ?? "round_robin", this.endpoints);
    this.stopHealthChecks =
      check === null
        ? () => {}
        : startHealthChecks(
            this.endpoints.map((e) => ({ pool: e.pool, hostHeader: e.id, health: e.health })),
            check,
          );
  }

  /**
   * Picks a healthy endpoint for this client (the key of `consistent`), skipping `exclude`.
   * Throws NYLON_E_NO_UPSTREAM (502) when none is available.
   */
  select(clientIp: string, exclude?: ReadonlySet<UpstreamEndpoint>): UpstreamEndpoint {
    const now = Date.now();
    const endpoint = this.balancer.pick(clientIp, (e) => (exclude === undefined || !exclude.has(e)) && e.health.isHealthy(now));
    if (endpoint === null) throw new NylonError("NYLON_E_NO_UPSTREAM", `service ${this.name} has no healthy endpoint`);
    return endpoint;
  }

  async close(): Promise<void> {
    this.stopHealthChecks();
    await Promise.all(this.endpoints.map((e) => e.pool.close()));
  }
}

/** Drops keys whose value is undefined so they do not override the defaults. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
