// Headers that describe one connection, not the message (RFC 9110 section 7.6.1): a proxy must not
// forward them in either direction. Proxy-* and the names a Connection header lists are included,
// except Host and Content-Length: a Connection header may not take away the message's target or
// its framing (`Connection: host` would otherwise swap the Host sent upstream).
//
// On requests this runs on the client's headers before any middleware (client-request.ts), so a
// header that middleware or nylon sets can never be named away by the client.
import { setOwn } from "./header-copy.js";

const HOP_BY_HOP_NAMES = ["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"] as const;
const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_NAMES);
const NEVER_NAMED_AWAY = new Set(["host", "content-length", "close", "keep-alive"]);

export type HeaderRecord = Record<string, string | string[]>;

/**
 * Copies `headers` (lower-case names, as Node and undici give them) without hop-by-hop headers.
 * `drop` says which further headers to leave out.
 */
export function withoutHopByHop(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  drop?: (name: string) => boolean,
): HeaderRecord {
  const listed = connectionTokens(headers["connection"]);
  const names = Object.keys(headers);
  // Built by assignment, never spread: headers are added to the copy afterwards (header-copy.ts says why).
  const out: HeaderRecord = {};
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!leftOut(headers, name, listed, drop)) setOwn(out, name, headers[name]!);
  }
  return out;
}

function leftOut(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
  listed: ReadonlySet<string> | null,
  drop: ((name: string) => boolean) | undefined,
): boolean {
  return headers[name] === undefined || isHopByHop(name) || (listed !== null && listed.has(name)) || (drop !== undefined && drop(name));
}

/**
 * Removes, in place, hop-by-hop headers that were set after withoutHopByHop ran (by a plugin or a
 * header modifier): they describe nylon's own connection to the upstream, which undici manages.
 */
export function dropHopByHopInPlace(headers: Record<string, unknown>): void {
  for (let i = 0; i < HOP_BY_HOP_NAMES.length; i++) {
    const name = HOP_BY_HOP_NAMES[i]!;
    if (headers[name] !== undefined) delete headers[name];
  }
}

function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith("proxy-");
}

function connectionTokens(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  // Nearly every message says just "keep-alive" or "close", which name nothing away: no split.
  if (typeof value === "string" && !value.includes(",")) {
    const name = value.trim().toLowerCase();
    return name === "" || NEVER_NAMED_AWAY.has(name) ? null : new Set([name]);
  }
  const tokens = new Set<string>();
  for (const part of Array.isArray(value) ? value : [value]) {
    for (const token of part.split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "" && !NEVER_NAMED_AWAY.has(name)) tokens.add(name);
    }
  }
  return tokens.size === 0 ? null : tokens;
}
