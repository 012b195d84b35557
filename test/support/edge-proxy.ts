// A real `nylon run` in front of an upstream that records every request it gets (and accepts
// WebSocket upgrades), for the edge tests in test/security and test/http-semantics: what the client
// sends goes over a raw socket (raw-http.ts), what nylon let through is read from the recorder.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { WebSocketServer } from "ws";
import { closedPort, startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "./nylon-process.js";

export interface SeenRequest {
  method: string;
  /** The request target exactly as the upstream received it. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** It arrived as an Upgrade (and was accepted as a WebSocket). */
  upgrade: boolean;
}

export interface RecordingUpstream {
  upstream: TestUpstream;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * Answers 200 `upstream saw <url>` to everything (after reading the body), unless the request asks
 * otherwise: `x-upstream-status: <n>`, `x-upstream-delay-ms: <ms>` before answering, or
 * `x-upstream-stall` (never reads the body, never answers). Accepts WebSocket upgrades and echoes
 * their messages.
 */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const seen: SeenRequest[] = [];
  const upstream = await startUpstream((req, res) => {
    // An upstream that takes neither the body nor the time to answer (the body watchdog's 504).
    if (req.headers["x-upstream-stall"] !== undefined) {
      req.pause();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks), upgrade: false });
      const status = Number(req.headers["x-upstream-status"] ?? 200);
      const answer = () => res.writeHead(status, { "content-type": "text/plain" }).end(`upstream saw ${req.url}`);
      const delay = Number(req.headers["x-upstream-delay-ms"] ?? 0);
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  const wss = new WebSocketServer({ server: upstream.server });
  wss.on("connection", (socket, req: IncomingMessage) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.alloc(0), upgrade: true });
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  return {
    upstream,
    port: upstream.port,
    seen,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await upstream.close();
    },
  };
}

export interface EdgeProxy {
  nylon: NylonProcess;
  upstream: RecordingUpstream;
  port: number;
  close(): Promise<void>;
}

/** Route-level settings of the standard edge config, for tests that need other values. */
export interface EdgeOptions {
  /** Extra top-level YAML (e.g. `request_body_timeout_ms: 1500`). */
  extraYaml?: string;
  /** timeout_ms of the http service. */
  timeoutMs?: number;
}

/**
 * The routes every edge test uses, on one host-agnostic route:
 * - `/admin/{*p}`: RequestHeaderModifier sets `x-admin-policy: applied`;
 * - `/api/{*rest}`: sets `x-api-policy: applied`;
 * - `/static/{*file}`: a static root of its own (never the upstream);
 * - `/ws/{*p}`: sets `x-role: user`, removes `x-secret` and `x-role-admin` (plain and Upgrade);
 * - `/retry-plain/{*p}`, `/retry-ws/{*p}`: like `/ws`, to a service whose first endpoint refuses
 *   connections, so the first request of each is retried on the second (the recorder);
 * - `/dead/{*p}`: a service whose only endpoint refuses connections (502);
 * - `/hdr/{*p}`: sets `x-role: user` and `x-request-id: nylon-set`;
 * - `/trace/{*p}`: accepts TRACE, GET and OPTIONS;
 * - `/` and `/{*path}`: the catch-all, no middleware;
 * a route for host `other.example` whose catch-all sets `x-host-route: other`; and one for host
 * `api.example` that exposes only `/api/{*rest}` (setting `x-api-policy`) and `/files/{name}`.
 */
