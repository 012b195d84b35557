// Go and Rust plugins built for contract nylon:plugin@0.2.0 (test/fixtures/contract-0.2) run unchanged
// in today's proxy, inline and in a worker thread: they export no on-result and import none of the
// waiting host functions of 0.3.0, and the proxy must not need them.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { componentWit } from "jco-legacy";
import { repoRoot, startNylon, type NylonProcess } from "../support/nylon-process.js";

const fixtures = path.join(repoRoot, "test", "fixtures", "contract-0.2");
const guests = { go: path.join(fixtures, "go-phase-probe.wasm"), rust: path.join(fixtures, "phase-probe-rust.wasm") };
const variants = Object.keys(guests).flatMap((guest) => ["inline", "worker"].map((isolation) => `${guest}-${isolation}`));
let nylon: NylonProcess;

before(async () => {
  const plugins = variants.map((v) => {
    const [guest, isolation] = v.split("-") as [keyof typeof guests, string];
    return `  - { name: ${v}, type: wasm, file: ${guests[guest]}, isolation: ${isolation} }`;
  });
  const services = variants.flatMap((v) => [
    `  - { name: inspect-${v}, service_type: plugin, plugin: { name: ${v}, entry: inspect } }`,
    `  - { name: answers-${v}, service_type: plugin, plugin: { name: ${v}, entry: answers } }`,
  ]);
  const paths = variants.flatMap((v) => [
    `      - { path: /${v}/inspect, service: { name: inspect-${v} } }`,
    `      - { path: /${v}/answers, service: { name: answers-${v} } }`,
  ]);
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
plugins:
${plugins.join("\n")}
services:
${services.join("\n")}
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
${paths.join("\n")}
`);
});

after(async () => {
  await nylon?.stop();
});

for (const [guest, file] of Object.entries(guests)) {
  test(`the ${guest} fixture really is a 0.2.0 component without on-result`, async () => {
    const wit = await componentWit(fs.readFileSync(file));
    assert.match(wit, /nylon:plugin\/host@0\.2\.0/);
    assert.doesNotMatch(wit, /nylon:plugin\/[a-z-]+@0\.[3-9]/);
    assert.doesNotMatch(wit, /on-result|kv-get|http-request/);
  });
}

for (const variant of variants) {
  test(`${variant}: a 0.2 request filter reads the request and answers`, async () => {
    const res = await fetch(`${nylon.url}/${variant}/inspect?q=1`, { headers: { "x-probe": "yes" } });
    assert.equal(res.status, 200);
    const seen = (await res.json()) as { method: string; path: string; header: string; queryParam: string };
    assert.deepEqual([seen.method, seen.path, seen.header, seen.queryParam], ["GET", `/${variant}/inspect`, "yes", "1"]);

    const text = await fetch(`${nylon.url}/${variant}/answers?kind=text`);
    assert.equal(text.status, 418);
    assert.equal(await text.text(), "héllo");
  });
}
