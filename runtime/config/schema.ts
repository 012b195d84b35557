// The whole nylon configuration, declared once. Names follow Nylon's (reference §2, §3); defaults are filled in
// here so the rest of the proxy never guesses. Relative paths are resolved later by the loader (resolve-paths.ts).
import { z } from "zod";
import { DURATION_PATTERN, durationToMs } from "./duration.js";
import { isHostOrIp, isPort, parseListenerAddress } from "./listener-address.js";
import { strictObject } from "./strict-object.js";
import { templateIssues } from "./template.js";
import { headerNameError, headerValueError } from "../http/header-validation.js";

export const BUILT_IN_PLUGINS = ["RequestHeaderModifier", "ResponseHeaderModifier"] as const;
export const DEFAULT_HEADER_SELECTOR = "x-nylon-proxy";

const name = z.string().min(1, "must not be empty");
const filePath = z.string().min(1, "must not be empty");
const positiveInt = z.number().int().positive();
const port = z.number().int().refine(isPort, "expected a port number from 1 to 65535");

const listenerAddress = z
  .string()
  .refine((text) => parseListenerAddress(text) !== undefined, 'bad listener address: expected "host:port" (host an IP or hostname, or [IPv6]; port 1-65535)');

const duration = z
  .string({ error: 'expected a duration such as "500ms", "3s" or "1m"' })
  .regex(DURATION_PATTERN, 'expected a duration such as "500ms", "3s" or "1m"')
  .transform(durationToMs);

