import client from "prom-client";
import type { ServiceTarget } from "../http/service-target.js";
import type { RetiredReadings } from "../reload/retired-generations.js";
import type { WebSocketHub } from "../websocket/websocket-hub.js";
import type { ProxyCounters, ReloadCounts, TimingObserver } from "./proxy-counters.js";

/** What the metrics read at scrape time; `services` follows reloads. */
export interface MetricsSources {
  hub: WebSocketHub;
  services(): Iterable<ServiceTarget>;
  /** Configurations a reload replaced that are still in use. */
  retired(): RetiredReadings;
  /** The totals the proxy keeps all along (proxy-counters.ts). */
  counters: ProxyCounters;
}

/** The Redis adapter's counters, read when the adapter in use is Redis. */
interface RedisAdapterReadings {
  readonly stats: { published: number; failures: Record<string, number> };
  readonly connectionState: Record<string, boolean>;
}

const HTTP_SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PLUGIN_SECONDS_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * Every nylon metric, in one registry per process. Labels are only names from the configuration
 * (route, plugin, service, endpoint), HTTP methods, status codes and fixed kinds: never a connection,
 * a room or a path, so the number of series stays bounded whatever the traffic.
 *
 * Hot-path events (a request finished, a plugin callback returned) are pushed; everything the proxy
 * already counts (failures, reloads, tunnels, WebSocket traffic, upstream health, Redis) is read at
 * scrape time. Built (and prom-client loaded) only once the config has a `metrics` listener.
 */
