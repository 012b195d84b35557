// A node of two workers to its operator: a reload reaches every worker or none (WebSockets stay open),
// SIGTERM drains both within the grace period, a worker that cannot start stops the node's start with
// its reason, `nylon reload --config` signals the primary, `--workers` overrides the config, and
// `--watch` rebuilds once and reloads both workers.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { test } from "node:test";
import { startUpstream } from "../http/test-upstream.js";
import { delta, eventually, getFresh as get, pluginAnswering, scrape, stopAndRemove, tempDir, waitForExit, waitForLog } from "../ops/ops-support.js";
import { freePort, repoRoot, runNylon, writeTempConfig, type NylonProcess } from "../support/nylon-process.js";
import { nextMatching } from "../support/ws-test-client.js";
import { nodeOf, probesOnEveryWorker, startNode, untilSizes } from "./node-support.js";

/**
 * The status each worker answered GET `route` with, from the access lines of `count` requests, each on
 * a connection of its own (the node hands connections to its workers in turn).
 */
async function statusByWorker(nylon: NylonProcess, route: string, count = 6): Promise<Map<number, Set<number>>> {
  const from = nylon.logs().length;
  for (let i = 0; i < count; i++) await get(`${nylon.url}${route}`);
  const byWorker = new Map<number, Set<number>>();
  await eventually(async () => {
    const lines = nylon.logs().slice(from).split("\n").filter((line) => line.includes('"access":"http"'));
    assert.equal(lines.length, count);
    for (const line of lines) {
      const { worker, status } = JSON.parse(line) as { worker: number; status: number };
      byWorker.set(worker, (byWorker.get(worker) ?? new Set()).add(status));
    }
  });
  return byWorker;
}

