// Listener and upstream addresses: "host:port" where host is an IP or a hostname.
import { isIP } from "node:net";

// RFC 1123 hostname: dot-separated labels of letters, digits and inner hyphens.
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export interface ListenerAddress {
  host: string;
  port: number;
}

/**
 * An IP address or an RFC 1123 hostname. A name whose last label is all digits is not a hostname (RFC 3696
 * §2): "256.1.1.1" and "1.2.3" are malformed IPv4 addresses, not names to resolve.
 */
export function isHostOrIp(text: string): boolean {
  return isIP(text) !== 0 || isHostname(text);
}

function isHostname(text: string): boolean {
  return HOSTNAME.test(text) && !/(^|\.)\d+$/.test(text);
}

/** A certificate's domain: a hostname, "*.hostname" (one label), or "*" (the default certificate). */
export function isCertificateDomain(text: string): boolean {
  if (text === "*") return true;
  const name = text.startsWith("*.") ? text.slice(2) : text;
  return isHostname(name);
}

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Parses "host:port" or "[ipv6]:port"; undefined when the text is not a valid address. */
export function parseListenerAddress(text: string): ListenerAddress | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const ipv6 = match[1];
  const host = ipv6 ?? match[2] ?? "";
  const port = Number(match[3]);
  const hostValid = ipv6 !== undefined ? isIP(ipv6) === 6 : isHostOrIp(host);
  return hostValid && isPort(port) ? { host, port } : undefined;
}
