// The whole nylon configuration, declared once. Names follow Nylon's (reference §2, §3); defaults are filled in
// here so the rest of the proxy never guesses. Relative paths are resolved later by the loader (resolve-paths.ts).
import { z } from "zod";
import { headerModifierPayloadSchema, headerModifierProblems } from "../http/header-modifier.js";
import { DURATION_PATTERN, durationToMs, formatDuration, MAX_TIMER_MS } from "./duration.js";
import { isCertificateDomain, isHostOrIp, isPort, parseListenerAddress } from "./listener-address.js";
import { describeSchemaIssue } from "./schema-issues.js";
import { strictObject } from "./strict-object.js";
import { templateIssues } from "./template.js";
import { headerNameError, headerValueError } from "../http/header-validation.js";
import { isTemplated } from "./template-syntax.js";
import { ALLOWED_HOST_FORMAT, parseAllowedHost } from "../outbound/allowed-hosts.js";

export const BUILT_IN_PLUGINS = ["RequestHeaderModifier", "ResponseHeaderModifier"] as const;
export const DEFAULT_HEADER_SELECTOR = "x-nylon-proxy";

const name = z.string().min(1, "must not be empty");
const headerName = z.string().refine((text) => headerNameError(text) === null, "expected a header name: a token such as x-nylon-proxy (letters, digits, -)");
const filePath = z.string().min(1, "must not be empty");
const positiveInt = z.number().int().positive();
const port = z.number().int().refine(isPort, "expected a port number from 1 to 65535");

/**
 * Sizes of what nylon holds in one buffer (a request body, a WebSocket message): Node 20's largest Buffer,
 * and all a plugin's 32-bit memory could take, is 4 GiB.
 */
export const MAX_BUFFER_BYTES = 4 * 1024 ** 3;
const bufferBytes = positiveInt.max(MAX_BUFFER_BYTES, `must be from 1 to ${MAX_BUFFER_BYTES} (4 GiB, the largest buffer Node 20 holds)`);

const listenerAddress = z
  .string()
  .refine((text) => parseListenerAddress(text) !== undefined, 'bad listener address: expected "host:port" (host an IP or hostname, or [IPv6]; port 1-65535)');

/**
 * Milliseconds, from `min` to `max`: every time in the configuration has a range (docs/configuration.md),
 * at most MAX_TIMER_MS, beyond which a Node timer would fire after 1 ms.
 */
function milliseconds(min: number, max: number = MAX_TIMER_MS) {
  const range = max === MAX_TIMER_MS ? `must be from ${min} to ${max} (2^31 - 1 ms, about 24.8 days: the longest timer Node keeps)` : `must be from ${min} to ${max}`;
  return z.number().int().min(min, range).max(max, range);
}

/** A duration written "500ms", "3s", "1m" or "1h", from `min` to `max` milliseconds. */
function duration(min: number, max: number) {
  const range = `must be from ${formatDuration(min)} to ${formatDuration(max)}`;
  return z
    .string({ error: 'expected a duration such as "500ms", "3s" or "1m"' })
    .regex(DURATION_PATTERN, 'expected a duration such as "500ms", "3s" or "1m"')
    .transform(durationToMs)
    .pipe(z.number().min(min, range).max(max, range));
}

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
  /** Up to a day; setTimeout takes it in milliseconds. */
  grace_period_seconds: z.number().min(0, "must be from 0 to 86400 (a day)").max(86_400, "must be from 0 to 86400 (a day)").default(10),
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
  max_message_bytes: bufferBytes,
  /** Frames one message may arrive in (continuation frames included); over it the connection closes with 1008. */
  max_fragments: positiveInt,
  /** Socket reads held while one frame is incomplete (a frame trickled in tiny TCP segments); over it, 1008. */
  max_buffered_chunks: positiveInt,
  /** 0 turns pings off. */
  ping_interval_ms: milliseconds(0),
  pong_timeout_ms: milliseconds(0),
  /** 0 turns the idle timeout off. */
  idle_timeout_ms: milliseconds(0),
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
  url: z
    .string()
    .refine((url) => URL.canParse(url) && ["redis:", "rediss:"].includes(new URL(url).protocol), "expected a redis:// or rediss:// URL such as redis://user:pass@host:6379/0")
    .optional(),
  host: z.string().min(1).optional(),
  port: port.default(6379),
  username: z.string().optional(),
  password: z.string().nullable().optional(),
  db: z.number().int().nonnegative().default(0),
  key_prefix: z.string().default("nylon:ws"),
  tls: redisTls.optional(),
  connect_timeout_ms: milliseconds(1).default(5000),
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
  reload_drain_ms: milliseconds(1).default(3_600_000),
}).refine((settings) => settings.adapter_type === "memory" || settings.redis !== undefined, {
  message: 'adapter_type "redis" (or "cluster") needs a "redis" block with host and port',
  path: ["redis"],
});

