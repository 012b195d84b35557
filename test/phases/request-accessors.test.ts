// Every request accessor of the SDK, read by the phase-probe plugin inside a real nylon and answered as JSON.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { ensurePluginBuilt, PROBE_RUNS, send, waitForLog } from "./phase-fixtures.js";

const BODY_LIMIT = 64;

interface Inspected {
  method: string;
  url: string;
  path: string;
  query: string;
  queryParam: string;
  header: string;
  absentHeader: string;
  hasAbsentHeader: boolean;
  headers: Record<string, string>;
  host: string;
  clientIP: string;
  params: Record<string, string>;
  body: string;
  bodyLength: number;
  bytes: number;
  timestamp: number;
  payload: unknown;
  config: unknown;
}

function config(upstreamPort: number, trustedProxies: string, isolation: "inline" | "worker", probe: string): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
request_body_limit_bytes: ${BODY_LIMIT}
trusted_proxies: ${trustedProxies}
plugins:
  - name: probe
    type: wasm
    isolation: ${isolation}
    file: "{{ROOT}}/test/plugins/${probe}/${probe}.wasm"
    config: { greeting: hello, limits: [1, 2] }
services:
  - name: upstream
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${upstreamPort} }]
  - name: inspect-service
    service_type: plugin
    plugin: { name: probe, entry: inspect, payload: { served_by: service } }
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
      - path: /users/{id}/items/{item}
        middleware:
          - plugin: probe
            entry: inspect
            payload: { method: "\${request(method)}", id: "\${param(id)}", fixed: 1 }
        service: { name: upstream }
      - path: /service
        service: { name: inspect-service }
      - path: /upload
        middleware: [{ plugin: probe, entry: upstream-editor }]
        service: { name: upstream }
      - path: /guard
        middleware: [{ plugin: probe, entry: header-guard }]
        service: { name: upstream }
