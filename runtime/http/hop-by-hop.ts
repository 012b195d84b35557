// Headers that describe one connection, not the message (RFC 9110 section 7.6.1): a proxy must not
// forward them in either direction. Proxy-* and the names a Connection header lists are included.

const HOP_BY_HOP = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"]);

export type HeaderRecord = Record<string, string | string[]>;

/**
 * Copies `headers` (lower-case names, as Node and undici give them) without hop-by-hop headers.
 * `drop` names further headers to leave out.
 */
export function withoutHopByHop(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  drop?: ReadonlySet<string>,
): HeaderRecord {
  const listed = connectionTokens(headers["connection"]);
  const out: HeaderRecord = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith("proxy-")) continue;
    if (listed !== null && listed.has(name)) continue;
    if (drop !== undefined && drop.has(name)) continue;
    out[name] = value;
  }
  return out;
}

function connectionTokens(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const tokens = new Set<string>();
  for (const part of Array.isArray(value) ? value : [value]) {
    for (const token of part.split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "" && name !== "close" && name !== "keep-alive") tokens.add(name);
    }
  }
  return tokens.size === 0 ? null : tokens;
}
