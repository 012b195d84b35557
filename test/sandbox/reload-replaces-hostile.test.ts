// A plugin that fails on every request is replaced by reloading a good build (SIGHUP): its route
// works again, and the neighbour never stopped answering.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runNylon, startNylon } from "../support/nylon-process.js";
import { eventually, get } from "./sandbox-fixtures.js";

/** Builds a one-entry plugin ("svc") whose request filter runs `body`. */
async function buildPlugin(dir: string, name: string, body: string): Promise<string> {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder);
  fs.writeFileSync(
    path.join(folder, "plugin.ts"),
    `import { NylonPlugin } from "@nylon/sdk";
const plugin = new NylonPlugin();
plugin.addPhaseHandler("svc", (phase) => {
  phase.requestFilter((ctx) => {
    ${body}
  });
});
`,
  );
  const out = path.join(dir, `${name}.wasm`);
  const r = await runNylon(["build", folder, "-o", out]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

for (const isolation of ["inline", "worker"] as const)
test(`a crash-looping plugin is replaced by reloading a good build (isolation: ${isolation})`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-reload-hostile-"));
  const spinning = await buildPlugin(dir, "spinning", "let n = 0; for (;;) n++;");
  const fixed = await buildPlugin(dir, "fixed", 'ctx.response().bodyText("fixed"); ctx.end();');
  const healthy = await buildPlugin(dir, "healthy", 'ctx.response().bodyText("healthy"); ctx.end();');
  const served = path.join(dir, "served.wasm");
  fs.copyFileSync(spinning, served);
  const nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: bad, type: wasm, file: ${JSON.stringify(served)}, limits: { deadline_ms: 50 }, isolation: ${isolation} }
  - { name: good, type: wasm, file: ${JSON.stringify(healthy)} }
services:
  - { name: bad, service_type: plugin, plugin: { name: bad, entry: svc } }
  - { name: good, service_type: plugin, plugin: { name: good, entry: svc } }
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
      - { path: /bad, service: { name: bad } }
      - { path: /good, service: { name: good } }
`);
  try {
    // Every call fails: 500 on the deadline, then 503 while the restart is held off.
    for (let i = 0; i < 4; i++) {
      const reply = await get(`${nylon.url}/bad`);
      assert.ok(reply.status === 500 || reply.status === 503, `got ${reply.status}`);
      const neighbour = await get(`${nylon.url}/good`);
      assert.equal(neighbour.status, 200);
      assert.equal(neighbour.text, "healthy");
    }
    // Replace the build on disk (write then rename, as `nylon build` does) and reload.
    fs.copyFileSync(fixed, `${served}.partial`);
    fs.renameSync(`${served}.partial`, served);
    nylon.child.kill("SIGHUP");
    await eventually(async () => {
      const reply = await get(`${nylon.url}/bad`);
      return reply.status === 200 && reply.text === "fixed";
    }, 20_000);
    // Logs are written asynchronously: the line may follow the first answer of the new build.
    await eventually(async () => /configuration reloaded/.test(nylon.logs()), 5_000);
    const neighbour = await get(`${nylon.url}/good`);
    assert.equal(neighbour.text, "healthy");
    assert.equal(nylon.child.exitCode, null, "the proxy is still running");
  } catch (err) {
    (err as Error).message += `\n--- nylon output (tail) ---\n${nylon.logs().slice(-3000)}`;
    throw err;
  } finally {
    await nylon.stop();
  }
});
