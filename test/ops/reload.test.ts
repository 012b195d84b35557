// Reload: SIGHUP with a broken config or plugin changes nothing and logs why; a valid one swaps in
// while an open WebSocket stays on its old plugin instance, and listeners change without closing the
// untouched one.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { freePort, repoRoot, runNylon, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { delta, RecordingClient, scrape, stopAndRemove, tempDir, waitForLog } from "./ops-support.js";

let dir: string;
let nylon: NylonProcess;
let metricsUrl: string;
let metricsPort: number;
let configFile: string;
/** The plugin file the config loads; tests copy other plugins over it. */
let pluginFile: string;

/** The config with the app plugin's entry and the extra listeners given. */
function config(entry: string, http: string[] = []): string {
  return `
http: ["127.0.0.1:${nylon?.port ?? "{{PORT}}"}"${http.map((a) => `, "${a}"`).join("")}]
metrics: ["127.0.0.1:${metricsPort}"]
plugins:
  - { name: app, type: wasm, file: "${pluginFile}" }
services:
  - { name: app, service_type: plugin, plugin: { name: app, entry: ${entry} } }
  - { name: web, service_type: static, static: { root: "${path.join(repoRoot, "web")}" } }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /ws, service: { name: app } }
      - { path: /, service: { name: web } }
`;
}

function usePlugin(name: string): void {
  fs.copyFileSync(path.join(repoRoot, "plugins", name, `${name}.wasm`), `${pluginFile}.partial`);
  fs.renameSync(`${pluginFile}.partial`, pluginFile);
}

async function reload(expect: RegExp): Promise<string> {
  const from = nylon.logs().length;
  nylon.child.kill("SIGHUP");
  return waitForLog(nylon, expect, 30_000, from);
}

before(async () => {
  dir = tempDir();
  pluginFile = path.join(dir, "app.wasm");
  configFile = path.join(dir, "nylon.yaml");
  metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  usePlugin("echo");
  nylon = await startNylon(config("echo"), { configDir: dir });
});

after(async () => {
  await stopAndRemove(nylon, dir);
});

test("a config with errors is rejected on SIGHUP: logged with its errors, traffic unaffected", async () => {
  const client = await RecordingClient.connect(`${nylon.wsUrl}/ws`);
  const before = await scrape(metricsUrl);
  fs.writeFileSync(configFile, config("echo").replace("service_type: static", "service_type: statik"));
  const line = await reload(/reload rejected/);
  assert.match(line, /statik/);
  assert.equal((await fetch(`${nylon.url}/`)).status, 200);
  client.socket.send("still here");
  assert.deepEqual(await client.received(1), ["Echo: still here"]);
  const fresh = await RecordingClient.connect(`${nylon.wsUrl}/ws`);
  fresh.socket.send("new");
  assert.deepEqual(await fresh.received(1), ["Echo: new"]);
  assert.equal(delta(before, await scrape(metricsUrl), 'nylon_config_reloads_total{result="rejected"}'), 1);
  await Promise.all([client.close(), fresh.close()]);
});

test("a plugin that fails to load is rejected on SIGHUP and changes nothing", async () => {
  fs.writeFileSync(configFile, config("echo"));
  fs.writeFileSync(`${pluginFile}.partial`, "not a wasm component");
  fs.renameSync(`${pluginFile}.partial`, pluginFile);
  await reload(/reload rejected/);
  const client = await RecordingClient.connect(`${nylon.wsUrl}/ws`);
  client.socket.send("ok");
  assert.deepEqual(await client.received(1), ["Echo: ok"]);
  await client.close();
  usePlugin("echo");
});

test("a changed plugin: the open WebSocket stays on the old instance, a new one gets the new plugin", async () => {
  const old = await RecordingClient.connect(`${nylon.wsUrl}/ws`);
  const extraPort = await freePort();
  usePlugin("chat");
  fs.writeFileSync(configFile, config("chat", [`127.0.0.1:${extraPort}`]));
  await reload(/configuration reloaded/);

  old.socket.send("before");
  assert.deepEqual(await old.received(1), ["Echo: before"]);
  const fresh = await RecordingClient.connect(`${nylon.wsUrl}/ws`);
  assert.deepEqual(await fresh.received(2), ["A user joined the chat", "Welcome to the chat!"]);
  // The listener the reload added serves too; the one kept never closed (old is still open on it).
  assert.equal((await fetch(`http://127.0.0.1:${extraPort}/`)).status, 200);

  const from = nylon.logs().length;
  await old.close();
  await waitForLog(nylon, /previous plugin instance dropped/, 10_000, from);
  await fresh.close();
});

test("a listener the new config drops is closed; nylon reload --pid signals the process", async () => {
  const extra = /"127\.0\.0\.1:(\d+)"\]/.exec(fs.readFileSync(configFile, "utf8"))![1]!;
  fs.writeFileSync(configFile, config("chat"));
  const from = nylon.logs().length;
  const result = await runNylon(["reload", "--pid", String(nylon.child.pid), "--config", configFile]);
  assert.equal(result.code, 0, result.stderr);
  await waitForLog(nylon, /configuration reloaded/, 30_000, from);
  await assert.rejects(fetch(`http://127.0.0.1:${extra}/`));
  assert.equal((await fetch(`${nylon.url}/`)).status, 200);
});

test("an http service a reload removes no longer has a tunnel series; one it adds has it, at 0", async () => {
  const withApi = config("chat").replace(
    "services:\n",
    "services:\n  - { name: api, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 9 }] }\n",
  );
  fs.writeFileSync(configFile, withApi);
  await reload(/configuration reloaded/);
  assert.equal((await scrape(metricsUrl)).get('nylon_websocket_tunnels{service="api"}'), 0);
  fs.writeFileSync(configFile, config("chat"));
  await reload(/configuration reloaded/);
  assert.equal((await scrape(metricsUrl)).has('nylon_websocket_tunnels{service="api"}'), false);
});
