// What the `nylon run --watch` tests of compiled guests share: a nylon serving one plugin's "hello"
// entry at / with --watch, and waiting for it to answer a given body (after a rebuild and reload).
import assert from "node:assert/strict";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { eventually, waitForLog } from "./ops-support.js";

/** nylon --watch with its config in `dir`, serving the plugin built to `wasm`; resolves once it watches. */
export async function watchPlugin(wasm: string, dir: string, env: NodeJS.ProcessEnv): Promise<NylonProcess> {
  const nylon = await startNylon(
    `
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: hello, type: wasm, file: ${JSON.stringify(wasm)} }
services:
  - { name: hello, service_type: plugin, plugin: { name: hello, entry: hello } }
routes:
  - name: app
    route: { type: host, value: "*" }
    paths:
      - { path: /, service: { name: hello } }
`,
    { configDir: dir, args: ["--watch"], env },
  );
  await waitForLog(nylon, /watching plugin sources and the config/);
  return nylon;
}

/** Waits until / answers 200 with `body`. */
export async function answersWith(nylon: NylonProcess, body: string, timeoutMs: number): Promise<void> {
  await eventually(async () => {
    const response = await fetch(`${nylon.url}/`);
    assert.equal(`${response.status} ${await response.text()}`, `200 ${body}`);
  }, timeoutMs);
}
