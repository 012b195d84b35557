// `allowed_outbound_hosts`: where a plugin may send HTTP requests, written as Spin writes it.
//
//   "https://auth.example.com"       https, that host, port 443 only
//   "http://127.0.0.1:8080"          http, that address and port
//   "https://*.example.com"          any subdomain (not example.com itself)
//   "http://localhost:*"             any port
//
// Nothing is allowed unless listed. A pattern names a scheme, a host and a port; no path.

export interface AllowedHost {
  scheme: "http" | "https";
  /** Lower case; "*" is any host; a leading "*." is any subdomain. IPv6 in brackets. */
  host: string;
  /** A port, or "*" for any; the scheme's default when the pattern names none. */
  port: number | "*";
}

const PATTERN = /^(https?):\/\/(\*|\*\.[^/:[\]*]+|\[[0-9A-Fa-f:.]+\]|[^/:[\]*]+)(?::(\*|[0-9]{1,5}))?$/;

export const ALLOWED_HOST_FORMAT = 'expected "http://host", "https://host:port", "https://*.example.com" or "http://host:*" (a scheme, a host and a port; no path)';

/** The pattern, or undefined when it is not one (the config reports ALLOWED_HOST_FORMAT). */
export function parseAllowedHost(text: string): AllowedHost | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const scheme = m[1] as "http" | "https";
  const port = m[3] === undefined ? defaultPort(scheme) : m[3] === "*" ? "*" : Number(m[3]);
  if (port !== "*" && (port < 1 || port > 65535)) return undefined;
  return { scheme, host: m[2]!.toLowerCase(), port };
}

/** Whether `url` (already parsed) goes to a host the list allows. */
export function isAllowed(allowed: readonly AllowedHost[], url: URL): boolean {
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== "http" && scheme !== "https") return false;
  const port = url.port === "" ? defaultPort(scheme) : Number(url.port);
  const host = url.hostname;
  return allowed.some((a) => a.scheme === scheme && (a.port === "*" || a.port === port) && hostMatches(a.host, host));
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

function defaultPort(scheme: "http" | "https"): number {
  return scheme === "https" ? 443 : 80;
}
