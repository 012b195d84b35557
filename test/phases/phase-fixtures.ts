// Shared pieces of the phase tests: plugin components built on demand, a plain HTTP client that shows
// exactly what nylon sent (status, raw headers, body bytes), and the log lines of a running nylon.
import http from "node:http";
import path from "node:path";
import { buildPlugin } from "../../runtime/compile/build-plugin.js";
import { repoRoot } from "../support/nylon-process.js";

/** plugins/<name> or test/plugins/<name>, built through the build cache (compiled only when its inputs changed). */
export async function ensurePluginBuilt(folder: string): Promise<string> {
  return (await buildPlugin(path.join(repoRoot, folder))).output;
}

/**
 * The phase tests' runs: the TypeScript probe (test/plugins/phase-probe) inline and in a worker
 * thread, its Rust build (test/plugins/phase-probe-rust), which answers the same, inline, and its Go
 * build (test/plugins/go-phase-probe) in both: Go's SDK reaches every host function through its
 * hand-written canonical ABI, and a Go runtime in a worker reads clocks and writes output there.
 */
export const PROBE_RUNS = [
  { probe: "phase-probe", language: "TypeScript", isolation: "inline" },
  { probe: "phase-probe", language: "TypeScript", isolation: "worker" },
  { probe: "phase-probe-rust", language: "Rust", isolation: "inline" },
  { probe: "go-phase-probe", language: "Go", isolation: "inline" },
  { probe: "go-phase-probe", language: "Go", isolation: "worker" },
] as const;

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Header lines exactly as received, name and value pairs in order. */
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One request on a fresh connection (so a test never inherits another's keep-alive state). */
export function send(url: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, text: body.toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The proxy's JSON log records (pino lines); other output is skipped. */
export function logRecords(output: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut in half by a concurrent read
    }
  }
  return records;
}

/** Waits until `find` returns something for the current output (logs are written asynchronously). */
export async function waitForLog<T>(output: () => string, find: (records: Record<string, unknown>[]) => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find(logRecords(output()));
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`log line not found within ${timeoutMs} ms; output:\n${output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
