import type { Route } from "../config/schema.js";
import type { RequestContext } from "./request-context.js";
import type { ServiceResponse } from "./service-response.js";

/**
 * A plain-HTTP request to a route with `tls: {enabled: true, redirect}` is sent to HTTPS with its path
 * and query kept. `redirect` names the target authority; `${host}` in it is the request's host
 * (without port), e.g. "${host}" or "${host}:8443". GET and HEAD get 301; other methods 308, so
 * the method and body survive the redirect.
 */
export function httpsRedirect(route: Route, ctx: RequestContext): ServiceResponse | null {
  const tls = route.tls;
  if (ctx.tls || !tls?.enabled || tls.redirect === undefined) return null;
  const authority = tls.redirect.replaceAll("${host}", ctx.host).replace(/^https:\/\//, "").replace(/\/+$/, "");
  const status = ctx.method === "GET" || ctx.method === "HEAD" ? 301 : 308;
  return { status, headers: { location: `https://${authority}${ctx.target}` }, body: Buffer.alloc(0) };
}
