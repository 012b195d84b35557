// The example plugins under plugins/, each through a real nylon in front of a real upstream.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { ensurePluginBuilt, logRecords, send, waitForLog } from "./phase-fixtures.js";

const EXAMPLES = ["auth-filter", "auth-filter-rust", "security-headers", "footer-injector", "access-logger", "rate-limiter", "sse-clock"];
/** The auth-filter example's builds and the route each guards: the same tests run against both. */
const AUTH_FILTERS = [
  { language: "TypeScript", route: "/private" },
  { language: "Rust", route: "/private-rust" },
];
const PAGE = "<html><body><h1>Hi</h1></body></html>";
const FOOTER = "<footer>served by nylon – ü</footer>";
const TICK_MS = 150;
const TICKS = 4;

function config(upstreamPort: number, isolation: "inline" | "worker"): string {
  const wasm = (name: string) => `"{{ROOT}}/plugins/${name}/${name}.wasm"`;
  return `
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: auth, type: wasm, isolation: ${isolation}, file: ${wasm("auth-filter")}, config: { tokens: { good-token: alice } } }
  - { name: auth-rust, type: wasm, isolation: ${isolation}, file: ${wasm("auth-filter-rust")}, config: { tokens: { good-token: alice } } }
  - { name: headers, type: wasm, isolation: ${isolation}, file: ${wasm("security-headers")} }
  - { name: footer, type: wasm, isolation: ${isolation}, file: ${wasm("footer-injector")} }
  - { name: access, type: wasm, isolation: ${isolation}, file: ${wasm("access-logger")} }
  - { name: limiter, type: wasm, isolation: ${isolation}, file: ${wasm("rate-limiter")} }
  - { name: clock, type: wasm, isolation: ${isolation}, file: ${wasm("sse-clock")} }
services:
  - name: upstream
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${upstreamPort} }]
  - name: clock
    service_type: plugin
    plugin: { name: clock, entry: clock, payload: { interval_ms: ${TICK_MS}, count: ${TICKS} } }
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
      - path: "/private/{*rest}"
        middleware: [{ plugin: auth, entry: auth, payload: { realm: api } }]
        service: { name: upstream }
      - path: "/private-rust/{*rest}"
        middleware: [{ plugin: auth-rust, entry: auth, payload: { realm: api } }]
        service: { name: upstream }
      - path: "/secure/{*rest}"
        middleware:
          - { plugin: headers, entry: security }
          - plugin: headers
            entry: cors
            payload: { allowed_origins: ["https://app.example"], allow_credentials: true, max_age: 120 }
        service: { name: upstream }
      - path: "/page/{*rest}"
        middleware: [{ plugin: footer, entry: footer, payload: { footer: "${FOOTER}" } }]
        service: { name: upstream }
      - path: "/logged/{*rest}"
        middleware: [{ plugin: access, entry: access-log }]
        service: { name: upstream }
      - path: "/limited/{*rest}"
        middleware: [{ plugin: limiter, entry: limit, payload: { limit: 3, window_seconds: 30, key: "\${header(x-client)}" } }]
        service: { name: upstream }
      - { path: /events, service: { name: clock } }
      - path: /events-from-middleware
        middleware: [{ plugin: clock, entry: clock, payload: { interval_ms: ${TICK_MS}, count: 2 } }]
        service: { name: upstream }
`;
}

