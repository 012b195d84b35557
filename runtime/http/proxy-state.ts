import type { Logger } from "pino";
import type { NylonConfig, Route, WebSocketLimitOverrides } from "../config/schema.js";
import type { PluginHost } from "../plugin/plugin-host.js";
import type { WebSocketHub } from "../websocket/websocket-hub.js";
import type { WebSocketSettings } from "../websocket/websocket-settings.js";
import { ClientAddress } from "./client-address.js";
import { resolveStep, type MiddlewareItemLike, type MiddlewareStep } from "./middleware-step.js";
import { Router, type MiddlewareItemInput } from "./router.js";
import type { ServiceTarget } from "./service-target.js";
import { UpstreamPool } from "./upstream-pool.js";
import { StaticSite } from "./static-service.js";
import { NylonError } from "../errors.js";

/** Everything a request needs from one configuration, built at once so a reload can swap it atomically. */
export interface ProxyState {
  readonly router: Router<Route>;
  readonly services: ReadonlyMap<string, ServiceTarget>;
  /** Each middleware item object of the config, resolved. */
  readonly steps: WeakMap<MiddlewareItemInput, MiddlewareStep>;
  readonly plugins: ReadonlyMap<string, PluginHost>;
  readonly clientAddress: ClientAddress;
  readonly requestBodyLimit: number;
  /** request_body_timeout_ms (body-watchdog.ts). */
  readonly requestBodyTimeoutMs: number;
  /** 502/504 bodies name the failing endpoint (upstream-error.ts). */
  readonly exposeUpstreamAddress: boolean;
  readonly accessLog: boolean;
  readonly hub: WebSocketHub;
  readonly logger: Logger;
  webSocketSettings(overrides: WebSocketLimitOverrides | undefined): WebSocketSettings;
  /** Stops health checks and pools of this state (after a reload replaced it). */
  dispose(): Promise<void>;
}

export function buildProxyState(
  config: NylonConfig,
  plugins: Map<string, PluginHost>,
  hub: WebSocketHub,
  logger: Logger,
): ProxyState {
  const router = new Router<Route>(config);
  const steps = new WeakMap<MiddlewareItemInput, MiddlewareStep>();
  const addSteps = (items: readonly MiddlewareItemInput[] | undefined) => {
    for (const item of items ?? []) if (item.plugin !== undefined) steps.set(item, resolveStep(item as MiddlewareItemLike, plugins));
  };
  for (const r of config.routes) {
    addSteps(r.middleware);
    for (const p of r.paths) addSteps(p.middleware);
  }
  for (const items of Object.values(config.middleware_groups)) addSteps(items);

  const services = new Map<string, ServiceTarget>();
  for (const s of config.services) {
    if (s.service_type === "plugin") {
      const step = resolveStep({ plugin: s.plugin.name, entry: s.plugin.entry, payload: s.plugin.payload }, plugins);
      if (step.kind !== "plugin") throw new NylonError("NYLON_E_CONFIG", `service ${s.name}: a plugin service needs a wasm plugin`);
      services.set(s.name, { kind: "plugin", name: s.name, step });
    } else if (s.service_type === "http") {
      const pool = new UpstreamPool(s, {
        onHealthChange: (service, endpoint, healthy) =>
          logger.warn({ service, endpoint, healthy }, healthy ? "upstream endpoint is healthy again" : "upstream endpoint is unhealthy"),
      });
      services.set(s.name, { kind: "http", name: s.name, pool });
    } else {
      services.set(s.name, { kind: "static", name: s.name, site: new StaticSite(s.static) });
    }
  }

  const ws = config.websocket;
  const base: WebSocketSettings = {
    maxMessageBytes: ws.max_message_bytes,
    maxFragments: ws.max_fragments,
    maxBufferedChunks: ws.max_buffered_chunks,
    pingIntervalMs: ws.ping_interval_ms,
    pongTimeoutMs: ws.pong_timeout_ms,
    idleTimeoutMs: ws.idle_timeout_ms,
    perMessageDeflate: ws.per_message_deflate,
    sendBufferBytes: ws.send_buffer_bytes,
    slowConsumer: ws.slow_consumer,
  };
  return {
    router,
    services,
    steps,
    plugins,
    clientAddress: new ClientAddress(config.trusted_proxies),
    requestBodyLimit: config.request_body_limit_bytes,
    requestBodyTimeoutMs: config.request_body_timeout_ms,
    exposeUpstreamAddress: config.expose_upstream_address,
    accessLog: config.log.access_log,
    hub,
    logger,
    webSocketSettings(o) {
      if (!o) return base;
      return {
        maxMessageBytes: o.max_message_bytes ?? base.maxMessageBytes,
        maxFragments: o.max_fragments ?? base.maxFragments,
        maxBufferedChunks: o.max_buffered_chunks ?? base.maxBufferedChunks,
        pingIntervalMs: o.ping_interval_ms ?? base.pingIntervalMs,
        pongTimeoutMs: o.pong_timeout_ms ?? base.pongTimeoutMs,
        idleTimeoutMs: o.idle_timeout_ms ?? base.idleTimeoutMs,
        perMessageDeflate: o.per_message_deflate ?? base.perMessageDeflate,
        sendBufferBytes: o.send_buffer_bytes ?? base.sendBufferBytes,
        slowConsumer: o.slow_consumer ?? base.slowConsumer,
      };
    },
    async dispose() {
      for (const s of services.values()) if (s.kind === "http") await s.pool.close();
    },
  };
}
