// Forwards one request to an http service's endpoint through undici and hands back the upstream's
// answer as it is: status, headers (less hop-by-hop ones) and a streamed body. Nylon rewrote every
// upstream status to 200 (G1); here a 404, 500, 302 or 304 reaches the client unchanged.
//
// Failures: no healthy endpoint or a connection error -> 502 (NYLON_E_NO_UPSTREAM / NYLON_E_UPSTREAM);
// connect timeout or no response headers within the service's timeout_ms -> 504
// (NYLON_E_UPSTREAM_TIMEOUT). A refused or timed-out connection also counts against the endpoint's
// health. A request without a body is retried on another endpoint when the connection failed, since
// nothing reached the upstream (nginx's proxy_next_upstream error); a streamed body cannot be replayed.
import { EventEmitter } from "node:events";
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { NylonError } from "../errors.js";
import { addForwardedHeaders } from "./forwarded-headers.js";
import { withoutHopByHop } from "./hop-by-hop.js";
import { applyPathRewrite, type PathRewrite } from "./path-rewrite.js";
import type { ServiceResponse } from "./service-response.js";
import type { UpstreamEndpoint, UpstreamPool } from "./upstream-pool.js";

export interface ForwardRequest {
  method: string;
  /** Path with query, as received. */
  path: string;
  /** The request headers that go upstream (after request filters and RequestHeaderModifier). */
  headers: IncomingHttpHeaders;
  /** The request body stream (the IncomingMessage itself), or null. */
  body: Readable | null;
  clientIp: string;
  tls: boolean;
  /** The Host header as received (port included); becomes X-Forwarded-Host. */
  host: string | undefined;
  /** From RouteMatch.rewrite. */
  rewrite?: PathRewrite | null | undefined;
}

// `expect` is answered by Node's server already (100-continue); undici refuses to send it.
const NOT_FORWARDED = new Set(["expect"]);

/** Error codes of a connection that never reached the upstream (safe to retry elsewhere). */
const CONNECT_FAILURES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);
const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/** `signal`: the request's own (the client went away); a listener stays on it until it is collected. */
export async function forward(input: ForwardRequest, service: UpstreamPool, signal?: AbortSignal): Promise<ServiceResponse> {
  const headers = addForwardedHeaders(withoutHopByHop(input.headers, NOT_FORWARDED), input);
  const path = input.rewrite ? applyPathRewrite(input.path, input.rewrite) : input.path;
  const body = hasBody(input.headers) ? input.body : null;
  const tried = new Set<UpstreamEndpoint>();
  for (;;) {
    const endpoint = service.select(input.clientIp, tried);
    // undici's own headersTimeout ticks in ~1 s steps; a timer of our own keeps short timeouts exact.
    // undici also takes an EventEmitter as its abort signal, which costs far less per request than
    // an AbortController (the profile showed createAbortSignal among the top frames).
    const abort = new EventEmitter();
    if (signal !== undefined) {
      if (signal.aborted) throw signal.reason;
      signal.addEventListener("abort", () => abort.emit("abort"), { once: true });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.emit("abort");
    }, service.timeoutMs);
    try {
      const response = await endpoint.pool.request({
        method: input.method,
        path,
        headers,
        body,
        signal: abort,
        bodyTimeout: service.timeoutMs,
      });
      return {
        status: response.statusCode,
        headers: withoutHopByHop(response.headers),
        body: response.body,
      };
    } catch (error) {
      if (signal?.aborted) throw error;
      const code = timedOut ? "UND_ERR_HEADERS_TIMEOUT" : errorCode(error);
      if (CONNECT_FAILURES.has(code)) {
        endpoint.health.recordFailure();
        tried.add(endpoint);
        if (body === null && tried.size < service.endpoints.length) continue;
      }
      throw upstreamError(service, endpoint, code, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A GET from Node's server comes with an empty IncomingMessage; sending it would add chunked framing. */
function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers["content-length"];
  return (length !== undefined && length !== "0") || headers["transfer-encoding"] !== undefined;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function upstreamError(service: UpstreamPool, endpoint: UpstreamEndpoint, code: string, cause: unknown): NylonError {
  const where = `service ${service.name}, endpoint ${endpoint.id}`;
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return new NylonError("NYLON_E_UPSTREAM_TIMEOUT", `${where} could not be connected to in time`, { cause });
  }
  if (TIMEOUTS.has(code)) {
    return new NylonError("NYLON_E_UPSTREAM_TIMEOUT", `${where} did not answer within ${service.timeoutMs} ms (${code})`, { cause });
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NylonError("NYLON_E_UPSTREAM", `${where} failed: ${code || reason}`, { cause });
}