// Inline and in worker threads: the phases behave the same (docs/sandbox.md, "isolation").
for (const isolation of ["inline", "worker"] as const)
describe(`example plugins (isolation: ${isolation})`, () => {
  let upstream: TestUpstream;
  let nylon: NylonProcess;
  const upstreamSaw: http.IncomingMessage[] = [];

  before(async () => {
    for (const name of EXAMPLES) await ensurePluginBuilt(`plugins/${name}`);
    upstream = await startUpstream((req, res) => {
      upstreamSaw.push(req);
      const url = req.url ?? "";
      if (url === "/page/html") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(PAGE) });
        res.end(PAGE);
      } else if (url === "/page/gzip") {
        res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
        res.end(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
      } else if (url === "/page/json") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"a":1}');
      } else if (url.startsWith("/logged/missing")) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("no such thing");
      } else {
        res.writeHead(200, { "content-type": "text/plain", server: "upstream/1.0", "x-powered-by": "express" });
        res.end(`ok ${String(req.headers["x-auth-subject"] ?? "")}`.trim());
      }
    });
    nylon = await startNylon(config(upstream.port, isolation));
  });
  after(async () => {
    await nylon?.stop();
    await upstream?.close();
  });

  for (const { language, route } of AUTH_FILTERS)
  describe(`auth-filter (${language})`, () => {
    it("answers 401 with WWW-Authenticate without a bearer token, and the upstream never sees the request", async () => {
      const seenBefore = upstreamSaw.length;
      const reply = await send(`${nylon.url}${route}/data`);
      assert.equal(reply.status, 401);
      assert.equal(reply.headers["www-authenticate"], 'Bearer realm="api"');
      assert.equal(JSON.parse(reply.text).message, "a bearer token is required");
      assert.equal(upstreamSaw.length, seenBefore);
    });

    it("answers 401 for a wrong token", async () => {
      const reply = await send(`${nylon.url}${route}/data`, { headers: { authorization: "Bearer bad-token" } });
      assert.equal(reply.status, 401);
      assert.equal(JSON.parse(reply.text).message, "invalid bearer token");
    });

    it("passes a valid token with the subject, overwriting a forged X-Auth-Subject", async () => {
      const reply = await send(`${nylon.url}${route}/data`, { headers: { authorization: "Bearer good-token", "x-auth-subject": "mallory" } });
      assert.equal(reply.status, 200);
      assert.equal(reply.text, "ok alice");
    });
  });

  describe("security-headers", () => {
    it("adds the hardening headers and hides the upstream's software", async () => {
      const reply = await send(`${nylon.url}/secure/x`);
      assert.equal(reply.status, 200);
      assert.equal(reply.headers["x-content-type-options"], "nosniff");
      assert.equal(reply.headers["x-frame-options"], "DENY");
      assert.equal(reply.headers["referrer-policy"], "strict-origin-when-cross-origin");
      assert.equal(reply.headers["content-security-policy"], "default-src 'self'");
      assert.match(String(reply.headers["strict-transport-security"]), /^max-age=31536000/);
      assert.equal(reply.headers.server, undefined);
      assert.equal(reply.headers["x-powered-by"], undefined);
      assert.equal(reply.headers["access-control-allow-origin"], undefined, "no CORS headers without an Origin");
    });

    it("adds CORS headers for an allowed origin only", async () => {
      const allowed = await send(`${nylon.url}/secure/x`, { headers: { origin: "https://app.example" } });
      assert.equal(allowed.headers["access-control-allow-origin"], "https://app.example");
      assert.equal(allowed.headers["access-control-allow-credentials"], "true");
      assert.equal(allowed.headers.vary, "Origin");
      const other = await send(`${nylon.url}/secure/x`, { headers: { origin: "https://evil.example" } });
      assert.equal(other.status, 200);
      assert.equal(other.headers["access-control-allow-origin"], undefined);
    });

    it("answers a preflight itself: 204 for an allowed origin, 403 otherwise", async () => {
      const seenBefore = upstreamSaw.length;
      const preflight = {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "PUT", "access-control-request-headers": "x-token" },
      };
      const ok = await send(`${nylon.url}/secure/x`, preflight);
      assert.equal(ok.status, 204);
      assert.equal(ok.headers["access-control-allow-origin"], "https://app.example");
      assert.equal(ok.headers["access-control-allow-methods"], "GET, POST, PUT, DELETE, PATCH");
      assert.equal(ok.headers["access-control-allow-headers"], "x-token");
      assert.equal(ok.headers["access-control-max-age"], "120");
      assert.equal(ok.headers["x-frame-options"], "DENY", "the security entry's response filter runs on the preflight answer too");
      const refused = await send(`${nylon.url}/secure/x`, { ...preflight, headers: { ...preflight.headers, origin: "https://evil.example" } });
      assert.equal(refused.status, 403);
      assert.equal(upstreamSaw.length, seenBefore);
    });
  });

  describe("footer-injector", () => {
    it("injects the footer before </body> with the right Content-Length", async () => {
      const reply = await send(`${nylon.url}/page/html`);
      const expected = PAGE.replace("</body>", `${FOOTER}</body>`);
      assert.equal(reply.text, expected);
      assert.equal(reply.headers["content-length"], String(Buffer.byteLength(expected)));
      assert.notEqual(Buffer.byteLength(expected), expected.length, "the footer is multi-byte, so characters would be wrong");
    });

    it("leaves compressed HTML and non-HTML bodies untouched", async () => {
      const gzip = await send(`${nylon.url}/page/gzip`);
      assert.deepEqual([...gzip.body], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
      assert.equal(gzip.headers["content-length"], "8");
      const json = await send(`${nylon.url}/page/json`);
      assert.equal(json.text, '{"a":1}');
    });
  });

  describe("access-logger", () => {
    it("logs method, path, final status, bytes and duration after the response", async () => {
      const reply = await send(`${nylon.url}/logged/missing?x=1`, { headers: { "user-agent": "phase-test" } });
      assert.equal(reply.status, 404);
      const line = await waitForLog(nylon.logs, (records) =>
        records.find((r) => r.plugin === "access" && String(r.msg).startsWith("access ") && String(r.msg).includes("/logged/missing")),
      );
      const entry = JSON.parse(String(line.msg).slice("access ".length)) as Record<string, unknown>;
      assert.equal(entry.method, "GET");
      assert.equal(entry.path, "/logged/missing");
      assert.equal(entry.status, 404);
      assert.equal(entry.bytes, reply.body.length);
      assert.equal(entry.client_ip, "127.0.0.1");
      assert.equal(entry.user_agent, "phase-test");
      assert.equal(typeof entry.duration_ms, "number");
    });
  });

  describe("rate-limiter", () => {
    it("answers 429 with Retry-After once a key is over its limit, and counts keys apart", async () => {
      const key = { "x-client": "client-a" };
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const ok = await send(`${nylon.url}/limited/x`, { headers: key });
        assert.equal(ok.status, 200);
        remaining.push(String(ok.headers["x-ratelimit-remaining"]));
      }
      assert.deepEqual(remaining, ["2", "1", "0"]);
      const limited = await send(`${nylon.url}/limited/x`, { headers: key });
      assert.equal(limited.status, 429);
      const retryAfter = Number(limited.headers["retry-after"]);
      assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
      assert.equal(JSON.parse(limited.text).error, "rate_limited");
      assert.equal((await send(`${nylon.url}/limited/x`, { headers: { "x-client": "client-b" } })).status, 200);
    });
  });

  describe("sse-clock", () => {
    /** Reads an event stream, noting when each chunk arrived. */
    function readEvents(url: string): Promise<{ res: http.IncomingMessage; chunks: { at: number; text: string }[]; endedAt: number }> {
      return new Promise((resolve, reject) => {
        const chunks: { at: number; text: string }[] = [];
        http
          .get(url, { agent: false }, (res) => {
            res.setEncoding("utf8");
            res.on("data", (text: string) => chunks.push({ at: Date.now(), text }));
            res.on("end", () => resolve({ res, chunks, endedAt: Date.now() }));
            res.on("error", reject);
          })
          .on("error", reject);
      });
    }

    it("streams each event as it is written, then ends", async () => {
      const { res, chunks, endedAt } = await readEvents(`${nylon.url}/events`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers["content-type"], "text/event-stream");
      assert.equal(res.headers["cache-control"], "no-cache");
      assert.equal(res.headers["content-length"], undefined);
      assert.equal(res.headers["transfer-encoding"], "chunked");
      const all = chunks.map((c) => c.text).join("");
      const ticks = [...all.matchAll(/^id: (\d+)\nevent: tick\ndata: (.*)$/gm)];
      assert.deepEqual(ticks.map((m) => Number(m[1])), [1, 2, 3, 4]);
      assert.match(JSON.parse(ticks[0]![2]!).time, /^\d{4}-\d\d-\d\dT/);
      const firstTick = chunks.find((c) => c.text.includes("id: 1\n"))!;
      assert.ok(endedAt - firstTick.at >= (TICKS - 1) * TICK_MS - 50, `first tick ${endedAt - firstTick.at} ms before the end`);
      assert.ok(chunks.length >= TICKS, "events arrived as separate chunks");
    });

    it("streams from a middleware request filter too, without reaching the upstream", async () => {
      const seenBefore = upstreamSaw.length;
      const { res, chunks } = await readEvents(`${nylon.url}/events-from-middleware`);
      assert.equal(res.headers["content-type"], "text/event-stream");
      assert.equal([...chunks.map((c) => c.text).join("").matchAll(/event: tick/g)].length, 2);
      assert.equal(upstreamSaw.length, seenBefore);
    });

    it("stops cleanly when the client goes away mid-stream", async () => {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${nylon.url}/events`, { agent: false }, (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
      });
      await new Promise((r) => setTimeout(r, TICKS * TICK_MS + 100));
      assert.equal((await send(`${nylon.url}/secure/x`)).status, 200, "nylon still serves");
      const failures = logRecords(nylon.logs()).filter((r) => r.plugin === "clock" && r.level === 50);
      assert.deepEqual(failures, [], "the plugin saw the closed stream as an error value, not a throw");
    });
  });
});