/** Payloads are free JSON; their `${...}` strings must compile (reference §4). */
const payload = z.unknown().superRefine((value, context) => {
  for (const issue of templateIssues(value)) context.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

// ---- runtime -----------------------------------------------------------------------------------------------

const logSettings = strictObject({
  level: z.enum(["trace", "debug", "info", "warn", "error"]).default("info"),
  access_log: z.boolean().default(false),
});

/**
 * How many processes serve the listeners: 1 (one process, no primary), N, or "auto" (one per core the
 * process may run on). docs/operations.md, "Workers".
 */
const workerCount = z.union([z.literal("auto"), positiveInt], { error: 'expected "auto" or a whole number of workers (1 or more)' });

const shutdownSettings = strictObject({
  grace_period_seconds: z.number().nonnegative().default(10),
});

const ipOrCidr = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
const trustedProxy = z.string().refine((text) => ipOrCidr.safeParse(text).success, "expected an IP address or a CIDR range such as 10.0.0.0/8");

const WEBSOCKET_LIMIT_DEFAULTS = {
  max_message_bytes: 1_048_576,
  max_fragments: 16_384,
  max_buffered_chunks: 262_144,
  ping_interval_ms: 20_000,
  pong_timeout_ms: 10_000,
  idle_timeout_ms: 0,
  per_message_deflate: false,
  send_buffer_bytes: 1_048_576,
  slow_consumer: "close-1013",
} as const;

/** Limits a route path may override; the global `websocket` block gives their defaults. */
const webSocketLimitFields = {
  max_message_bytes: positiveInt,
  /** Frames one message may arrive in (continuation frames included); over it the connection closes with 1008. */
  max_fragments: positiveInt,
  /** Socket reads held while one frame is incomplete (a frame trickled in tiny TCP segments); over it, 1008. */
  max_buffered_chunks: positiveInt,
  ping_interval_ms: z.number().int().nonnegative(),
  pong_timeout_ms: z.number().int().nonnegative(),
  /** 0 turns the idle timeout off. */
  idle_timeout_ms: z.number().int().nonnegative(),
  per_message_deflate: z.boolean(),
  send_buffer_bytes: positiveInt,
  slow_consumer: z.enum(["close-1008", "close-1013", "drop"]),
};

const webSocketLimitOverrides = strictObject(webSocketLimitFields).partial();

const redisTls = z.union([
  z.boolean(),
  strictObject({ ca: filePath.optional(), cert: filePath.optional(), key: filePath.optional(), servername: z.string().optional() }),
]);

const redisSettings = strictObject({
  /** When set, the URL gives the connection; host and port are then not needed. */
  url: z.string().optional(),
  host: z.string().min(1).optional(),
  port: port.default(6379),
  username: z.string().optional(),
  password: z.string().nullable().optional(),
  db: z.number().int().nonnegative().default(0),
  key_prefix: z.string().default("nylon:ws"),
  tls: redisTls.optional(),
  connect_timeout_ms: positiveInt.default(5000),
}).refine((redis) => redis.url !== undefined || redis.host !== undefined, {
  message: 'the redis block needs "host" (and "port") or "url"',
  path: ["host"],
});

const webSocketSettings = strictObject({
  /** "cluster" is Nylon's alias of "redis". */
  adapter_type: z
    .enum(["memory", "redis", "cluster"])
    .default("memory")
    .transform((type) => (type === "cluster" ? "redis" : type)),
  redis: redisSettings.optional(),
  max_message_bytes: webSocketLimitFields.max_message_bytes.default(WEBSOCKET_LIMIT_DEFAULTS.max_message_bytes),
  max_fragments: webSocketLimitFields.max_fragments.default(WEBSOCKET_LIMIT_DEFAULTS.max_fragments),
  max_buffered_chunks: webSocketLimitFields.max_buffered_chunks.default(WEBSOCKET_LIMIT_DEFAULTS.max_buffered_chunks),
  ping_interval_ms: webSocketLimitFields.ping_interval_ms.default(WEBSOCKET_LIMIT_DEFAULTS.ping_interval_ms),
  pong_timeout_ms: webSocketLimitFields.pong_timeout_ms.default(WEBSOCKET_LIMIT_DEFAULTS.pong_timeout_ms),
  idle_timeout_ms: webSocketLimitFields.idle_timeout_ms.default(WEBSOCKET_LIMIT_DEFAULTS.idle_timeout_ms),
  per_message_deflate: webSocketLimitFields.per_message_deflate.default(WEBSOCKET_LIMIT_DEFAULTS.per_message_deflate),
  send_buffer_bytes: webSocketLimitFields.send_buffer_bytes.default(WEBSOCKET_LIMIT_DEFAULTS.send_buffer_bytes),
  slow_consumer: webSocketLimitFields.slow_consumer.default(WEBSOCKET_LIMIT_DEFAULTS.slow_consumer),
  /** How long WebSockets may stay on a configuration a reload replaced; then closed with 1012. */
  reload_drain_ms: positiveInt.default(3_600_000),
}).refine((settings) => settings.adapter_type === "memory" || settings.redis !== undefined, {
  message: 'adapter_type "redis" (or "cluster") needs a "redis" block with host and port',
  path: ["redis"],
});

// ---- plugins ------------------------------------------------------------------------------------------------

const pluginLimits = strictObject({
  memory_mb: positiveInt.default(64),
  deadline_ms: positiveInt.default(100),
  max_send_bytes: positiveInt.default(8_388_608),
});

const pluginSpec = strictObject({
  name,
  type: z.literal("wasm", {
    error: "only type: wasm is supported: native (type: ffi) plugins cannot run in nylon; build a .wasm component with `nylon build` and give its path in file",
  }),
  /** The .wasm component (relative to the declaring file). */
  file: filePath,
  /** Passed to the plugin's init as JSON text; not templated. */
  config: z.unknown().optional(),
  limits: pluginLimits.prefault({}),
  /**
   * Where the plugin runs: `inline` on the event loop (fastest; a runaway callback holds the proxy up
   * to its deadline) or `worker`, in a thread of its own (each call crosses threads; nothing the
   * plugin does pauses other routes). docs/sandbox.md.
   */
  isolation: z.enum(["inline", "worker"]).default("inline"),
  /**
   * Plugins that name the same namespace share WebSocket rooms (and may reach each other's
   * connections by id); without it a plugin's rooms are its own. docs/websocket.md.
   */
  room_namespace: z.string().min(1, "must not be empty").optional(),
});

// ---- middleware ---------------------------------------------------------------------------------------------

const groupMiddlewareItem = strictObject({ group: name });

const pluginMiddlewareItem = strictObject({
  plugin: name,
  /** Handler name inside the plugin; built-in plugins need none. */
  entry: name.optional(),
  payload: payload.optional(),
}).refine((item) => item.entry !== undefined || (BUILT_IN_PLUGINS as readonly string[]).includes(item.plugin), {
  message: `"entry" is required for plugin middleware (only the built-in ${BUILT_IN_PLUGINS.join(" and ")} need none)`,
  path: ["entry"],
});

const middlewareItem = z.union([groupMiddlewareItem, pluginMiddlewareItem], {
  error: 'expected a middleware item: {group: <name>} or {plugin: <name>, entry: <handler>, payload: ...}',
});

// ---- services -----------------------------------------------------------------------------------------------

const endpoint = strictObject({
  ip: z.string().refine(isHostOrIp, "expected an IP address or a hostname"),
  port,
  weight: z.number().int().nonnegative().default(1),
});

const STATUS_RANGE_PATTERN = /^([1-5]\d\d)-([1-5]\d\d)$/;
const statusCode = z.number().int().min(100).max(599);
/** 200, or "200-299" (both ends included). */
const statusRange = z.union([
  statusCode.transform((status) => ({ from: status, to: status })),
  z
    .string()
    .regex(STATUS_RANGE_PATTERN, 'expected a status (200) or a range such as "200-299"')
    .transform((text) => {
      const [, from, to] = STATUS_RANGE_PATTERN.exec(text)!;
      return { from: Number(from), to: Number(to) };
    })
    .refine(({ from, to }) => from <= to, "the range's first status is above its last"),
]);

const probeHeaderValue = z.string().refine((value) => headerValueError(value) === null, "header value contains CR, LF, NUL or other invalid characters");
/** Checked here rather than as record keys, so the message names the header (zod says only "Invalid key in record"). */
const probeHeaders = z.record(z.string(), probeHeaderValue).superRefine((headers, context) => {
  for (const header of Object.keys(headers)) {
    const problem = header.toLowerCase() === "host" ? 'set the Host with the health check\'s "host" key' : headerNameError(header);
    if (problem) context.addIssue({ code: "custom", path: [header], message: problem });
  }
});

const healthCheck = strictObject({
  enabled: z.boolean().default(true),
  path: z.string().startsWith("/", 'expected a path starting with "/"').default("/"),
  interval: duration.prefault("10s"),
  timeout: duration.prefault("5s"),
  healthy_threshold: positiveInt.default(2),
  unhealthy_threshold: positiveInt.default(3),
  /** The probe's Host header (a route that needs a virtual host); the endpoint's ip:port by default. */
  host: z.string().min(1, "must not be empty").refine((host) => headerValueError(host) === null, "invalid characters in host").optional(),
  /** Request headers the probe sends (a route that needs a header). */
  headers: probeHeaders.default({}),
  /** Statuses that count as healthy; default 200-399. */
  expected_statuses: z.array(statusRange).min(1, "list at least one status or range").prefault(["200-399"]),
});

/** Defaults of an http service's timeouts; the upstream pool uses them too when built without a config. */
export const HTTP_SERVICE_DEFAULTS = { timeout_ms: 30_000, connect_timeout_ms: 5_000 } as const;

const httpService = strictObject({
  name,
  service_type: z.literal("http"),
  algorithm: z.enum(["round_robin", "random", "consistent", "weighted"]).default("round_robin"),
  endpoints: z.array(endpoint).min(1, "an http service needs at least one endpoint"),
  health_check: healthCheck.optional(),
  /** Upstream response timeout; reaching it answers 504. */
  timeout_ms: positiveInt.default(HTTP_SERVICE_DEFAULTS.timeout_ms),
  connect_timeout_ms: positiveInt.default(HTTP_SERVICE_DEFAULTS.connect_timeout_ms),
});

const pluginService = strictObject({
  name,
  service_type: z.literal("plugin"),
  plugin: strictObject({ name, entry: name, payload: payload.optional() }),
});

const staticService = strictObject({
  name,
  service_type: z.literal("static"),
  static: strictObject({
    root: filePath,
    index: z.string().min(1).default("index.html"),
    /** Serve the index for unknown paths (single-page applications). */
    spa: z.boolean().default(false),
    /** `deny`: a path with a segment starting with "." answers 404 (a leading `.well-known` is still served). */
    dotfiles: z.enum(["deny", "allow"]).default("deny"),
  }),
});

const service = z.discriminatedUnion("service_type", [httpService, pluginService, staticService]);

// ---- routes -------------------------------------------------------------------------------------------------

const routePattern = z.string().startsWith("/", 'expected a path starting with "/"');

const routePath = strictObject({
  /** matchit syntax: literals, {param}, {*catch_all}. */
  path: z.union([routePattern, z.array(routePattern).min(1)], { error: 'expected a path such as "/api/{*rest}" or a list of paths' }),
  methods: z
    .array(z.string().regex(/^[A-Za-z]+$/, "expected an HTTP method such as GET").transform((method) => method.toUpperCase()))
    .min(1)
    .optional(),
  middleware: z.array(middlewareItem).optional(),
  service: strictObject({
    name,
    rewrite: z.string().optional(),
    websocket: webSocketLimitOverrides.optional(),
  }),
});

const route = strictObject({
  name,
  route: strictObject({
    type: z.enum(["host", "header"]),
    /** host: "a.example|b.example" ("*" is the default route); header: the exact header value. */
    value: z
      .string({
        error: (issue) =>
          issue.input === undefined ? 'missing required key "value": the hosts to match ("a.com|b.com", "*" for any) or the header value' : undefined,
      })
      .min(1, "must not be empty"),
  }),
  middleware: z.array(middlewareItem).optional(),
  tls: strictObject({ enabled: z.boolean(), redirect: z.string().optional() }).optional(),
  paths: z.array(routePath).min(1, "a route needs at least one path"),
});

// ---- tls ----------------------------------------------------------------------------------------------------

const tlsCertificate = strictObject({
  type: z.literal("custom", {
    error: 'only type: custom is supported; ACME issuance is out of scope for nylon: obtain the certificate elsewhere (e.g. certbot) and give its cert and key files',
  }),
  cert: filePath,
  key: filePath,
  chain: z.array(filePath).optional(),
  domains: z.array(z.string().min(1)).min(1, "list at least one domain"),
});

// ---- whole files --------------------------------------------------------------------------------------------

/** Keys that may appear both in the main file and in config_dir files. */
const proxyShape = {
  /** Request header whose value selects a `type: header` route. */
  header_selector: z.string().min(1).default(DEFAULT_HEADER_SELECTOR),
  plugins: z.array(pluginSpec).default([]),
  services: z.array(service).default([]),
  routes: z.array(route).default([]),
  middleware_groups: z.record(z.string(), z.array(middlewareItem)).default({}),
  tls: z.array(tlsCertificate).default([]),
};

export const configSchema = strictObject({
  http: z.array(listenerAddress).default([]),
  https: z.array(listenerAddress).default([]),
  metrics: z.array(listenerAddress).default([]),
  /** Directory of extra YAML files (relative to this file), merged in file-name order. */
  config_dir: filePath.optional(),
  log: logSettings.prefault({}),
  workers: workerCount.default(1),
  shutdown: shutdownSettings.prefault({}),
  trusted_proxies: z.array(trustedProxy).default([]),
  websocket: webSocketSettings.prefault({}),
  request_body_limit_bytes: positiveInt.default(10_485_760),
  /** Time a client has to send the request line and headers; then 408 (docs/security.md). */
  request_header_timeout_ms: positiveInt.default(60_000),
  /** Longest pause in a request body (not its total time); then 408, or 504 if the upstream stopped reading it. */
  request_body_timeout_ms: positiveInt.default(60_000),
  /** Let 502/504 bodies name the upstream endpoint (ip:port) that failed; for development. */
  expose_upstream_address: z.boolean().default(false),
  ...proxyShape,
});

/** A config_dir file holds proxy keys only; header_selector has no default there so that "last file wins" works. */
export const configDirFileSchema = strictObject({
  ...proxyShape,
  header_selector: z.string().min(1).optional(),
});

export type NylonConfig = z.output<typeof configSchema>;
export type ConfigDirFile = z.output<typeof configDirFileSchema>;
export type LogSettings = z.output<typeof logSettings>;
export type ShutdownSettings = z.output<typeof shutdownSettings>;
export type WebSocketSettings = z.output<typeof webSocketSettings>;
export type WebSocketLimits = Pick<WebSocketSettings, keyof typeof webSocketLimitFields>;
export type WebSocketLimitOverrides = z.output<typeof webSocketLimitOverrides>;
export type RedisSettings = z.output<typeof redisSettings>;
export type PluginSpec = z.output<typeof pluginSpec>;
export type PluginLimits = z.output<typeof pluginLimits>;
export type GroupMiddlewareItem = z.output<typeof groupMiddlewareItem>;
export type PluginMiddlewareItem = z.output<typeof pluginMiddlewareItem>;
export type MiddlewareItem = z.output<typeof middlewareItem>;
export type Endpoint = z.output<typeof endpoint>;
export type HealthCheck = z.output<typeof healthCheck>;
export type HttpService = z.output<typeof httpService>;
export type PluginService = z.output<typeof pluginService>;
export type StaticService = z.output<typeof staticService>;
export type Service = z.output<typeof service>;
export type RoutePath = z.output<typeof routePath>;
export type Route = z.output<typeof route>;
export type TlsCertificate = z.output<typeof tlsCertificate>;