export function edgeConfig(upstreamPort: number, deadPort: number, staticRoot: string, options: EdgeOptions = {}): string {
  const set = (pairs: Record<string, string>, remove: string[] = []) =>
    `[{ plugin: RequestHeaderModifier, payload: { set: [${Object.entries(pairs)
      .map(([name, value]) => `{ name: ${name}, value: "${value}" }`)
      .join(", ")}], remove: [${remove.join(", ")}] } }]`;
  return `
http: ["127.0.0.1:{{PORT}}"]
log: { level: info, access_log: true }
${options.extraYaml ?? ""}
services:
  - name: app
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${upstreamPort} }]
    timeout_ms: ${options.timeoutMs ?? 30000}
  - name: retry-plain
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${deadPort} }, { ip: 127.0.0.1, port: ${upstreamPort} }]
  - name: retry-ws
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${deadPort} }, { ip: 127.0.0.1, port: ${upstreamPort} }]
  - name: dead
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${deadPort} }]
  - name: files
    service_type: static
    static: { root: ${JSON.stringify(staticRoot)} }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: "/admin/{*p}", middleware: ${set({ "x-admin-policy": "applied" })}, service: { name: app } }
      - { path: "/api/{*rest}", middleware: ${set({ "x-api-policy": "applied" })}, service: { name: app } }
      - { path: "/static/{*file}", service: { name: files, rewrite: /static } }
      - { path: "/ws/{*p}", middleware: ${set({ "x-role": "user" }, ["x-secret", "x-role-admin"])}, service: { name: app } }
      - { path: "/retry-plain/{*p}", middleware: ${set({ "x-role": "user" }, ["x-secret"])}, service: { name: retry-plain } }
      - { path: "/retry-ws/{*p}", middleware: ${set({ "x-role": "user" }, ["x-secret"])}, service: { name: retry-ws } }
      - { path: "/dead/{*p}", service: { name: dead } }
      - { path: "/hdr/{*p}", middleware: ${set({ "x-role": "user", "x-request-id": "nylon-set" })}, service: { name: app } }
      - { path: "/trace/{*p}", methods: [TRACE, GET, OPTIONS], service: { name: app } }
      - { path: ["/", "/{*path}"], service: { name: app } }
  - name: other
    route: { type: host, value: other.example }
    paths:
      - { path: ["/", "/{*path}"], middleware: ${set({ "x-host-route": "other" })}, service: { name: app } }
  - name: api-only
    route: { type: host, value: api.example }
    paths:
      - { path: "/api/{*rest}", middleware: ${set({ "x-api-policy": "applied" })}, service: { name: app } }
      - { path: "/files/{name}", service: { name: app } }
`;
}

export async function startEdgeProxy(staticRoot: string, options: EdgeOptions = {}): Promise<EdgeProxy> {
  const upstream = await startRecordingUpstream();
  let nylon: NylonProcess;
  try {
    nylon = await startNylon(edgeConfig(upstream.port, await closedPort(), staticRoot, options));
  } catch (err) {
    await upstream.close();
    throw err;
  }
  return {
    nylon,
    upstream,
    port: nylon.port,
    async close() {
      await nylon.stop();
      await upstream.close();
    },
  };
}

/** The access-log lines nylon wrote so far, parsed. */
export function accessLines(nylon: NylonProcess): Record<string, unknown>[] {
  return nylon
    .logs()
    .split("\n")
    .filter((line) => line.includes('"access":"http"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What useEdgeProxy's static route serves at /static/style.css. */
export const STYLE_CSS = "body{}";

/**
 * An edge proxy for the tests of one file: started (with a static root holding style.css) before
 * them, stopped after. The returned object reads the running one.
 */
export function useEdgeProxy(options: EdgeOptions = {}): EdgeProxy {
  let dir: string | undefined;
  let current: EdgeProxy | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "nylon-edge-"));
    await writeFile(join(dir, "style.css"), STYLE_CSS);
    current = await startEdgeProxy(dir, options);
  });
  after(async () => {
    await current?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  const running = (): EdgeProxy => {
    if (current === undefined) throw new Error("the edge proxy is only running inside the tests");
    return current;
  };
  return {
    get nylon() {
      return running().nylon;
    },
    get upstream() {
      return running().upstream;
    },
    get port() {
      return running().port;
    },
    close: () => running().close(),
  };
}