// ---- the plugins' key-value store ----------------------------------------------------------------------------

const storeSettings = strictObject({
  /** `memory`: one store per node, gone on restart. `redis`: one for the cluster, on the connection of `websocket.redis`. */
  backend: z.enum(["memory", "redis"]).default("memory"),
  key_prefix: z.string().min(1, "must not be empty").default("nylon:kv"),
  /** A store operation Redis has not answered by then fails with NYLON_E_KV_UNAVAILABLE. */
  timeout_ms: positiveInt.max(60_000).default(1000),
});

// ---- plugins ------------------------------------------------------------------------------------------------

/** A 32-bit WebAssembly memory holds at most 4 GiB. */
export const MAX_PLUGIN_MEMORY_MB = 4096;
/**
 * An inline plugin holds the event loop for as long as its callback runs: a deadline beyond 10 s would be a
 * hang rather than a limit (and a worker's watchdog waits 10 deadlines before it ends the thread).
 */
export const MAX_PLUGIN_DEADLINE_MS = 10_000;
const HOUR_MS = 3_600_000;

const pluginLimits = strictObject({
  memory_mb: positiveInt.max(MAX_PLUGIN_MEMORY_MB, `must be at most ${MAX_PLUGIN_MEMORY_MB} (4 GiB, the most a WebAssembly memory can hold)`).default(64),
  deadline_ms: milliseconds(1, MAX_PLUGIN_DEADLINE_MS).default(100),
  max_send_bytes: positiveInt.default(8_388_608),
  /** How long a phase may wait for the plugin's decision (a store answer, an outbound call) before the client gets 504. */
  pending_timeout_ms: positiveInt.max(HOUR_MS).default(10_000),
  /** Store operations and outbound calls in flight at once. */
  max_pending_ops: positiveInt.max(1_000_000).default(1_000),
  /** An outbound call's deadline when the plugin gives none, and the longest it may give. */
  outbound_timeout_ms: positiveInt.max(HOUR_MS).default(10_000),
  max_outbound_response_bytes: positiveInt.max(1_073_741_824).default(1_048_576),
});

const pluginStore = strictObject({
  /** Plugins naming the same namespace share their store keys; without it a plugin's keys are its own. */
  namespace: z.string().min(1, "must not be empty").optional(),
  max_keys: positiveInt.max(100_000_000).default(10_000),
  max_key_bytes: positiveInt.max(65_536).default(512),
  max_value_bytes: positiveInt.max(16_777_216).default(65_536),
});

const allowedOutboundHost = z.string().refine((text) => parseAllowedHost(text) !== undefined, ALLOWED_HOST_FORMAT);

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
  /** The plugin's key-value store: its limits and, optionally, a namespace shared with other plugins. docs/plugins.md. */
  store: pluginStore.prefault({}),
  /** Where the plugin may send HTTP requests ("https://auth.example.com", "http://127.0.0.1:8080"); nothing when empty. */
  allowed_outbound_hosts: z.array(allowedOutboundHost).default([]),
});

// ---- middleware ---------------------------------------------------------------------------------------------

const groupMiddlewareItem = strictObject({ group: name });

const HEADER_MODIFIER_TARGET: Readonly<Record<string, "request" | "response">> = { RequestHeaderModifier: "request", ResponseHeaderModifier: "response" };

/**
 * A built-in header modifier's payload is checked here like every other key, so that a wrong shape is refused
 * at load rather than answering 500 to every request. Templated names and values are checked once rendered.
 */
function checkHeaderModifierPayload(plugin: string, payload: unknown, context: z.core.$RefinementCtx): void {
  const target = HEADER_MODIFIER_TARGET[plugin];
  if (target === undefined) return;
  if (payload === undefined || payload === null) {
    context.addIssue({ code: "custom", path: ["payload"], message: `${plugin} needs a payload: {set: [{name, value}], remove: [names]}` });
    return;
  }
  const parsed = headerModifierPayloadSchema.safeParse(payload, { error: describeSchemaIssue });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) context.addIssue({ ...issue, path: ["payload", ...issue.path] } as z.core.$ZodSuperRefineIssue);
    return;
  }
  for (const problem of headerModifierProblems(parsed.data, target, isTemplated)) {
    context.addIssue({ code: "custom", path: ["payload", ...problem.path], message: problem.message });
  }
}