export class ProxyMetrics implements TimingObserver {
  readonly registry = new client.Registry();
  private readonly requests: client.Counter<"route" | "method" | "status">;
  private readonly requestSeconds: client.Histogram<"route" | "method">;
  private readonly pluginSeconds: client.Histogram<"plugin">;
  /** Label children by key: prom-client hashes a label object on every call otherwise. */
  private readonly requestChildren = new Map<string, { count: client.Counter.Internal; seconds: client.Histogram.Internal<"route" | "method"> }>();
  private readonly pluginChildren = new Map<string, client.Histogram.Internal<"plugin">>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: "nylon_process_" });

    this.requests = new client.Counter({
      name: "nylon_http_requests_total",
      help: "Requests answered, by route (\"\" when none matched), method and status",
      labelNames: ["route", "method", "status"],
      registers,
    });
    this.requestSeconds = new client.Histogram({
      name: "nylon_http_request_duration_seconds",
      help: "Time from the request's arrival to the end of its response",
      labelNames: ["route", "method"],
      buckets: HTTP_SECONDS_BUCKETS,
      registers,
    });
    this.pluginSeconds = new client.Histogram({
      name: "nylon_plugin_callback_duration_seconds",
      help: "Time spent in one plugin callback (phase handler, WebSocket event, timer)",
      labelNames: ["plugin"],
      buckets: PLUGIN_SECONDS_BUCKETS,
      registers,
    });
    const { counters } = sources;
    mirroredLabelledCounter(
      registers,
      "nylon_plugin_failures_total",
      "Plugin instances discarded, by kind: trap, deadline (overran limits.deadline_ms), memory, stack, error",
      ["plugin", "kind"],
      counters.pluginFailures,
    );
    mirroredLabelledCounter(registers, "nylon_plugin_restarts_total", "Plugin instances rebuilt after a failure", ["plugin"], counters.pluginRestarts);
    mirroredLabelledCounter(
      registers,
      "nylon_plugin_sends_refused_total",
      "Sends, broadcasts and stream writes refused to a plugin (it got an error value), by the limit they were over",
      ["plugin", "limit"],
      counters.pluginSendsRefused,
    );
    reloadsCounter(registers, counters.reloads);

    new client.Gauge({
      name: "nylon_upstream_endpoint_healthy",
      help: "1 when the upstream endpoint takes traffic, 0 when health checks took it out",
      labelNames: ["service", "endpoint"],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const service of sources.services()) {
          if (service.kind !== "http") continue;
          for (const e of service.pool.endpoints) this.set({ service: service.name, endpoint: e.id }, e.health.isHealthy(now) ? 1 : 0);
        }
      },
    });

    new client.Gauge({
      name: "nylon_retired_configurations",
      help: "Configurations a reload replaced that requests or WebSockets still use",
      registers,
      collect() {
        this.set(sources.retired().generations);
      },
    });
    // By plugin name (bounded by the config): each reload's instance of one plugin adds to its series.
    const retiredByPlugin = (gauge: client.Gauge<"plugin">, value: (instance: RetiredReadings["instances"][number]) => number): void => {
      gauge.reset();
      const totals = new Map<string, number>();
      for (const instance of sources.retired().instances) totals.set(instance.plugin, (totals.get(instance.plugin) ?? 0) + value(instance));
      for (const [plugin, total] of totals) gauge.set({ plugin }, total);
    };
    new client.Gauge({
      name: "nylon_retired_plugin_instances",
      help: "Plugin instances of replaced configurations still alive (held by WebSockets or requests), by plugin",
      labelNames: ["plugin"],
      registers,
      collect() {
        retiredByPlugin(this, () => 1);
      },
    });
    new client.Gauge({
      name: "nylon_retired_plugin_memory_bytes",
      help: "Guest memory of those instances, by plugin (inline instances; a worker's is in its thread)",
      labelNames: ["plugin"],
      registers,
      collect() {
        retiredByPlugin(this, (instance) => instance.memoryBytes);
      },
    });
    new client.Gauge({
      name: "nylon_retired_websocket_connections",
      help: "WebSockets still on plugin instances of replaced configurations, by plugin",
      labelNames: ["plugin"],
      registers,
      collect() {
        retiredByPlugin(this, (instance) => instance.connections);
      },
    });

    const hub = sources.hub;
    new client.Gauge({
      name: "nylon_websocket_connections",
      help: "Open plugin-owned WebSocket connections on this node",
      registers,
      collect() {
        this.set(hub.registry.size);
      },
    });
    new client.Gauge({
      name: "nylon_websocket_rooms",
      help: "Rooms with at least one member on this node",
      registers,
      collect() {
        this.set(hub.local.roomCount());
      },
    });
    mirroredCounter(registers, "nylon_websocket_connections_opened_total", "WebSocket connections accepted", () => hub.stats.opened);
    const openTunnels = counters.openTunnels;
    new client.Gauge({
      name: "nylon_websocket_tunnels",
      help: "Open WebSocket (Upgrade) tunnels to http upstreams on this node, by service",
      labelNames: ["service"],
      registers,
      // Read at scrape time: every configured http service (0 when none is open), plus a service a
      // reload removed for as long as tunnels opened through it stay open.
      collect() {
        this.reset();
        for (const target of sources.services()) if (target.kind === "http") this.set({ service: target.name }, openTunnels.get(target.name) ?? 0);
        for (const [service, open] of openTunnels) this.set({ service }, open);
      },
    });
    mirroredLabelledCounter(
      registers,
      "nylon_websocket_tunnel_upgrades_total",
      "Upgrades tunnelled to http upstreams, by service and outcome: opened (101), refused (the upstream's non-101 answer relayed), failed (502/504), abandoned (the client left first)",
      ["service", "outcome"],
      counters.tunnelUpgrades,
    );
    mirroredCounter(registers, "nylon_websocket_messages_received_total", "WebSocket messages received from clients", () => hub.stats.messagesIn);
    mirroredCounter(registers, "nylon_websocket_messages_sent_total", "WebSocket messages queued to clients (direct and broadcast)", () => hub.stats.messagesOut);
    mirroredCounter(registers, "nylon_websocket_broadcast_deliveries_total", "Room broadcast copies delivered to local members", () => hub.local.deliveries);
    mirroredCounter(registers, "nylon_websocket_messages_dropped_total", "Messages dropped by the slow-consumer policy \"drop\"", () => hub.stats.dropped);
    mirroredCounter(
      registers,
      "nylon_websocket_slow_consumer_closes_total",
      "Connections closed (1008/1013) because their send buffer was full",
      () => hub.stats.slowConsumerCloses,
    );
    mirroredCounter(
      registers,
      "nylon_websocket_pongs_dropped_total",
      "Pongs not sent because the client left more than send_buffer_bytes unread (slow_consumer: drop)",
      () => hub.stats.pongsDropped,
    );
    mirroredLabelledCounter(
      registers,
      "nylon_websocket_limit_closes_total",
      "Connections closed by a WebSocket limit, by its configuration key (max_message_bytes, max_fragments, max_buffered_chunks, send_buffer_bytes, idle_timeout_ms, pong_timeout_ms)",
      ["limit"],
      hub.limitCloses,
    );

    const redis = (): RedisAdapterReadings | null => (hub.adapter.kind === "redis" ? (hub.adapter as unknown as RedisAdapterReadings) : null);
    new client.Gauge({
      name: "nylon_redis_connected",
      help: "1 when the Redis adapter's client (command or subscriber) is connected; absent with the memory adapter",
      labelNames: ["client"],
      registers,
      collect() {
        this.reset();
        for (const [role, up] of Object.entries(redis()?.connectionState ?? {})) this.set({ client: role }, up ? 1 : 0);
      },
    });
    mirroredCounter(registers, "nylon_redis_published_total", "Messages published to Redis for other nodes", () => redis()?.stats.published ?? 0);
    mirroredLabelledCounter(registers, "nylon_redis_errors_total", "Failed Redis operations, by kind (publish, subscribe, heartbeat, connection, ...)", ["kind"], {
      entries: () => Object.entries(redis()?.stats.failures ?? {}),
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  requestFinished(route: string, method: string, status: number, seconds: number): void {
    const key = `${route}\n${method}\n${status}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = { count: this.requests.labels(route, method, String(status)), seconds: this.requestSeconds.labels(route, method) };
      this.requestChildren.set(key, child);
    }
    child.count.inc();
    child.seconds.observe(seconds);
  }

  callTook(plugin: string, seconds: number): void {
    let child = this.pluginChildren.get(plugin);
    if (!child) this.pluginChildren.set(plugin, (child = this.pluginSeconds.labels(plugin)));
    child.observe(seconds);
  }
}

/** Reloads of the configuration, from the totals kept; a node of several workers counts them in its primary. */
export function reloadsCounter(registers: client.Registry[], reloads: ReloadCounts): void {
  mirroredLabelledCounter(registers, "nylon_config_reloads_total", "Configuration reloads, by result (applied or rejected)", ["result"], {
    entries: () => Object.entries(reloads).filter(([, n]) => n > 0),
  });
}

/** A Prometheus counter that follows a total the proxy already keeps (read at scrape time). */
export function mirroredCounter(registers: client.Registry[], name: string, help: string, read: () => number): void {
  mirroredLabelledCounter(registers, name, help, [], { entries: () => [["", read()]] });
}

/**
 * A labelled Prometheus counter that follows totals the proxy keeps (read at scrape time): keys are
 * the label values joined by "\n", in `labelNames` order.
 */
function mirroredLabelledCounter(
  registers: client.Registry[],
  name: string,
  help: string,
  labelNames: string[],
  totals: { entries(): Iterable<[string, number]> },
): void {
  const seen = new Map<string, number>();
  new client.Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      for (const [key, total] of totals.entries()) {
        const before = seen.get(key) ?? 0;
        if (total <= before) continue;
        const values = key.split("\n");
        this.inc(Object.fromEntries(labelNames.map((label, i) => [label, values[i]!])), total - before);
        seen.set(key, total);
      }
    },
  });
}