/** Pids of the processes whose environment holds `entry` ("NAME=value"); Linux /proc. */
function processesWithEnvironment(entry: string): number[] {
  return fs.readdirSync("/proc").flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    try {
      return fs.readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(entry) ? [Number(name)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

function everyWorkerAnswers(byWorker: Map<number, Set<number>>, status: number): void {
  assert.deepEqual(
    [...byWorker].sort(([a], [b]) => a - b).map(([worker, statuses]) => [worker, [...statuses]]),
    [
      [1, [status]],
      [2, [status]],
    ],
  );
}

test("reload: every worker takes the new configuration or none does; WebSockets stay open", async () => {
  const dir = tempDir();
  const [metricsPort, takenPort] = [await freePort(), await freePort()];
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  // GET /extra serves <site>/extra once the route exists.
  const site = path.join(dir, "site");
  fs.mkdirSync(site);
  fs.writeFileSync(path.join(site, "extra"), "extra");
  const probeFile = path.join(dir, "probe.wasm");
  fs.copyFileSync(path.join(repoRoot, "test/plugins/room-probe/room-probe.wasm"), probeFile);
  const config = (options: { extraRoute?: boolean; metrics?: number; plugin?: string } = {}) => `
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${options.metrics ?? metricsPort}"]
workers: 2
log: { access_log: true }
plugins:
  - { name: room-probe, type: wasm, file: "${options.plugin ?? probeFile}" }
services:
  - { name: probe, service_type: plugin, plugin: { name: room-probe, entry: probe } }
  - { name: extra, service_type: static, static: { root: "${site}" } }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /probe, service: { name: probe } }
${options.extraRoute ? "      - { path: /extra, service: { name: extra } }" : ""}
`;
  let nylon: NylonProcess | undefined;
  const blocker = net.createServer();
  try {
    nylon = await startNode(config(), { configDir: dir });
    const node = nylon;
    const configFile = path.join(dir, "nylon.yaml");
    const write = (yaml: string) => fs.writeFileSync(configFile, yaml.replaceAll("{{PORT}}", String(node.port)));
    const reload = async (outcome: RegExp) => {
      const from = node.logs().length;
      node.child.kill("SIGHUP");
      return waitForLog(node, outcome, 60_000, from);
    };
    const probes = await probesOnEveryWorker(node, "general", 2, 1);
    await untilSizes(probes, probes.length);
    everyWorkerAnswers(await statusByWorker(node, "/extra"), 404);
    const before = await scrape(metricsUrl);

    // Refused by the primary: no worker is asked.
    write(config({ extraRoute: true }).replace("service_type: static", "service_type: statik"));
    assert.match(await reload(/reload rejected/), /statik/);
    // Refused by every worker: the plugin does not load.
    const broken = path.join(dir, "broken.wasm");
    fs.writeFileSync(broken, "not a component");
    write(config({ extraRoute: true, plugin: broken }));
    assert.match(await reload(/reload rejected/), /worker \d/);
    // Every worker built it, but the node cannot finish (its new metrics address is taken): all undo it.
    await new Promise<void>((resolve) => blocker.listen(takenPort, "127.0.0.1", resolve));
    write(config({ extraRoute: true, metrics: takenPort }));
    assert.match(await reload(/reload rejected/), new RegExp(String(takenPort)));
    everyWorkerAnswers(await statusByWorker(node, "/extra"), 404);

    write(config({ extraRoute: true }));
    assert.match(await reload(/"msg":"configuration reloaded"/), /"workers":2/);
    everyWorkerAnswers(await statusByWorker(node, "/extra"), 200);
    const after = await scrape(metricsUrl);
    assert.equal(delta(before, after, 'nylon_config_reloads_total{result="rejected"}'), 3);
    assert.equal(delta(before, after, 'nylon_config_reloads_total{result="applied"}'), 1);

    // The WebSockets opened before all of it are still open and still in one room across workers.
    probes[0]!.client.send("after the reloads");
    for (const probe of probes) await nextMatching(probe.client, (m) => m === "after the reloads");
    await Promise.all(probes.map((probe) => probe.client.close()));
  } finally {
    blocker.close();
    await stopAndRemove(nylon, dir);
  }
});

test("SIGTERM drains every worker: 1001 for each client, requests in flight on both finish, /health 503, exit 0 in the grace period", async () => {
  let arrivals = 0;
  let bothArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (bothArrived = resolve));
  const upstream = await startUpstream((_req, res) => {
    if (++arrivals === 2) bothArrived();
    setTimeout(() => res.end("slow answer"), 1500);
  });
  const dir = tempDir();
  const metricsPort = await freePort();
  let nylon: NylonProcess | undefined;
  try {
    nylon = await startNode(
      `
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
workers: 2
log: { access_log: true }
shutdown: { grace_period_seconds: 5 }
plugins:
  - { name: room-probe, type: wasm, file: "{{ROOT}}/test/plugins/room-probe/room-probe.wasm" }
services:
  - { name: probe, service_type: plugin, plugin: { name: room-probe, entry: probe } }
  - { name: slow, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${upstream.port} }] }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /probe, service: { name: probe } }
      - { path: /slow, service: { name: slow } }
`,
      { configDir: dir },
    );
    const probes = await probesOnEveryWorker(nylon, "general", 2, 1);
    const inFlight = [get(`${nylon.url}/slow`), get(`${nylon.url}/slow`)];
    await arrived;
    const from = nylon.logs().length;

    const signalled = Date.now();
    nylon.child.kill("SIGTERM");
    for (const probe of probes) assert.equal((await probe.client.closed).code, 1001, probe.id);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status, 503);
    assert.deepEqual(await Promise.all(inFlight), [
      { status: 200, body: "slow answer" },
      { status: 200, body: "slow answer" },
    ]);
    assert.equal(await waitForExit(nylon, 10_000), 0);
    assert.ok(Date.now() - signalled < 5_000 + 1_000, `exited after ${Date.now() - signalled} ms`);
    // Both slow requests were served, one by each worker, and each worker drained.
    const lines = nylon.logs().slice(from).split("\n");
    const slowBy = lines.filter((l) => l.includes('"path":"/slow"')).map((l) => (JSON.parse(l) as { worker: number }).worker);
    assert.deepEqual(slowBy.sort(), [1, 2]);
    assert.equal(lines.filter((l) => l.includes('"msg":"worker stopping"') && l.includes('"close_code":1001')).length, 2);
    assert.equal(new Set(probes.map((p) => nodeOf(p.id))).size, 2);
  } finally {
    await stopAndRemove(nylon, dir);
    await upstream.close();
  }
});

// The primary runs nylon validate's checks before it forks, so a plugin no worker could load is refused
// there, located, and no worker is started.
test("a plugin the node cannot load stops its start before any worker: exit 1 with the located reason, no process left", async () => {
  const dir = tempDir();
  try {
    const broken = path.join(dir, "broken.wasm");
    fs.writeFileSync(broken, "not a component");
    const configFile = writeTempConfig(
      `
http: ["127.0.0.1:{{PORT}}"]
workers: 2
plugins:
  - { name: broken, type: wasm, file: "${broken}" }
`,
      await freePort(),
      dir,
    );
    // Workers inherit the environment: the marker finds any that outlived the run.
    const marker = `nylon-test-${randomUUID()}`;
    const run = await runNylon(["run", "--config", configFile], { timeoutMs: 120_000, env: { NYLON_TEST_MARKER: marker } });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^nylon: invalid configuration[^\n]*\n\s+\S+nylon\.yaml:\d+:\d+ plugins\[0\]\.file: \S*broken\.wasm is not a WebAssembly component/m);
    assert.deepEqual(processesWithEnvironment(`NYLON_TEST_MARKER=${marker}`), []);
    const bad = await runNylon(["run", "--config", configFile, "--workers", "two"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--workers two is neither "auto" nor a whole number/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--workers overrides the config; `nylon reload --config` signals the primary, not a worker", async () => {
  const dir = tempDir();
  let nylon: NylonProcess | undefined;
  try {
    nylon = await startNode(
      `
http: ["127.0.0.1:{{PORT}}"]
log: { access_log: true }
services:
  - { name: web, service_type: static, static: { root: "{{ROOT}}/web" } }
routes:
  - { name: site, route: { type: host, value: "*" }, paths: [{ path: /, service: { name: web } }] }
`,
      { configDir: dir, args: ["--workers", "2"] },
    );
    everyWorkerAnswers(await statusByWorker(nylon, "/"), 200);
    const from = nylon.logs().length;
    const reload = await runNylon(["reload", "--config", path.join(dir, "nylon.yaml")]);
    assert.equal(reload.code, 0, reload.stderr);
    assert.match(reload.stdout, new RegExp(`pid ${nylon.child.pid}\\)`));
    assert.match(await waitForLog(nylon, /"msg":"configuration reloaded"/, 60_000, from), /"workers":2/);
  } finally {
    await stopAndRemove(nylon, dir);
  }
});

test("--watch with workers: the primary rebuilds an edited plugin once and every worker serves it", async () => {
  const dir = tempDir();
  const pluginDir = path.join(dir, "hello");
  fs.mkdirSync(pluginDir);
  fs.writeFileSync(path.join(pluginDir, "plugin.ts"), pluginAnswering("v1"));
  let nylon: NylonProcess | undefined;
  try {
    const build = await runNylon(["build", pluginDir], { timeoutMs: 120_000 });
    assert.equal(build.code, 0, build.stderr);
    nylon = await startNode(
      `
http: ["127.0.0.1:{{PORT}}"]
workers: 2
log: { access_log: true }
plugins:
  - { name: hello, type: wasm, file: "${path.join(pluginDir, "hello.wasm")}" }
services:
  - { name: hello, service_type: plugin, plugin: { name: hello, entry: hello } }
routes:
  - { name: app, route: { type: host, value: "*" }, paths: [{ path: /, service: { name: hello } }] }
`,
      // Every build has new bytes: their generated glue stays out of the user's cache.
      { configDir: dir, args: ["--watch"], env: { NYLON_CACHE_DIR: path.join(dir, "cache") } },
    );
    await waitForLog(nylon, /watching plugin sources and the config/);
    const from = nylon.logs().length;
    fs.writeFileSync(path.join(pluginDir, "plugin.ts"), pluginAnswering("v2"));
    assert.match(await waitForLog(nylon, /"msg":"configuration reloaded"/, 120_000, from), /"workers":2/);
    assert.equal(nylon.logs().slice(from).split("\n").filter((line) => line.includes('"msg":"plugin rebuilt"')).length, 1);
    // First, which worker answered which request (statusByWorker counts every access line after its start)...
    everyWorkerAnswers(await statusByWorker(nylon, "/"), 200);
    // ...then what they answer: connections go to the workers in turn, so these reach both.
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(`${nylon!.url}/`)));
    assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.body}`)), new Set(["200 v2"]));
  } finally {
    await stopAndRemove(nylon, dir);
  }
});