const pluginMiddlewareItem = strictObject({
  plugin: name,
  /** Handler name inside the plugin; built-in plugins need none. */
  entry: name.optional(),
  payload: payload.optional(),
})
  .refine((item) => item.entry !== undefined || (BUILT_IN_PLUGINS as readonly string[]).includes(item.plugin), {
    message: `"entry" is required for plugin middleware (only the built-in ${BUILT_IN_PLUGINS.join(" and ")} need none)`,
    path: ["entry"],
  })
  .superRefine((item, context) => checkHeaderModifierPayload(item.plugin, item.payload, context));

const middlewareItem = z.union([groupMiddlewareItem, pluginMiddlewareItem], {
  error: 'expected a middleware item: {group: <name>} or {plugin: <name>, entry: <handler>, payload: ...}',
});

// ---- services -----------------------------------------------------------------------------------------------

const endpoint = strictObject({
  ip: z.string().refine(isHostOrIp, "expected an IP address or a hostname"),
  port,
  /** 0 takes the endpoint out of rotation; the consistent-hash ring holds 160 points per unit, hence the cap. */
  weight: z.number().int().min(0).max(1000).default(1),
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
  /** At least 100 ms: a zero interval would send checks back to back. */
  interval: duration(100, 86_400_000).prefault("10s"),
  timeout: duration(1, 3_600_000).prefault("5s"),
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
  endpoints: z
    .array(endpoint)
    .min(1, "an http service needs at least one endpoint")
    .refine((endpoints) => endpoints.some((endpoint) => endpoint.weight > 0), "every endpoint has weight 0: no request could be sent anywhere"),
  health_check: healthCheck.optional(),
  /** Upstream response timeout; reaching it answers 504. */
  timeout_ms: milliseconds(1).default(HTTP_SERVICE_DEFAULTS.timeout_ms),
  connect_timeout_ms: milliseconds(1).default(HTTP_SERVICE_DEFAULTS.connect_timeout_ms),
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

/** Why one "|"-separated piece of a host route's value can never match a request's Host, or null. */
function hostPieceProblem(piece: string): string | null {
  if (piece === "*") return null;
  if (piece.startsWith("*.")) return `host wildcards such as "${piece}" are not supported: list each host, or use "*" for any host`;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(piece);
  const host = bracketed?.[1] ?? (piece.split(":").length === 2 ? piece.split(":")[0]! : piece);
  return isHostOrIp(host) ? null : `"${piece}" is not a host name or IP address`;
}

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
  }).superRefine((match, context) => {
    if (match.type !== "host") return;
    const pieces = match.value.split("|").map((piece) => piece.trim()).filter((piece) => piece !== "");
    if (pieces.length === 0) context.addIssue({ code: "custom", path: ["value"], message: 'names no host: list hosts as "a.com|b.com", or "*" for any host' });
    for (const piece of pieces) {
      const problem = hostPieceProblem(piece);
      if (problem !== null) context.addIssue({ code: "custom", path: ["value"], message: problem });
    }
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
  domains: z
    .array(z.string().refine(isCertificateDomain, 'expected a domain name (example.com), a wildcard (*.example.com) or "*" for the default certificate'))
    .min(1, "list at least one domain"),
});

// ---- whole files --------------------------------------------------------------------------------------------

/** Keys that may appear both in the main file and in config_dir files. */
const proxyShape = {
  /** Request header whose value selects a `type: header` route. */
  header_selector: headerName.default(DEFAULT_HEADER_SELECTOR),
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
  store: storeSettings.prefault({}),
  request_body_limit_bytes: bufferBytes.default(10_485_760),
  /** Time a client has to send the request line and headers; then 408 (docs/security.md). */
  request_header_timeout_ms: milliseconds(1).default(60_000),
  /** Longest pause in a request body (not its total time); then 408, or 504 if the upstream stopped reading it. */
  request_body_timeout_ms: milliseconds(1).default(60_000),
  /** Let 502/504 bodies name the upstream endpoint (ip:port) that failed; for development. */
  expose_upstream_address: z.boolean().default(false),
  ...proxyShape,
}).refine((config) => config.store.backend !== "redis" || config.websocket.redis !== undefined, {
  message: 'backend "redis" uses the connection of websocket.redis: add a websocket.redis block (host and port, or url)',
  path: ["store", "backend"],
});

/** A config_dir file holds proxy keys only; header_selector has no default there so that "last file wins" works. */
export const configDirFileSchema = strictObject({
  ...proxyShape,
  header_selector: headerName.optional(),
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
export type StoreSettings = z.output<typeof storeSettings>;
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
