// X-Forwarded-For / -Proto / -Host on the request that goes upstream (HTTP and upgrade tunnels).
// Nylon added none. For is appended to (the chain is kept), Proto and Host are set from what this
// proxy saw. Host itself is passed through unchanged.
import type { HeaderRecord } from "./hop-by-hop.js";

export interface ClientView {
  clientIp: string;
  tls: boolean;
  /** The Host header as the client sent it (port included), if any. */
  host: string | undefined;
}

/** Adds the X-Forwarded-* headers to `headers` in place and returns it. */
export function addForwardedHeaders(headers: HeaderRecord, client: ClientView): HeaderRecord {
  const prior = headers["x-forwarded-for"];
  const chain = Array.isArray(prior) ? prior.join(", ") : prior;
  headers["x-forwarded-for"] = chain === undefined || chain === "" ? client.clientIp : `${chain}, ${client.clientIp}`;
  headers["x-forwarded-proto"] = client.tls ? "https" : "http";
  if (client.host !== undefined) headers["x-forwarded-host"] = client.host;
  else delete headers["x-forwarded-host"];
  return headers;
}
