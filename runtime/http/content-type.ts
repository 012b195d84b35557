// The Content-Type of a static file, from its extension, exactly as mime-types gives it. mime-types
// builds its table of all of mime-db when it loads (about 9 % of a static-only start's CPU and half a
// megabyte of heap kept for the process's life), so the extensions most sites serve are answered from
// the small table below and mime-types is loaded on the first other one. Each entry is what
// mime-types' contentType() returns for it (test/http/content-type.test.ts checks every one).
import { extname } from "node:path";

const COMMON: ReadonlyMap<string, string> = new Map([
  [".html", "text/html; charset=utf-8"],
  [".htm", "text/html; charset=utf-8"],
  [".css", "text/css; charset=utf-8"],
  [".js", "text/javascript; charset=utf-8"],
  [".mjs", "text/javascript; charset=utf-8"],
  [".json", "application/json; charset=utf-8"],
  [".map", "application/json; charset=utf-8"],
  [".txt", "text/plain; charset=utf-8"],
  [".xml", "application/xml"],
  [".svg", "image/svg+xml"],
  [".png", "image/png"],
  [".jpg", "image/jpeg"],
  [".jpeg", "image/jpeg"],
  [".gif", "image/gif"],
  [".webp", "image/webp"],
  [".avif", "image/avif"],
  [".ico", "image/vnd.microsoft.icon"],
  [".wasm", "application/wasm"],
  [".woff", "font/woff"],
  [".woff2", "font/woff2"],
  [".pdf", "application/pdf"],
  [".webmanifest", "application/manifest+json; charset=utf-8"],
]);

/** The extensions answered without loading mime-types (for the test that checks them against it). */
export const commonExtensions = (): string[] => [...COMMON.keys()];

let mimeTypes: Promise<typeof import("mime-types")> | undefined;

/** The Content-Type header for a file at `path` (application/octet-stream when the extension is unknown). */
export async function contentTypeOf(path: string): Promise<string> {
  const extension = extname(path);
  const common = COMMON.get(extension.toLowerCase());
  if (common !== undefined) return common;
  mimeTypes ??= import("mime-types");
  return (await mimeTypes).contentType(extension) || "application/octet-stream";
}
