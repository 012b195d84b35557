// The logging phase sees the request as the client got it (final status, bytes sent, duration, error
// text), and per-request state kept in the registration closure stays with its own request.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { closedPort, startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { ensurePluginBuilt, logRecords, PROBE_RUNS, send, waitForLog } from "./phase-fixtures.js";

const UPSTREAM_TEXT = "héllo wörld";
const SLOW_MS = 120;

interface ProbeLog {
  trace: string;
  statusInResponseFilter: number;
  status: number;
  bytes: number;
  duration: number;
  error: string;
  path: string;
}

function probeLogs(output: string): ProbeLog[] {
  return logRecords(output)
    .filter((r) => r.plugin === "probe" && String(r.msg).startsWith("probe-log "))
    .map((r) => JSON.parse(String(r.msg).slice("probe-log ".length)) as ProbeLog);
}

function waitForProbeLog(nylon: NylonProcess, trace: string): Promise<ProbeLog> {
  return waitForLog(nylon.logs, () => probeLogs(nylon.logs()).find((l) => l.trace === trace));
}

function config(upstreamPort: number, deadPort: number, isolation: "inline" | "worker", build: string): string {
  const probe = (entry: string) => `{ plugin: probe, entry: ${entry} }`;
  return `
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - name: probe
    type: wasm
    isolation: ${isolation}
    file: "{{ROOT}}/test/plugins/${build}/${build}.wasm"
services:
  - name: upstream
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${upstreamPort} }]
  - name: dead
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${deadPort} }]
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
      - { path: "/edited/{*rest}", middleware: [${probe("log-capture")}, ${probe("upstream-editor")}], service: { name: upstream } }
      - { path: "/upper/{*rest}", middleware: [${probe("log-capture")}, ${probe("body-upper")}], service: { name: upstream } }
      - { path: "/answer", middleware: [${probe("log-capture")}, ${probe("answers")}], service: { name: upstream } }
      - { path: "/dead", middleware: [${probe("log-capture")}], service: { name: dead } }
`;
}

// Inline and in worker threads, TypeScript, Rust and Go: the phases behave the same (docs/sandbox.md, "isolation").
for (const { probe, language, isolation } of PROBE_RUNS)
describe(`logging phase (${language}, isolation: ${isolation})`, () => {
  let upstream: TestUpstream;
  let nylon: NylonProcess;

  before(async () => {
    await ensurePluginBuilt(`test/plugins/${probe}`);
    upstream = await startUpstream((req, res) => {
      const body = Buffer.from(UPSTREAM_TEXT);
      const reply = () => {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end(req.method === "HEAD" ? undefined : body);
      };
      if (req.url?.includes("/slow")) setTimeout(reply, SLOW_MS);
      else reply();
    });
    nylon = await startNylon(config(upstream.port, await closedPort(), isolation, probe));
  });
  after(async () => {
    await nylon?.stop();
    await upstream?.close();
  });

  it("sees the final status set by a later response filter, the bytes sent and the duration", async () => {
    const reply = await send(`${nylon.url}/edited/slow`, { headers: { "x-trace": "final-status" } });
    assert.equal(reply.status, 203);
    const log = await waitForProbeLog(nylon, "final-status");
    assert.equal(log.statusInResponseFilter, 200, "its own response filter ran before the editor's");
    assert.equal(log.status, 203);
    assert.equal(log.bytes, Buffer.byteLength(UPSTREAM_TEXT));
    assert.ok(log.duration >= SLOW_MS - 5 && log.duration < SLOW_MS + 2000, `duration ${log.duration}`);
    assert.equal(log.error, "");
  });

  it("counts the bytes of a body changed by a body filter", async () => {
    const reply = await send(`${nylon.url}/upper/plain`, { headers: { "x-trace": "transformed" } });
    const log = await waitForProbeLog(nylon, "transformed");
    assert.equal(log.bytes, reply.body.length);
    assert.equal(log.status, 200);
  });

  it("counts no body bytes for HEAD", async () => {
    await send(`${nylon.url}/upper/plain`, { method: "HEAD", headers: { "x-trace": "head" } });
    assert.equal((await waitForProbeLog(nylon, "head")).bytes, 0);
  });

  it("sees the answer of a plugin that ended the request", async () => {
    const reply = await send(`${nylon.url}/answer?kind=text`, { headers: { "x-trace": "answered" } });
    const log = await waitForProbeLog(nylon, "answered");
    assert.equal(log.status, 418);
    assert.equal(log.bytes, reply.body.length);
  });

  it("sees the error text and status of a failed upstream", async () => {
    const reply = await send(`${nylon.url}/dead`, { headers: { "x-trace": "dead" } });
    assert.equal(reply.status, 502);
    const log = await waitForProbeLog(nylon, "dead");
    assert.equal(log.status, 502);
    assert.notEqual(log.error, "");
  });

  it("keeps per-request state apart across concurrent requests", async () => {
    const traces = Array.from({ length: 30 }, (_, i) => `concurrent-${i}`);
    await Promise.all(traces.map((trace) => send(`${nylon.url}/edited/${trace}`, { headers: { "x-trace": trace } })));
    for (const trace of traces) {
      const log = await waitForProbeLog(nylon, trace);
      assert.equal(log.path, `/edited/${trace}`, "the logging phase saw its own request's state");
    }
    assert.equal(probeLogs(nylon.logs()).filter((l) => l.trace.startsWith("concurrent-")).length, traces.length);
  });
});
