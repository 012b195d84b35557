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
import type { Readable } from "node:stream";
import { NylonError } from "../errors.js";
import { withoutHopByHop } from "./hop-by-hop.js";
import type { ServiceResponse } from "./service-response.js";
import { UpstreamError } from "./upstream-error.js";
import type { UpstreamEndpoint, UpstreamPool } from "./upstream-pool.js";
import { upstreamHeaders, upstreamTarget, type UpstreamRequest } from "./upstream-request.js";

export interface ForwardRequest extends UpstreamRequest {
  /** The request body (the IncomingMessage itself, or what a plugin read), null when it has none. */
  body: Readable | null;
}

/** Error codes of a connection that never reached the upstream (safe to retry elsewhere). */
const CONNECT_FAILURES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);
const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * `signal`: aborts the request (the client went away, or the body stalled); when its reason is a
 * NylonError, that is what forward() throws.
 */
export async function forward(input: ForwardRequest, service: UpstreamPool, signal?: AbortSignal): Promise<ServiceResponse> {
  const headers = upstreamHeaders(input);
  const path = upstreamTarget(input);
  const body = input.body;
  // Only a failed connection fills it: most requests never allocate it.
  let tried: Set<UpstreamEndpoint> | undefined;
  for (;;) {
    const endpoint = service.select(input.clientIp, tried);
    // undici also takes an EventEmitter as its abort signal, which costs far less per request than
    // an AbortController (the profile showed createAbortSignal among the top frames).
    const abort = new EventEmitter();
    if (signal !== undefined) {
      if (signal.aborted) throw signal.reason;
      signal.addEventListener("abort", () => abort.emit("abort"), { once: true });
    }
    // timeout_ms counts from the moment the request is fully sent: an upload may take longer (the
    // pipeline's body watchdog guards it). undici's own headers timer is off: it starts at dispatch,
    // and ticks in ~1 s steps.
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startTimer = (): void => {
      timer = setTimeout(() => {
        timedOut = true;
        abort.emit("abort");
      }, service.timeoutMs);
    };
    if (body === null || body.readableEnded) startTimer();
    else body.once("end", startTimer);
    try {
      const response = await endpoint.pool.request({
        method: input.method,
        path,
        headers,
        body,
        signal: abort,
        headersTimeout: 0,
        bodyTimeout: service.timeoutMs,
      });
      return {
        status: response.statusCode,
        headers: withoutHopByHop(response.headers),
        body: response.body,
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason instanceof NylonError ? signal.reason : error;
      const code = timedOut ? "UND_ERR_HEADERS_TIMEOUT" : errorCode(error);
      if (CONNECT_FAILURES.has(code)) {
        endpoint.health.recordFailure();
        (tried ??= new Set()).add(endpoint);
        if (body === null && tried.size < service.endpoints.length) continue;
      }
      throw upstreamError(service, endpoint, code, error);
    } finally {
      clearTimeout(timer);
      body?.off("end", startTimer);
    }
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function upstreamError(service: UpstreamPool, endpoint: UpstreamEndpoint, code: string, cause: unknown): UpstreamError {
  const where = `service ${service.name}`;
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return new UpstreamError("NYLON_E_UPSTREAM_TIMEOUT", `${where} could not be connected to in time`, endpoint.id, { cause });
  }
  if (TIMEOUTS.has(code)) {
    return new UpstreamError("NYLON_E_UPSTREAM_TIMEOUT", `${where} did not answer within ${service.timeoutMs} ms (${code})`, endpoint.id, { cause });
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new UpstreamError("NYLON_E_UPSTREAM", `${where} failed: ${code || reason}`, endpoint.id, { cause });
}
