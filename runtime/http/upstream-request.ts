// What leaves nylon for an upstream, whichever way it goes (a proxied request, its retry on another
// endpoint, an Upgrade tunnelled to the upstream): one request, one set of headers, built here from
// what the request-phase middleware left. There is no second path that starts again from the
// client's raw headers.
import type { IncomingHttpHeaders } from "node:http";
import { addForwardedHeaders } from "./forwarded-headers.js";
import { dropHopByHopInPlace, type HeaderRecord } from "./hop-by-hop.js";
import { applyPathRewrite, type PathRewrite } from "./path-rewrite.js";

export interface UpstreamRequest {
  method: string;
  /** The normalised target (path and query) the route matched on; see request-target.ts. */
  target: string;
  /**
   * The request headers after the request filters and RequestHeaderModifier (client-request.ts
   * already took the client's hop-by-hop headers out). upstreamHeaders() completes them in place.
   */
  headers: IncomingHttpHeaders;
  clientIp: string;
  tls: boolean;
  /** The host the client asked for (absolute-form authority or Host, port included); X-Forwarded-Host. */
  host: string | undefined;
  /** From RouteMatch.rewrite. */
  rewrite?: PathRewrite | null | undefined;
}

/** TRACE is echoed by its final recipient: credentials never travel with it. */
const NOT_TRACED = ["cookie", "authorization"] as const;

/** The headers to send, completed in place: hop-by-hop names a plugin may have set go, X-Forwarded-* come. */
export function upstreamHeaders(request: UpstreamRequest): HeaderRecord {
  const headers = request.headers as HeaderRecord;
  dropHopByHopInPlace(headers);
  if (request.method === "TRACE") for (const name of NOT_TRACED) delete headers[name];
  return addForwardedHeaders(headers, request);
}

/** The path and query to send: the normalised target, with the route's rewrite applied. */
export function upstreamTarget(request: UpstreamRequest): string {
  return request.rewrite ? applyPathRewrite(request.target, request.rewrite) : request.target;
}
