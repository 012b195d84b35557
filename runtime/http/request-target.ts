// The request target, parsed and normalised once, before routing: the path that is routed on is the
// path that plugins see and the path that goes upstream, so an upstream that normalises paths itself
// (nginx, WHATWG URL, Tomcat) cannot be steered outside the route that matched.
//
// Forms (RFC 9112 §3.2): origin-form `/p?q`; absolute-form `http://authority/p?q`, whose authority
// replaces Host (§3.2.2; see client-request.ts); asterisk-form `*`, for OPTIONS only. Anything else
// (authority-form is CONNECT's, which nylon refuses) is a 400.
//
// The path is normalised as RFC 3986 §6.2.2 and §5.2.4 say, plus two choices of nylon's:
// - percent-encoded unreserved characters are decoded (`%61dmin` -> `admin`, `%2e` -> `.`), the hex
//   digits of the other escapes are upper-cased (`%2f` -> `%2F`); a `%` not followed by two hex
//   digits is a 400. Nothing is decoded twice: `%252e` stays `%252e`;
// - dot segments are removed (`/a/b/../c` -> `/a/c`, `/..` -> `/`), and empty segments are merged
//   (`//admin` -> `/admin`, as nginx's merge_slashes): an upstream that merges slashes would
//   otherwise see `/admin` where nylon routed `//admin`;
// - `%2F` and `%5C` (encoded `/` and `\`) stay encoded: they are data inside one segment and never
//   split it, for routing or upstream. A segment that would hold a dot segment if an upstream took
//   them as separators (`..%2F`, `%5C..`), or if it cut `;` path parameters as Tomcat does (`..;x`),
//   is a 400. So is a path whose "separator reading" (separatorReading below) the router sends to
//   another path entry than the path itself (`/admin%2Fpanel`, `/admin;x/panel` when `/admin/{*p}`
//   exists; Router.matchTarget);
// - a raw `\` is a 400 (a WHATWG URL parser reads it as `/`), and so are `#`, control characters and
//   bytes outside ASCII anywhere in the target (RFC 3986 has no room for them; browsers encode them).
// The query string is checked for those characters and otherwise passed on as received.

export interface RequestTarget {
  /** The normalised path and the query: what is routed on, what plugins and the upstream see. */
  readonly target: string;
  /** The normalised path (starts with "/"). */
  readonly path: string;
  /** The query with its "?", as received, or "". */
  readonly search: string;
  /** The authority of an absolute-form target ("host[:port]"), null for the other forms. */
  readonly authority: string | null;
  /** `OPTIONS *`: a request about the server, not about a path (path is then "*"). */
  readonly asterisk: boolean;
}

/** Why a target is refused (a 400). */
export interface TargetError {
  readonly error: string;
}

const ABSOLUTE_FORM = /^https?:\/\//i;

export function parseRequestTarget(method: string, raw: string): RequestTarget | TargetError {
  if (raw === "*") {
    if (method !== "OPTIONS") return { error: `the target "*" is only valid for OPTIONS, not ${method}` };
    return { target: "*", path: "*", search: "", authority: null, asterisk: true };
  }
  let authority: string | null = null;
  let rest = raw;
  if (raw.charCodeAt(0) !== 0x2f /* "/" */) {
    const scheme = ABSOLUTE_FORM.exec(raw);
    if (scheme === null) return { error: "the request target must be a path, an absolute http(s) URL, or * for OPTIONS" };
    let end = scheme[0].length;
    while (end < raw.length && raw[end] !== "/" && raw[end] !== "?") end++;
    authority = raw.slice(scheme[0].length, end);
    if (authority.includes("@")) return { error: "the request target's authority must not carry user information" };
    if (!isValidAuthority(authority)) return { error: `the request target's authority ${JSON.stringify(authority)} is not a valid host[:port]` };
    rest = raw.slice(end);
    if (rest === "" || rest.charCodeAt(0) === 0x3f /* "?" */) rest = "/" + rest;
  }
  const queryAt = rest.indexOf("?");
  const rawPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const search = queryAt === -1 ? "" : rest.slice(queryAt);
  if (search !== "" && !isCleanQuery(search)) return { error: "the query string holds a character that must be percent-encoded (#, a control character or non-ASCII)" };
  const path = normalizePath(rawPath);
  if (typeof path !== "string") return path;
  // The common case, an origin-form target that needed no normalising, allocates no new string.
  const target = rest === raw && path === rawPath ? raw : path + search;
  return { target, path, search, authority, asterisk: false };
}

/**
 * RFC 3986 host (reg-name, IPv4 or a bracketed IP literal) with an optional port; what a Host header
 * or an absolute-form authority may hold. An empty host is allowed (RFC 9112 §3.2: Host may be empty).
 */
