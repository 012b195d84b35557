// `service_type: static`: files under `root`, streamed, with the caching and range support Nylon lacked
// (it read whole files into memory, no ETag, no Range, section 5.1).
//
// - Path: the request path without query; `rewrite` (if the path starts with it at a segment
//   boundary) is stripped first - Nylon's prefix strip, kept so existing configs work.
// - A path ending in "/" that names a directory: serve its `index` (default index.html). A directory
//   named without the slash: 301 to the same client path plus "/" (query kept), as nginx does, so
//   that relative links in its index resolve against the directory.
// - Dotfiles: with `dotfiles: deny` (the default) a path with a segment starting with "." answers the
//   same 404 as a missing file, decided before the file system is asked (so existence does not leak,
//   even in SPA mode); a leading `.well-known` segment is exempt (ACME, security.txt).
// - Unknown path: with `spa: true` serve root/index with 200, otherwise 404.
// - Escapes answer 404 (Nylon: 403) and never a file outside root: `..` segments (also encoded),
//   encoded "/" or "\" (%2f, %5c), backslashes, NUL, and symlinks whose real path leaves root.
// - Content-Type from the extension (content-type.ts: mime-types' answer); a strong ETag (size and modification time to the
//   millisecond; nginx's uses the second) and Last-Modified. Conditional requests as RFC 9110 section
//   13 orders them (conditional-request.ts): If-Match / If-Unmodified-Since false -> 412, If-None-Match
//   / If-Modified-Since -> 304. Range -> 206 (byte-ranges.ts: overlapping ranges combined; several
//   disjoint ranges get a streamed multipart/byteranges body, section 14.6), unsatisfiable or not
//   byte ranges -> 416, another unit ignored; If-Range needs a strong match. HEAD without body. GET
//   and HEAD only (405 otherwise).
import { randomBytes } from "node:crypto";
import { open, realpath, stat, type FileHandle } from "node:fs/promises";
import type { Stats } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import etag from "etag";
import { NylonError } from "../errors.js";
import { parseByteRanges } from "./byte-ranges.js";
import { evaluatePreconditions, ifRangeHolds, type Validators } from "./conditional-request.js";
import { contentTypeOf } from "./content-type.js";
import { errorResponse, type ServiceResponse } from "./service-response.js";

/** The `static:` block of a static service. */
export interface StaticSiteInput {
  root: string;
  index?: string | undefined;
  spa?: boolean | undefined;
  /** `deny` (default): paths with a segment starting with "." are 404, except a leading `.well-known`. */
  dotfiles?: "deny" | "allow" | undefined;
}

export interface StaticRequest {
  method: string;
  /** Path with optional query, as received (still percent-encoded). */
  path: string;
  headers: IncomingHttpHeaders;
}

const ENCODED_SEPARATOR_OR_NUL = /%(2f|5c|00)/i;
/** More ranges than this (after combining) are ignored and the whole file is sent (Apache's MaxRanges idea). */
const MAX_RANGES = 100;

export class StaticSite {
  private readonly root: string;
  private readonly index: string;
  private readonly spa: boolean;
  private readonly allowDotfiles: boolean;
  private realRoot: Promise<string | null> | null = null;

  /** `baseDir` resolves a relative root (the config file's directory). */
  constructor(config: StaticSiteInput, baseDir = process.cwd()) {
    this.root = resolve(baseDir, config.root);
    this.index = config.index ?? "index.html";
    this.spa = config.spa ?? false;
    this.allowDotfiles = config.dotfiles === "allow";
  }

