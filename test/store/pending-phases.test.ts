// What nylon does around a request a plugin leaves pending, through a real `nylon run`: the pending
// timeout answers 504, a plugin that fails while requests wait on it ends each of them with 500 (and
// the rebuilt instance serves again), and the store outlives the instance that wrote it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";

describe("requests a plugin leaves pending", () => {
  let silent: TestUpstream;
  let nylon: NylonProcess;
  let arrived: () => void = () => {};

  before(async () => {
    // Takes requests and never answers them; says when one arrived.
    silent = await startUpstream(() => arrived());
    const probe = (name: string, limits: string) =>
      `  - { name: ${name}, type: wasm, file: "{{ROOT}}/test/plugins/waiting-probe/waiting-probe.wasm", allowed_outbound_hosts: ["http://127.0.0.1:${silent.port}"], config: { slow_url: "http://127.0.0.1:${silent.port}/" }, limits: ${limits} }`;
    const service = (name: string, plugin: string, entry: string) => `  - { name: ${name}, service_type: plugin, plugin: { name: ${plugin}, entry: ${entry} } }`;
    nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
log: { level: warn }
plugins:
${probe("short", "{ pending_timeout_ms: 300 }")}
${probe("long", "{ pending_timeout_ms: 60000, deadline_ms: 200 }")}
services:
${service("short-hang", "short", "hang")}
${service("long-hang", "long", "hang")}
${service("long-spin", "long", "spin")}
${service("long-count", "long", "count")}
routes:
  - name: main
    route: { type: host, value: "*" }
    paths:
      - { path: /short/hang, service: { name: short-hang } }
      - { path: /long/hang, service: { name: long-hang } }
      - { path: /long/spin, service: { name: long-spin } }
      - { path: /long/count, service: { name: long-count } }
`);
  });

  after(async () => {
    await nylon?.stop();
    await silent?.close();
  });

  it("a phase pending past limits.pending_timeout_ms gets 504 NYLON_E_PENDING_TIMEOUT", async () => {
    const res = await fetch(`${nylon.url}/short/hang`);
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as { error: string }).error, "NYLON_E_PENDING_TIMEOUT");
  });

  it("a plugin that fails while requests wait on it ends them with 500; its store survives the rebuilt instance", async () => {
    assert.equal(await (await fetch(`${nylon.url}/long/count`)).text(), "1");
    const callMade = new Promise<void>((resolve) => (arrived = resolve));
    const waiting = fetch(`${nylon.url}/long/hang`);
    await callMade;
    // The spin trips the deadline: the instance is discarded, and the waiting request with it.
    assert.equal((await fetch(`${nylon.url}/long/spin`)).status, 500);
    const res = await waiting;
    assert.equal(res.status, 500);
    assert.equal(((await res.json()) as { error: string }).error, "NYLON_E_PLUGIN_FAILED");
    // Rebuilt (possibly after a restart back-off, 503 meanwhile), it counts on from the store.
    let answer: Response;
    for (;;) {
      answer = await fetch(`${nylon.url}/long/count`);
      if (answer.status !== 503) break;
      await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get("retry-after") ?? 1) * 100));
    }
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), "2");
  });
});
