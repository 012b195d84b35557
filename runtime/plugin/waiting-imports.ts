// The host functions that start something answered later (a store operation, an outbound call) and
// the one that decides a phase the plugin left pending. Each start returns an op id at once and the
// result comes to the guest's `on-result(op, result)` after the current callback has returned:
// the guest never waits inside a host call (there is no JSPI on Node 20; wasm-toolchain-facts §6).
import { headerNameError, headerValueError } from "../http/header-validation.js";
import { isAllowed, type AllowedHost } from "../outbound/allowed-hosts.js";
import type { OutboundCallOptions } from "../outbound/outbound-call.js";
import type { OutboundRequest } from "../outbound/outbound-request.js";
import type { KvOp } from "../store/kv-store.js";
import type { PhaseResult } from "./guest-exports.js";
import { hostError } from "./host-error.js";
import { MAX_LIST_KEYS, type PluginLimits, type StoreLimits } from "./plugin-limits.js";

/** What these host functions need from the plugin they serve. */
export interface WaitingBinding {
  readonly name: string;
  readonly limits: PluginLimits;
  readonly storeLimits: StoreLimits;
  readonly allowedOutboundHosts: readonly AllowedHost[];
  /** Starts a store operation in the plugin's namespace; returns its op id. */
  startKv(op: KvOp): number;
  /** Starts an outbound call (its host is allowed); returns its op id. */
  startOutbound(request: OutboundRequest, options: OutboundCallOptions): number;
  /** Decides the request's pending phase; throws a host error when it has none. */
  resumePhase(req: number, result: PhaseResult): void;
  /** Counts request-body bytes against the callback's send budget (`limits.max_send_bytes`). */
  chargeSend(bytes: number): void;
}

/** The `outbound-request` record as the jco glue passes it. */
export interface GuestOutboundRequest {
  method: string;
  url: string;
  headers: { name: string; value: string }[];
  body: Uint8Array;
  timeoutMs: number | undefined;
  followRedirects: boolean;
}

/** Headers that describe the connection, which the proxy's client owns (RFC 9110 section 7.6.1), and the framing it computes. */
const HOST_OWNED_REQUEST_HEADERS = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "host"]);

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

function checkKey(b: WaitingBinding, key: string, what = "key"): string {
  if (key.length === 0 && what === "key") throw hostError("NYLON_E_INVALID_ARGUMENT", "the key is empty");
  const bytes = Buffer.byteLength(key);
  if (bytes > b.storeLimits.maxKeyBytes) {
    throw hostError("NYLON_E_KV_LIMIT", `the ${what} is ${bytes} bytes, over ${b.storeLimits.maxKeyBytes} (store.max_key_bytes)`);
  }
  return key;
}

function checkValue(b: WaitingBinding, value: Uint8Array): Uint8Array {
  if (value.length > b.storeLimits.maxValueBytes) {
    throw hostError("NYLON_E_KV_LIMIT", `the value is ${value.length} bytes, over ${b.storeLimits.maxValueBytes} (store.max_value_bytes)`);
  }
  return new Uint8Array(value); // the store keeps it: never a view of memory the caller owns
}

function checkTtl(ttlMs: number | undefined): number | null {
  if (ttlMs === undefined) return null;
  if (ttlMs < 1) throw hostError("NYLON_E_INVALID_ARGUMENT", "a TTL is at least 1 ms (leave it out for a key that does not expire)");
  return ttlMs;
}

function outboundRequest(b: WaitingBinding, r: GuestOutboundRequest): OutboundRequest {
  if (!METHOD.test(r.method)) throw hostError("NYLON_E_INVALID_ARGUMENT", `${JSON.stringify(r.method.slice(0, 40))} is not an HTTP method`);
  let url: URL;
  try {
    url = new URL(r.url);
  } catch {
    throw hostError("NYLON_E_INVALID_ARGUMENT", `${JSON.stringify(r.url.slice(0, 200))} is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw hostError("NYLON_E_INVALID_ARGUMENT", `only http and https URLs can be called, not ${url.protocol}`);
  if (url.username !== "" || url.password !== "") throw hostError("NYLON_E_INVALID_ARGUMENT", "credentials in a URL are not sent: use an Authorization header");
  if (!isAllowed(b.allowedOutboundHosts, url)) {
    throw hostError("NYLON_E_OUTBOUND_REFUSED", `plugin ${b.name} may not call ${url.origin}: its allowed_outbound_hosts does not list it`);
  }
  const headers: { name: string; value: string }[] = [];
  for (const { name, value } of r.headers) {
    const problem = headerNameError(name) ?? headerValueError(value);
    if (problem) throw hostError("NYLON_E_INVALID_HEADER", problem);
    const lower = name.toLowerCase();
    if (HOST_OWNED_REQUEST_HEADERS.has(lower)) throw hostError("NYLON_E_INVALID_HEADER", `the ${lower} header of an outbound request is set by nylon, not by a plugin`);
    headers.push({ name: lower, value });
  }
  b.chargeSend(r.body.length);
  return { method: r.method, url, headers, body: r.body.length === 0 ? null : new Uint8Array(r.body) };
}

/** The waiting host functions of one plugin, merged into `nylon:plugin/host` (host-imports.ts). */
export function createWaitingImports(b: WaitingBinding) {
  return {
    kvGet: (key: string) => b.startKv({ kind: "get", key: checkKey(b, key) }),
    kvSet: (key: string, value: Uint8Array, ttlMs: number | undefined) =>
      b.startKv({ kind: "set", key: checkKey(b, key), value: checkValue(b, value), ttlMs: checkTtl(ttlMs) }),
    kvDelete: (key: string) => b.startKv({ kind: "delete", key: checkKey(b, key) }),
    kvIncrement: (key: string, delta: bigint, ttlMs: number | undefined) =>
      b.startKv({ kind: "increment", key: checkKey(b, key), delta, ttlMs: checkTtl(ttlMs) }),
    kvCompareAndSwap: (key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: number | undefined) =>
      b.startKv({
        kind: "compare-and-swap",
        key: checkKey(b, key),
        expected: expected === undefined ? null : new Uint8Array(expected),
        value: checkValue(b, value),
        ttlMs: checkTtl(ttlMs),
      }),
    kvListKeys: (prefix: string, limit: number) => b.startKv({ kind: "list-keys", prefix: checkKey(b, prefix, "prefix"), limit: Math.min(limit, MAX_LIST_KEYS) }),
    httpRequest: (request: GuestOutboundRequest) =>
      b.startOutbound(outboundRequest(b, request), {
        timeoutMs: Math.max(1, Math.min(request.timeoutMs ?? b.limits.outboundTimeoutMs, b.limits.outboundTimeoutMs)),
        maxResponseBytes: b.limits.maxOutboundResponseBytes,
        followRedirects: request.followRedirects,
      }),
    resumePhase: (req: number, result: PhaseResult) => b.resumePhase(req, result),
  };
}
