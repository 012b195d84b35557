// The response side of the phase API through a real nylon and a real upstream: header validation,
// response filters that change the upstream's status and headers, body filters with a correct
// Content-Length, plugin-built answers, the default when a handler decides nothing, and failures.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { ensurePluginBuilt, logRecords, PROBE_RUNS, send, waitForLog } from "./phase-fixtures.js";

const UPSTREAM_TEXT = "héllo wörld";

function config(upstreamPort: number, isolation: "inline" | "worker", build: string): string {
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
  - name: next-service
    service_type: plugin
    plugin: { name: probe, entry: service-next }
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
      - { path: /guard, middleware: [${probe("header-guard")}], service: { name: upstream } }
      - { path: "/edit/{*rest}", middleware: [${probe("upstream-editor")}], service: { name: upstream } }
      - { path: "/upper/{*rest}", middleware: [${probe("body-upper")}], service: { name: upstream } }
      - { path: "/dance/{*rest}", middleware: [${probe("length-dance")}], service: { name: upstream } }
      - { path: /answers, middleware: [${probe("answers")}], service: { name: upstream } }
      - { path: "/silent/{*rest}", middleware: [${probe("silent")}], service: { name: upstream } }
      - { path: /throws, middleware: [${probe("throws")}], service: { name: upstream } }
      - { path: "/replace/{*rest}", middleware: [${probe("replace-in-response-filter")}], service: { name: upstream } }
      - { path: "/filter-throws/{*rest}", middleware: [${probe("response-filter-throws")}], service: { name: upstream } }
      - { path: /next-service, service: { name: next-service } }
`;
}

// Inline and in worker threads, TypeScript, Rust and Go: the phases behave the same (docs/sandbox.md, "isolation").
for (const { probe, language, isolation } of PROBE_RUNS)
describe(`response phases (${language}, isolation: ${isolation})`, () => {
  let upstream: TestUpstream;
  let nylon: NylonProcess;
  const upstreamRequests: { url: string; headers: Record<string, unknown> }[] = [];

  before(async () => {
    await ensurePluginBuilt(`test/plugins/${probe}`);
    upstream = await startUpstream((req, res) => {
      upstreamRequests.push({ url: req.url ?? "", headers: req.headers });
      const body = Buffer.from(UPSTREAM_TEXT);
      if (req.url?.endsWith("/chunked")) {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "x-upstream": "u" });
        res.write(body.subarray(0, 3));
        setTimeout(() => res.end(body.subarray(3)), 20);
        return;
      }
      res.writeHead(200, {
        "content-type": "text/plain; charset=utf-8",
        "content-length": body.length,
        "x-upstream": "u",
        "x-upstream-secret": "s3cret",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    });
    nylon = await startNylon(config(upstream.port, isolation, probe));
  });
  after(async () => {
    await nylon?.stop();
    await upstream?.close();
  });

  it("refuses CR/LF and invalid characters in header names and values with an error value", async () => {
    const reply = await send(`${nylon.url}/guard`);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(JSON.parse(reply.text), {
      valid: null,
      crlfValue: "NYLON_E_INVALID_HEADER",
      lfValue: "NYLON_E_INVALID_HEADER",
      nulValue: "NYLON_E_INVALID_HEADER",
      crlfName: "NYLON_E_INVALID_HEADER",
      spaceName: "NYLON_E_INVALID_HEADER",
      emptyName: "NYLON_E_INVALID_HEADER",
      requestCrlf: "NYLON_E_INVALID_HEADER",
      statusTooLow: "NYLON_E_INVALID_ARGUMENT",
    });
    assert.equal(reply.headers["x-valid"], "fine");
    assert.equal(reply.headers["set-cookie"], undefined, "no header was smuggled in");
    assert.equal(reply.headers["x-split"], undefined);
  });

  it("changes the request going up and the upstream's status and headers coming back", async () => {
    const reply = await send(`${nylon.url}/edit/plain`, { headers: { "x-probe": "p", "x-remove-me": "gone" } });
    assert.equal(reply.status, 203);
    assert.equal(reply.headers["x-upstream-status"], "200");
    assert.equal(reply.headers["x-upstream-header"], "u");
    assert.equal(reply.headers["x-upstream"], "u", "untouched upstream headers stay");
    assert.equal(reply.headers["x-upstream-secret"], undefined, "removed by the response filter");
    assert.equal(reply.headers["x-seen-request-header"], "p");
    assert.equal(reply.headers["x-seen-request-headers"], "true");
    assert.equal(reply.headers["x-from-request-filter"], "1", "a header set in the request filter survives next()");
    assert.equal(reply.text, UPSTREAM_TEXT);
    const seenUpstream = upstreamRequests.at(-1)!;
    assert.equal(seenUpstream.headers["x-added-by-plugin"], "yes");
    assert.equal(seenUpstream.headers["x-remove-me"], undefined);
  });

  for (const path of ["plain", "chunked"]) {
    it(`transforms a ${path} upstream body in the body filter with a correct Content-Length`, async () => {
      const reply = await send(`${nylon.url}/upper/${path}`);
      const expected = `${UPSTREAM_TEXT.toUpperCase()}|seen-bytes=${Buffer.byteLength(UPSTREAM_TEXT)}`;
      assert.equal(reply.text, expected);
      assert.equal(reply.headers["content-length"], String(Buffer.byteLength(expected)));
      assert.equal(reply.headers["transfer-encoding"], undefined);
    });
  }

  it("keeps the seed's RemoveResponseHeader(Content-Length) dance harmless", async () => {
    const reply = await send(`${nylon.url}/dance/plain`);
    assert.equal(reply.text, `${UPSTREAM_TEXT}!`);
    assert.equal(reply.headers["content-length"], String(Buffer.byteLength(UPSTREAM_TEXT) + 1));
  });

  for (const path of ["plain", "chunked"]) {
    it(`lets a response filter replace a ${path} upstream body`, async () => {
      const reply = await send(`${nylon.url}/replace/${path}`);
      assert.equal(reply.text, "replaced 200");
      assert.equal(reply.headers["content-length"], "12");
      assert.equal(reply.headers["content-type"], "text/plain; charset=utf-8");
    });

    it(`answers 500 (not the ${path} upstream body) when a response filter throws`, async () => {
      const reply = await send(`${nylon.url}/filter-throws/${path}`);
      assert.equal(reply.status, 500);
      assert.equal(JSON.parse(reply.text).error, "NYLON_E_PLUGIN_FAILED");
      assert.equal(reply.headers["content-length"], String(reply.body.length));
      assert.equal(reply.headers["x-upstream"], undefined);
    });
  }

  it("answers HEAD through a body filter with headers only", async () => {
    const reply = await send(`${nylon.url}/upper/plain`, { method: "HEAD" });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.length, 0);
  });

  it("builds answers with bodyText, bodyJSON, bodyHTML, bodyRaw, redirect and a bare status", async () => {
    const text = await send(`${nylon.url}/answers?kind=text`);
    assert.equal(text.status, 418);
    assert.equal(text.text, "héllo");
    assert.equal(text.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(text.headers["content-length"], "6");

    const json = await send(`${nylon.url}/answers?kind=json`);
    assert.deepEqual(JSON.parse(json.text), { ok: true, n: 1 });
    assert.equal(json.headers["content-type"], "application/json");

    const html = await send(`${nylon.url}/answers?kind=html`);
    assert.equal(html.text, "<p>hi</p>");
    assert.equal(html.headers["content-type"], "text/html; charset=utf-8");

    const raw = await send(`${nylon.url}/answers?kind=raw`);
    assert.deepEqual([...raw.body], [0, 1, 2, 255]);
    assert.equal(raw.headers["content-type"], "application/octet-stream");

    const redirect = await send(`${nylon.url}/answers?kind=redirect`);
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.location, "/elsewhere");
    assert.equal(redirect.headers["content-length"], "0");

    const bare = await send(`${nylon.url}/answers`);
    assert.equal(bare.status, 204);
    assert.equal(bare.body.length, 0);
  });

  it("continues when a handler returns without next() or end(), and logs that once per plugin", async () => {
    for (let i = 0; i < 3; i++) {
      const reply = await send(`${nylon.url}/silent/plain`);
      assert.equal(reply.status, 200);
      assert.equal(reply.text, UPSTREAM_TEXT);
    }
    const isWarning = (r: Record<string, unknown>) => r.plugin === "probe" && String(r.msg).includes("without calling next() or end()");
    await waitForLog(nylon.logs, (records) => records.find(isWarning));
    assert.equal(logRecords(nylon.logs()).filter(isWarning).length, 1);
  });

  it("answers 502 with a clear log line when a plugin service calls next()", async () => {
    const reply = await send(`${nylon.url}/next-service`);
    assert.equal(reply.status, 502);
    assert.equal(JSON.parse(reply.text).error, "NYLON_E_NO_UPSTREAM");
    const line = await waitForLog(nylon.logs, (records) => records.find((r) => String(r.msg).includes("plugin service called next()")));
    assert.equal(line.service, "next-service");
  });

  it("answers 500 when a request filter throws, and keeps serving", async () => {
    const reply = await send(`${nylon.url}/throws`);
    assert.equal(reply.status, 500);
    assert.equal(JSON.parse(reply.text).error, "NYLON_E_PLUGIN_FAILED");
    assert.equal((await send(`${nylon.url}/edit/plain`)).status, 203);
  });
});