  /** Always answers (errors become JSON error responses); a file body is a stream. */
  async serve(request: StaticRequest, rewrite?: string): Promise<ServiceResponse> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      const error = new NylonError("NYLON_E_METHOD_NOT_ALLOWED", `static files answer GET and HEAD, not ${request.method}`);
      return errorResponse(error, { allow: "GET, HEAD" });
    }
    const root = await this.resolveRoot();
    const clientPath = withoutQuery(request.path);
    const segments = safeSegments(stripPrefix(clientPath, rewrite));
    if (root === null || segments === null) return notFound(request.path);
    if (!this.allowDotfiles && hasDotSegment(segments)) return notFound(request.path);
    let file = await this.find(root, segments, clientPath.endsWith("/"));
    if (file === "directory") return redirectToDirectory(request.path);
    // A symlink out of root is refused outright, not answered with the SPA index.
    if (file === "missing" && this.spa) file = await this.find(root, [this.index], false);
    if (typeof file === "string") return notFound(request.path);
    return respondWithFile(request, file.handle, file.stats, file.path);
  }

  /** The real path of root, or null while it does not exist (it is looked up again next time). */
  private resolveRoot(): Promise<string | null> {
    this.realRoot ??= realpath(this.root).catch(() => {
      this.realRoot = null;
      return null;
    });
    return this.realRoot;
  }

  /**
   * Opens root/segments, or its index when it is a directory and the client path ended in "/"
   * (`slashTerminated`; otherwise "directory", which the caller redirects). "outside" when the real
   * path (symlinks resolved) leaves root.
   */
  private async find(root: string, segments: string[], slashTerminated: boolean): Promise<OpenFile | "missing" | "outside" | "directory"> {
    let resolved = await realInside(root, join(root, ...segments));
    if (typeof resolved === "string") return resolved;
    const stats = await stat(resolved.path).catch(() => null);
    if (stats === null) return "missing";
    if (stats.isDirectory() || segments.at(-1) === "") {
      if (!stats.isDirectory()) return "missing";
      if (!slashTerminated) return "directory";
      resolved = await realInside(root, join(resolved.path, this.index));
      if (typeof resolved === "string") return resolved;
    }
    const handle = await open(resolved.path, "r").catch(() => null);
    if (handle === null) return "missing";
    const opened = await handle.stat();
    if (!opened.isFile()) {
      await handle.close();
      return "missing";
    }
    return { handle, stats: opened, path: resolved.path };
  }
}

interface OpenFile {
  handle: FileHandle;
  stats: Stats;
  path: string;
}

async function realInside(root: string, candidate: string): Promise<{ path: string } | "missing" | "outside"> {
  const real = await realpath(candidate).catch(() => null);
  if (real === null) return "missing";
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep) ? { path: real } : "outside";
}

function withoutQuery(path: string): string {
  const queryAt = path.indexOf("?");
  return queryAt === -1 ? path : path.slice(0, queryAt);
}

function stripPrefix(path: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === "" || prefix === "/") return path;
  const bare = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (path === bare) return "/";
  return path.startsWith(bare + "/") ? path.slice(bare.length) : path;
}

/**
 * Decoded path segments relative to root, or null for anything that tries to leave root or is
 * malformed. A trailing "" segment means the path ended in "/".
 */
function safeSegments(path: string): string[] | null {
  if (ENCODED_SEPARATOR_OR_NUL.test(path)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes("\\") || decoded.includes("\0")) return null;
  const segments = decoded.split("/").slice(1);
  if (segments.includes("..")) return null;
  const last = segments.at(-1);
  const kept = segments.filter((s) => s !== "" && s !== ".");
  if (last === "" || kept.length === 0) kept.push("");
  return kept;
}

/** Whether a path segment is hidden ("." and ".." never get here); a leading `.well-known` is not. */
function hasDotSegment(segments: readonly string[]): boolean {
  return segments.some((segment, i) => segment.startsWith(".") && !(i === 0 && segment === ".well-known"));
}

/**
 * 301 to the client's own path plus "/" (so a rewrite prefix stays), query kept. Leading slashes are
 * collapsed: "//host" would be a protocol-relative Location pointing at another site.
 */
function redirectToDirectory(target: string): ServiceResponse {
  const path = withoutQuery(target);
  const location = "/" + path.replace(/^\/+/, "") + "/" + target.slice(path.length);
  return { status: 301, headers: { location, "content-length": "0" }, body: null };
}

function notFound(path: string): ServiceResponse {
  return errorResponse(new NylonError("NYLON_E_FILE_NOT_FOUND", `no file for ${withoutQuery(path)}`));
}

