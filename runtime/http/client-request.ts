// What nylon takes from a client's request before anything else looks at it: the framing is checked
// (RFC 9112), the target is parsed and normalised (request-target.ts), the host to route on is
// chosen, and the headers that may go on are copied without the hop-by-hop ones. Routing, plugins,
// the upstream and the WebSocket tunnel all see the result, never the raw request.
//
// Refused (the connection is closed after the answer, since the framing may be unreliable):
// - a request line without an HTTP version (HTTP/0.9) -> 400; a version other than 1.x -> 505;
// - more than MAX_REQUEST_HEADERS header lines -> 431 (Node drops the ones past its count limit,
//   which could lose Content-Length);
// - two Host headers, no Host on HTTP/1.1, or a Host that is not host[:port] -> 400 (§3.2);
// - Transfer-Encoding on HTTP/1.0 -> 400 (§6.1: the framing is faulty);
// - a transfer coding other than one final `chunked` (`gzip, chunked`, `identity, chunked`) -> 501,
//   `chunked, chunked` -> 400 (Node's parser refuses a non-final chunked itself);
// - a target that request-target.ts refuses -> 400;
// - an Expect other than 100-continue -> 417.
//
// Headers whose name holds "_" are dropped (see notForwarded).
//
// Absolute-form (`GET http://a/x HTTP/1.1`): its authority replaces Host (§3.2.2), whatever Host
// said: it selects the route, it is the Host sent upstream and X-Forwarded-Host, and plugins read it.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { NylonError } from "../errors.js";
import { withoutHopByHop } from "./hop-by-hop.js";
import { isValidAuthority, parseRequestTarget, type RequestTarget } from "./request-target.js";

/** Header lines a request may have; the listener asks Node to keep one more so that going over shows. */
export const MAX_REQUEST_HEADERS = 1000;

export interface ClientRequest {
  readonly target: RequestTarget;
  /** The host to route on and to send upstream (port included): the absolute-form authority, else Host. */
  readonly host: string | undefined;
  /** The end-to-end headers, Host set to `host`; a fresh object the request owns. */
  readonly headers: IncomingHttpHeaders;
  /** Content-Length above 0, or a chunked body. */
  readonly hasBody: boolean;
  /** HTTP/1.1 `Expect: 100-continue`: the client waits for 100 Continue before sending the body. */
  readonly expectsContinue: boolean;
}

/**
 * Client headers that never go further: Expect is nylon's to answer (100-continue; undici refuses
 * to send it), and a name with "_" is dropped, as nginx does by default (Envoy's edge advice is to
 * refuse it): CGI-style upstreams (WSGI, PHP, Rack) read `X_Role` and `X-Role` as the same
 * HTTP_X_ROLE, so `X_Role` would slip past a rule that sets or removes `x-role`.
 */
function notForwarded(name: string): boolean {
  return name === "expect" || name.includes("_");
}

export function readClientRequest(req: IncomingMessage): ClientRequest | NylonError {
  const refused = framingError(req);
  if (refused !== null) return refused;
  const target = parseRequestTarget(req.method ?? "GET", req.url ?? "/");
  if ("error" in target) return new NylonError("NYLON_E_BAD_REQUEST", target.error);
  const expect = req.httpVersionMinor >= 1 ? req.headers.expect : undefined; // HTTP/1.0 ignores Expect (RFC 9110 §10.1.1)
  if (expect !== undefined && expect.trim().toLowerCase() !== "100-continue") {
    return new NylonError("NYLON_E_EXPECTATION_FAILED", `the expectation ${JSON.stringify(expect.slice(0, 64))} is not supported; only 100-continue is`);
  }
  const host = target.authority ?? req.headers.host;
  const headers = withoutHopByHop(req.headers, notForwarded) as IncomingHttpHeaders;
  if (host !== undefined) headers.host = host;
  return { target, host, headers, hasBody: requestHasBody(req), expectsContinue: expect !== undefined };
}

/** What makes the message itself unacceptable, whatever its target; null when it is fine. */
function framingError(req: IncomingMessage): NylonError | null {
  if (req.httpVersionMajor !== 1) {
    return req.httpVersionMajor === 0
      ? new NylonError("NYLON_E_BAD_REQUEST", "the request line has no HTTP version (HTTP/0.9 is not served)")
      : new NylonError("NYLON_E_HTTP_VERSION", `HTTP/${req.httpVersion} is not supported on this listener; use HTTP/1.1`);
  }
  const raw = req.rawHeaders;
  if (raw.length > MAX_REQUEST_HEADERS * 2) {
    return new NylonError("NYLON_E_HEADERS_TOO_LARGE", `the request has more than ${MAX_REQUEST_HEADERS} header lines`);
  }
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (isHostName(raw[i]!)) hosts++;
  if (hosts > 1) return new NylonError("NYLON_E_BAD_REQUEST", "the request has more than one Host header");
  const host = req.headers.host;
  if (host === undefined) {
    if (req.httpVersionMinor >= 1) return new NylonError("NYLON_E_BAD_REQUEST", "an HTTP/1.1 request needs a Host header");
  } else if (!isValidAuthority(host)) {
    return new NylonError("NYLON_E_BAD_REQUEST", `the Host header ${JSON.stringify(host.slice(0, 256))} is not a valid host[:port]`);
  }
  const codings = req.headers["transfer-encoding"];
  if (codings !== undefined) {
    if (req.httpVersionMinor === 0) return new NylonError("NYLON_E_BAD_REQUEST", "an HTTP/1.0 request cannot use Transfer-Encoding");
    return transferCodingError(codings);
  }
  return null;
}

/** "Host" in any case, without allocating a lower-cased copy (this runs on every header line). */
function isHostName(name: string): boolean {
  return (
    name.length === 4 &&
    (name.charCodeAt(0) | 0x20) === 0x68 &&
    (name.charCodeAt(1) | 0x20) === 0x6f &&
    (name.charCodeAt(2) | 0x20) === 0x73 &&
    (name.charCodeAt(3) | 0x20) === 0x74
  );
}

/** Node joins repeated Transfer-Encoding headers with ", ", so this sees every coding in order. */
function transferCodingError(value: string): NylonError | null {
  if (value.length === 7 && value.toLowerCase() === "chunked") return null;
  const codings = value.split(",").map((c) => c.trim().toLowerCase());
  const unknown = codings.find((c) => c !== "chunked");
  if (unknown !== undefined) {
    return new NylonError("NYLON_E_NOT_IMPLEMENTED", `the transfer coding ${JSON.stringify(unknown)} is not implemented; only chunked is`);
  }
  return new NylonError("NYLON_E_BAD_REQUEST", "chunked is applied more than once in Transfer-Encoding");
}

function requestHasBody(req: IncomingMessage): boolean {
  if (req.headers["transfer-encoding"] !== undefined) return true;
  const length = req.headers["content-length"];
  return length !== undefined && length !== "0";
}
