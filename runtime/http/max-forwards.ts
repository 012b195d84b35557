// Answers nylon gives as the final recipient of TRACE and OPTIONS (RFC 9110 §7.6.2, §9.3.7, §9.3.8):
// `Max-Forwards: 0` means "do not forward, answer yourself"; a larger value is decremented on the
// way. Other methods ignore Max-Forwards (the RFC allows it) and forward it unchanged. `OPTIONS *`
// asks about the server, not a path: nylon always answers it.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { ServiceResponse } from "./service-response.js";

/**
 * For TRACE and OPTIONS: true when nylon must answer itself (Max-Forwards is 0); otherwise a
 * Max-Forwards in `headers` is decremented in place. A value that is not a number is left alone.
 */
export function isFinalRecipient(method: string, headers: IncomingHttpHeaders): boolean {
  if (method !== "TRACE" && method !== "OPTIONS") return false;
  const value = headers["max-forwards"];
  // Ten digits and more are "unlimited" for any real chain of proxies: left as they are.
  if (typeof value !== "string" || !/^[0-9]{1,9}$/.test(value)) return false;
  const hops = Number(value);
  if (hops === 0) return true;
  headers["max-forwards"] = String(hops - 1);
  return false;
}

/** 200 with the methods the path (or, for `OPTIONS *`, the server) accepts. */
export function optionsAnswer(allow: readonly string[]): ServiceResponse {
  return { status: 200, headers: { allow: allow.join(", "), "content-length": "0" }, body: Buffer.alloc(0) };
}

/** Left out of a TRACE echo (§9.3.8: likely to hold sensitive data). */
const NOT_ECHOED = new Set(["cookie", "authorization", "proxy-authorization"]);

/** 200 `message/http` echoing the request as received, less its credentials. */
export function traceAnswer(req: IncomingMessage, target: string): ServiceResponse {
  let message = `TRACE ${target} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!NOT_ECHOED.has(raw[i]!.toLowerCase())) message += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return { status: 200, headers: { "content-type": "message/http" }, body: Buffer.from(message + "\r\n", "latin1") };
}