export function isValidAuthority(value: string): boolean {
  if (value.charCodeAt(0) === 0x5b /* [ */) return IP_LITERAL_AUTHORITY.test(value);
  // reg-name or IPv4, then an optional ":port": a scan, since every request's Host goes through it.
  let i = 0;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x3a /* : */) break;
    if (c >= 0x80 || REG_NAME[c] !== 1) return false;
  }
  for (i++; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

const IP_LITERAL_AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\])(?::[0-9]*)?$/;

/** 1 for the ASCII characters of an RFC 3986 reg-name: unreserved, sub-delims and "%". */
const REG_NAME = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=%") REG_NAME[c.charCodeAt(0)] = 1;

/** The normalised path, or why it is refused. Paths that need no work come back as the same string. */
export function normalizePath(path: string): string | TargetError {
  if (!needsWork(path)) return path;
  const segments = path.split("/");
  const out: string[] = [];
  let trailingSlash = false;
  // segments[0] is the "" before the leading "/".
  for (let i = 1; i < segments.length; i++) {
    const segment = canonicalEscapes(segments[i]!);
    if (typeof segment !== "string") return segment;
    const last = i === segments.length - 1;
    if (segment === "." || segment === "..") {
      if (segment === "..") out.pop();
      trailingSlash = last;
      continue;
    }
    if (segment === "") {
      trailingSlash = last;
      continue;
    }
    if (hidesDotSegment(segment)) {
      return { error: `the path segment ${JSON.stringify(segments[i])} is a dot segment to a server that splits on %2F, %5C or ";"` };
    }
    out.push(segment);
    trailingSlash = false;
  }
  if (out.length === 0) return "/";
  return "/" + out.join("/") + (trailingSlash ? "/" : "");
}

/**
 * How a server that splits segments on `%2F` and `%5C` and cuts `;` path parameters (Tomcat, some
 * decoding proxies) reads a normalised path; null when the path has none of them, so reads the same.
 */
export function separatorReading(path: string): string | null {
  if (!path.includes("%2F") && !path.includes("%5C") && !path.includes(";")) return null;
  const split = path.replace(/%2F|%5C/g, "/").replace(/;[^/]*/g, "");
  const reading = normalizePath(split);
  return typeof reading === "string" ? reading : null;
}

/**
 * True when the path holds anything normalisation changes or refuses: "%", "\", ";", "#", a dot
 * segment candidate ("/."), "//", control characters or non-ASCII. One scan, no allocation: most
 * paths skip the rest.
 */
function needsWork(path: string): boolean {
  let previous = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x25 /* % */ || c === 0x5c /* \ */ || c === 0x3b /* ; */ || c === 0x23 /* # */) return true;
    if (previous === 0x2f /* / */ && (c === 0x2e /* . */ || c === 0x2f)) return true;
    previous = c;
  }
  return false;
}

const HEX = "0123456789ABCDEF";

/**
 * Decodes escapes of unreserved characters, upper-cases the others' hex digits; refuses malformed
 * escapes and characters that may not appear raw.
 */
function canonicalEscapes(segment: string): string | TargetError {
  let out = "";
  let from = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x5c || c === 0x23) {
      return { error: `the path holds ${describeChar(c)}, which must be percent-encoded` };
    }
    if (c !== 0x25) continue;
    const hi = hexValue(segment.charCodeAt(i + 1));
    const lo = hexValue(segment.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return { error: `the path has malformed percent-encoding at ${JSON.stringify(segment.slice(i, i + 3))}` };
    const byte = (hi << 4) | lo;
    out += segment.slice(from, i) + (isUnreserved(byte) ? String.fromCharCode(byte) : "%" + HEX[hi] + HEX[lo]);
    from = i + 3;
    i += 2;
  }
  return from === 0 ? segment : out + segment.slice(from);
}

/** "..;x", "..%2Fx", "x%5C..": a dot segment to a server that splits on what nylon keeps as data. */
function hidesDotSegment(segment: string): boolean {
  if (!segment.includes(";") && !segment.includes("%2F") && !segment.includes("%5C")) return false;
  for (const piece of segment.split(/%2F|%5C/)) {
    const semicolon = piece.indexOf(";");
    const name = semicolon === -1 ? piece : piece.slice(0, semicolon);
    if (name === "." || name === "..") return true;
  }
  return false;
}

function isCleanQuery(search: string): boolean {
  for (let i = 0; i < search.length; i++) {
    const c = search.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x23) return false;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  );
}

function describeChar(c: number): string {
  if (c === 0x5c) return 'a raw "\\"';
  if (c === 0x23) return 'a "#"';
  return c < 0x7f ? `the control character 0x${c.toString(16).padStart(2, "0")}` : "a character outside ASCII";
}