`;
}

// Inline and in worker threads, TypeScript, Rust and Go: the phases behave the same (docs/sandbox.md, "isolation").
for (const { probe, language, isolation } of PROBE_RUNS)
describe(`request accessors (${language}, isolation: ${isolation})`, () => {
  let upstream: TestUpstream;
  let nylon: NylonProcess;
  let trusting: NylonProcess;
  const upstreamBodies: string[] = [];

  before(async () => {
    await ensurePluginBuilt(`test/plugins/${probe}`);
    upstream = await startUpstream((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        upstreamBodies.push(body);
        res.end("upstream");
      });
    });
    nylon = await startNylon(config(upstream.port, "[]", isolation, probe));
    trusting = await startNylon(config(upstream.port, '["127.0.0.1"]', isolation, probe));
  });
  after(async () => {
    await nylon?.stop();
    await trusting?.stop();
    await upstream?.close();
  });

  it("reads method, URL, path, query, headers, host, params, body, bytes, timestamp, payload and config", async () => {
    const before = Date.now();
    const reply = await send(`${nylon.url}/users/42/items/a%20b?q=x%26y&flag`, {
      method: "POST",
      headers: { host: "example.test:8443", "x-probe": "probe-value", "content-type": "text/plain" },
      body: "hello body",
    });
    assert.equal(reply.status, 200, reply.text);
    assert.match(String(reply.headers["content-type"]), /^application\/json/);
    assert.equal(Number(reply.headers["content-length"]), reply.body.length);
    const seen = JSON.parse(reply.text) as Inspected;
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "http://example.test:8443/users/42/items/a%20b?q=x%26y&flag");
    assert.equal(seen.path, "/users/42/items/a%20b");
    assert.equal(seen.query, "q=x%26y&flag");
    assert.equal(seen.queryParam, "x&y");
    assert.equal(seen.header, "probe-value");
    assert.equal(seen.headers["x-probe"], "probe-value");
    assert.equal(seen.headers["content-type"], "text/plain");
    assert.equal(seen.host, "example.test");
    assert.deepEqual(seen.params, { id: "42", item: "a b" });
    assert.equal(seen.body, "hello body");
    assert.equal(seen.bodyLength, 10);
    assert.equal(seen.bytes, 10);
    assert.ok(seen.timestamp >= before - 1 && seen.timestamp <= Date.now(), `timestamp ${seen.timestamp}`);
    assert.deepEqual(seen.payload, { method: "POST", id: "42", fixed: 1 });
    assert.deepEqual(seen.config, { greeting: "hello", limits: [1, 2] });
  });

  it("answers an absent header with an empty value at once (no hang)", async () => {
    const started = Date.now();
    const seen = JSON.parse((await send(`${nylon.url}/users/1/items/2`)).text) as Inspected;
    assert.equal(seen.absentHeader, "");
    assert.equal(seen.hasAbsentHeader, false);
    assert.equal(seen.header, "");
    assert.equal(seen.body, "");
    assert.equal(seen.bytes, 0);
    assert.ok(Date.now() - started < 2000);
  });

  it("takes the client IP from the socket, ignoring X-Forwarded-For from an untrusted peer", async () => {
    const seen = JSON.parse((await send(`${nylon.url}/users/1/items/2`, { headers: { "x-forwarded-for": "203.0.113.9" } })).text) as Inspected;
    assert.equal(seen.clientIP, "127.0.0.1");
  });

  it("takes the client IP from X-Forwarded-For when the peer is a trusted proxy", async () => {
    const seen = JSON.parse((await send(`${trusting.url}/users/1/items/2`, { headers: { "x-forwarded-for": "203.0.113.9, 127.0.0.1" } })).text) as Inspected;
    assert.equal(seen.clientIP, "203.0.113.9");
  });

  it("gives the plugin an error value and the client 413 when the body is over the cap", async () => {
    const reply = await send(`${nylon.url}/users/1/items/2`, { method: "POST", body: "x".repeat(BODY_LIMIT + 1) });
    assert.equal(reply.status, 413, reply.text);
    assert.equal(JSON.parse(reply.text).error, "NYLON_E_BODY_TOO_LARGE");
    assert.equal(reply.headers["connection"], "close", "the unread rest of the upload is not waited for");
    await waitForLog(nylon.logs, (records) =>
      records.find((r) => r.plugin === "probe" && r.msg === "probe body-error NYLON_E_BODY_TOO_LARGE"),
    );
    assert.equal(upstreamBodies.length, 0, "nothing reached the upstream");
  });

  it("streams an over-cap body to the upstream, whole, when no plugin asks for it", async () => {
    for (const body of ["z".repeat(BODY_LIMIT * 10), "0123456789abcdef".repeat(64 * 1024)]) {
      const reply = await send(`${nylon.url}/upload`, { method: "POST", body });
      assert.equal(reply.status, 203, reply.text); // upstream-editor's response filter sets 203
      assert.equal(reply.text, "upstream");
      assert.equal(upstreamBodies.at(-1)?.length, body.length);
      assert.equal(upstreamBodies.at(-1), body);
    }
    const chunked = "c".repeat(BODY_LIMIT * 3);
    const reply = await send(`${nylon.url}/upload`, { method: "PUT", headers: { "transfer-encoding": "chunked" }, body: chunked });
    assert.equal(reply.status, 203, reply.text);
    assert.equal(upstreamBodies.at(-1), chunked);
  });

  it("answers from a plugin that ignores an over-cap body, and closes the connection instead of reading the rest", async () => {
    const forwarded = upstreamBodies.length;
    const reply = await send(`${nylon.url}/guard`, { method: "POST", body: "g".repeat(256 * 1024) });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(JSON.parse(reply.text).valid, null);
    assert.equal(reply.headers["connection"], "close");
    assert.equal(upstreamBodies.length, forwarded, "nothing reached the upstream");
  });

  it("does not log a client that goes away mid-body as a proxy failure, and keeps serving", async () => {
    const from = nylon.logs().length;
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(nylon.port, "127.0.0.1", () => {
        socket.write("POST /users/1/items/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789");
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on("error", reject);
    });
    assert.equal((await send(`${nylon.url}/users/1/items/2`)).status, 200);
    // An error-level line, if any, is written while the aborted request unwinds; give the log a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.doesNotMatch(nylon.logs().slice(from), /"level":50/);
  });

  it("reads a body of exactly the cap, also when it arrives chunked", async () => {
    const exact = "y".repeat(BODY_LIMIT);
    const seen = JSON.parse((await send(`${nylon.url}/users/1/items/2`, { method: "PUT", body: exact })).text) as Inspected;
    assert.equal(seen.body, exact);
    const chunked = JSON.parse(
      (await send(`${nylon.url}/users/1/items/2`, { method: "PUT", headers: { "transfer-encoding": "chunked" }, body: "chunked!" })).text,
    ) as Inspected;
    assert.equal(chunked.body, "chunked!");
    assert.equal(chunked.bytes, 8);
  });

  it("serves the same accessors to a plugin service, with the service's payload", async () => {
    const seen = JSON.parse((await send(`${nylon.url}/service?q=1`)).text) as Inspected;
    assert.equal(seen.path, "/service");
    assert.equal(seen.queryParam, "1");
    assert.deepEqual(seen.params, {});
    assert.deepEqual(seen.payload, { served_by: "service" });
  });
});