async function respondWithFile(request: StaticRequest, handle: FileHandle, stats: Stats, path: string): Promise<ServiceResponse> {
  const validators: Validators = { etag: etag(stats, { weak: false }), "last-modified": stats.mtime.toUTCString() };
  const precondition = evaluatePreconditions(request.headers, validators);
  if (precondition !== "proceed") {
    await handle.close();
    if (precondition === "not-modified") return { status: 304, headers: { ...validators }, body: null };
    return errorResponse(new NylonError("NYLON_E_PRECONDITION_FAILED", `a precondition (If-Match or If-Unmodified-Since) is false for ${withoutQuery(request.path)}`));
  }
  const headers: Record<string, string> = {
    ...validators,
    "content-type": await contentTypeOf(path),
    "accept-ranges": "bytes",
  };
  let start = 0;
  let end = stats.size - 1;
  let status = 200;
  const range = request.headers.range;
  // An empty file has no byte to range over: it is sent whole (200). A HEAD gets the head its GET would
  // (RFC 9110 section 9.3.2), so the Range applies to it too.
  if (range !== undefined && stats.size > 0 && ifRangeHolds(request.headers, validators)) {
    const parsed = parseByteRanges(range, stats.size);
    if (parsed.kind === "invalid" || parsed.kind === "unsatisfiable") {
      await handle.close();
      const why = parsed.kind === "invalid" ? `range "${range}" is not a list of byte ranges` : `range "${range}" is outside the ${stats.size} bytes of the file`;
      return errorResponse(new NylonError("NYLON_E_RANGE_NOT_SATISFIABLE", why), { "content-range": `bytes */${stats.size}` });
    }
    if (parsed.kind === "ranges" && parsed.ranges.length > 1 && parsed.ranges.length <= MAX_RANGES) {
      return respondWithRanges(request, handle, stats.size, parsed.ranges, headers);
    }
    if (parsed.kind === "ranges" && parsed.ranges.length === 1) {
      start = parsed.ranges[0]!.start;
      end = parsed.ranges[0]!.end;
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${stats.size}`;
    }
  }
  headers["content-length"] = String(end - start + 1);
  if (request.method === "HEAD" || stats.size === 0) {
    await handle.close();
    return { status, headers, body: null };
  }
  return { status, headers, body: handle.createReadStream({ start, end }) };
}

/**
 * 206 multipart/byteranges (RFC 9110 section 14.6): each part has its own Content-Type and
 * Content-Range; the file bytes are streamed part by part from the open handle, never buffered.
 */
async function respondWithRanges(
  request: StaticRequest,
  handle: FileHandle,
  size: number,
  ranges: readonly { start: number; end: number }[],
  headers: Record<string, string>,
): Promise<ServiceResponse> {
  const boundary = randomBytes(12).toString("hex");
  const partType = headers["content-type"]!;
  // The CRLF before each delimiter belongs to the delimiter (RFC 2046), so the first part has none.
  const partHeads = ranges.map((r, i) =>
    Buffer.from(`${i === 0 ? "" : "\r\n"}--${boundary}\r\nContent-Type: ${partType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`),
  );
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
  let length = closing.length;
  for (const [i, r] of ranges.entries()) length += partHeads[i]!.length + r.end - r.start + 1;
  headers["content-type"] = `multipart/byteranges; boundary=${boundary}`;
  headers["content-length"] = String(length);
  if (request.method === "HEAD") {
    await handle.close();
    return { status: 206, headers, body: null };
  }
  async function* parts(): AsyncGenerator<Buffer> {
    try {
      for (const [i, r] of ranges.entries()) {
        yield partHeads[i]!;
        yield* readSpan(handle, r.start, r.end);
      }
      yield closing;
    } finally {
      await handle.close();
    }
  }
  return { status: 206, headers, body: Readable.from(parts(), { objectMode: false }) };
}

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The bytes start..end (inclusive) of an open file, in chunks. Not `handle.createReadStream`: every
 * stream made on a FileHandle adds a "close" listener to it, so the parts of one multipart answer
 * printed MaxListenersExceededWarning past ten.
 */
async function* readSpan(handle: FileHandle, start: number, end: number): AsyncGenerator<Buffer> {
  for (let position = start; position <= end; ) {
    const length = Math.min(READ_CHUNK_BYTES, end - position + 1);
    const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(length), 0, length, position);
    // The file shrank while it was being sent: the declared length cannot be met, so the answer fails.
    if (bytesRead === 0) throw new Error(`the file ended at byte ${position} while bytes up to ${end} were being sent`);
    yield buffer.subarray(0, bytesRead);
    position += bytesRead;
  }
}
