// A long day in a few minutes: mixed load on the demo's configuration while it is reloaded, printing a
// row per minute (memory, descriptors, CPU, HTTP rate and latency, WebSocket delivery accounting,
// reloads) and, at the end, the process at rest after the load against the same process at rest before
// it (the baseline of this run) and the slope of its RSS under load. Loopback only; stops by itself.
//
//   node dist/bench/soak.js --minutes 15
//   node dist/bench/soak.js --help
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import WebSocket from "ws";
import { parse, stringify } from "yaml";
import { demoConfigYaml } from "../test/support/demo-config.js";
import { benchOptions } from "./support/bench-options.js";
import { freePort } from "./support/free-port.js";
import { INSPECT_ARG, inspectorGc } from "./support/inspector-gc.js";
import { machineLoad } from "./support/machine-load.js";
import { cpuMicroseconds, rssBytes } from "./support/proc-stats.js";
import { nylonCliPath, repoRoot } from "./support/repo-paths.js";

const options = benchOptions(
  "soak",
  `Mixed load on a nylon for a given time, one table row per minute.

Columns: rss/heap/ext MB and fds of the nylon process; cpu % of one core; HTTP requests per second,
p50/p99 ms and non-2xx answers; WebSocket messages settled in that minute: expected (members of the
sender's plugin when it was sent that were still there), received, missing, duplicated, foreign
(received by a client of the other plugin); open connections; plugin instances of replaced
configurations still alive; reloads applied; plugin rebuilds and onError lines logged.
Targets: 0 missing, 0 duplicated, 0 foreign, 0 non-2xx, 0 rebuilds, 0 onError; heap and fds flat;
RSS at rest after within 10 % of before.`,
  {
    minutes: { default: "15", description: "how long the load runs (fractions allowed, e.g. 0.5)" },
    config: {
      default: join(repoRoot, "nylon.yaml"),
      description: "a config with the demo's shape: routes api.localhost (upstream through plugin middleware), /chat, /multi-chat, static files at /",
    },
    clients: { default: "400", description: "WebSocket clients, half on /chat, half on /multi-chat" },
    "http-concurrency": { default: "8", description: "HTTP requests in flight at once" },
    "message-every": { default: "20", description: "each client sends one message every S seconds" },
    "churn-per-second": { default: "4", description: "clients closed and replaced each second" },
    "reload-every": { default: "60", description: "SIGHUP every S seconds, adding and removing a route in turn" },
  },
);
function positive(name: keyof typeof options): number {
  const value = Number(options[name]);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number (got ${JSON.stringify(options[name])}); see --help`);
  return value;
}
const minutes = positive("minutes");
const clientCount = Math.round(positive("clients"));
const httpConcurrency = Math.round(positive("http-concurrency"));
const messageEveryMs = positive("message-every") * 1000;
const churnPerSecond = Math.round(positive("churn-per-second"));
const reloadEveryMs = positive("reload-every") * 1000;
/** A message is settled (counted) this long after it was sent. */
const SETTLE_MS = 5000;
/** How long the process rests before and after the load for the at-rest RSS. */
const REST_MS = 10_000;

// ---- the nylon under test --------------------------------------------------------------------------------

const port = await freePort();
const backendPort = await freePort();
const metricsPort = await freePort();
const dir = mkdtempSync(join(tmpdir(), "nylon-soak-"));
const configFile = join(dir, "nylon.yaml");
const baseConfig = parse(demoConfigYaml(backendPort, { accessLog: false }, options.config).replaceAll("{{PORT}}", String(port))) as Record<string, unknown>;
baseConfig.metrics = [`127.0.0.1:${metricsPort}`];
baseConfig.log = { level: "info", access_log: false };
/** The route a reload adds and the next one removes. */
const EXTRA_ROUTE = { name: "soak-extra", route: { type: "header", value: "soak-extra" }, paths: [{ path: "/{*path}", service: { name: "backend" } }] };
function writeConfig(withExtraRoute: boolean): void {
  const routes = baseConfig.routes as object[];
  writeFileSync(configFile, stringify({ ...baseConfig, routes: withExtraRoute ? [EXTRA_ROUTE, ...routes] : routes }));
}
writeConfig(false);

const child = spawn(process.execPath, [INSPECT_ARG, nylonCliPath, "run", "--config", configFile], { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
const collectGarbage = inspectorGc(child.stderr);
const logCounts = { reloaded: 0, rejected: 0, rebuilt: 0, onError: 0, endpointsUnhealthy: 0 };
/** What the first onError calls said, to tell a false error from a real one. */
const onErrorSamples = new Set<string>();
let logTail = "";
child.stderr.setEncoding("utf8");
child.stderr.on("data", (chunk: string) => {
  const lines = (logTail + chunk).split("\n");
  logTail = lines.pop()!;
  for (const line of lines) {
    if (line.includes("configuration reloaded")) logCounts.reloaded++;
    else if (line.includes("reload rejected")) logCounts.rejected++;
    else if (line.includes("plugin instance rebuilt")) logCounts.rebuilt++;
    // Health checks that time out take the api service's endpoint out: its 502s are that, not lost requests.
    else if (line.includes("upstream endpoint is unhealthy")) logCounts.endpointsUnhealthy++;
    else if (line.includes("[Chat] Error")) {
      logCounts.onError++;
      if (onErrorSamples.size < 5) onErrorSamples.add(line.replace(/.*\[Chat\] Error: /, "").replace(/".*/, ""));
    }
  }
});
const nylonUrl = `http://127.0.0.1:${port}`;
const agent = new Agent({ connections: httpConcurrency });
for (let ready = false; !ready; ) {
  if (child.exitCode !== null) throw new Error("nylon exited during startup");
  ready = await request(`${nylonUrl}/`, { dispatcher: agent }).then(
    async (r) => (await r.body.dump(), true),
    () => false,
  );
  if (!ready) await sleep(200);
}

// ---- readings of the process ------------------------------------------------------------------------------

async function scrape(): Promise<Map<string, number>> {
  const response = await request(`http://127.0.0.1:${metricsPort}/metrics`);
  const series = new Map<string, number>();
  for (const line of (await response.body.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

interface ProcessReading {
  rss: number;
  heap: number;
  external: number;
  fds: number;
  cpuUs: number;
  connections: number;
  retiredInstances: number;
}

async function readProcess(): Promise<ProcessReading> {
  const metrics = await scrape();
  let retiredInstances = 0;
  for (const [name, value] of metrics) if (name.startsWith("nylon_retired_plugin_instances")) retiredInstances += value;
  return {
    rss: rssBytes(child.pid!),
    heap: metrics.get("nylon_process_nodejs_heap_size_used_bytes") ?? NaN,
    external: metrics.get("nylon_process_nodejs_external_memory_bytes") ?? NaN,
    fds: readdirSync(`/proc/${child.pid}/fd`).length,
    cpuUs: cpuMicroseconds(child.pid!),
    connections: metrics.get("nylon_websocket_connections") ?? NaN,
    retiredInstances,
  };
}

// ---- HTTP load -------------------------------------------------------------------------------------------

/** What one minute's row counts; reset at each row. */
const minute = { latenciesMs: [] as number[], non2xx: 0, expected: 0, received: 0, missing: 0, duplicated: 0, foreign: 0 };
const HTTP_TARGETS = [
  { path: "/users.json", host: "api.localhost" }, // plugin middleware + upstream
  { path: "/chat.html", host: "127.0.0.1" }, // static file
  { path: "/", host: "127.0.0.1" }, // static index
];
/** Non-2xx answers (and failed requests) by target and status, for the totals. */
const non2xxKinds = new Map<string, number>();
function countNon2xx(kind: string): void {
  minute.non2xx++;
  non2xxKinds.set(kind, (non2xxKinds.get(kind) ?? 0) + 1);
}
let loadRunning = true;
async function httpLoop(offset: number): Promise<void> {
  for (let i = offset; loadRunning; i++) {
    const target = HTTP_TARGETS[i % HTTP_TARGETS.length]!;
    const started = performance.now();
    try {
      const response = await request(`${nylonUrl}${target.path}`, { dispatcher: agent, headers: { host: target.host } });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode > 299) countNon2xx(`${target.host}${target.path} ${response.statusCode}`);
    } catch (error) {
      countNon2xx(`${target.host}${target.path} ${(error as Error).message}`);
    }
    minute.latenciesMs.push(performance.now() - started);
  }
}

// ---- WebSocket load and delivery accounting --------------------------------------------------------------

type Plugin = "chat" | "multi-chat";
interface Client {
  id: number;
  plugin: Plugin;
  socket: WebSocket;
  /** Joined its room (the plugin's greeting arrived) and not closing. */
  member: boolean;
}
interface Sent {
  plugin: Plugin;
  sentAt: number;
  /** Members of the sender's plugin when it was sent: each should receive it once. */
  expected: Client[];
  receipts: Map<Client, number>;
}
const clients = new Set<Client>();
const inFlight = new Map<string, Sent>();
/** Receivers counted missing, by message, to tell a message that came late from one that never came. */
const settledMissing = new Map<string, Set<Client>>();
let late = 0;
let nextClientId = 0;
let nextMessageId = 0;

function openClient(plugin: Plugin): Client {
  const client: Client = { id: nextClientId++, plugin, socket: new WebSocket(`ws://127.0.0.1:${port}/${plugin}`), member: false };
  clients.add(client);
  client.socket.on("message", (data: Buffer) => {
    const text = data.toString("utf8");
    if (text === "Welcome to the chat!" || text === "Joined general") {
      client.member = true;
      return;
    }
    if (!text.startsWith("soak ")) return; // the chat's joined/left notices
    const sent = inFlight.get(text);
    if (!sent) {
      // Settled already: counted as missing then; it was late, not lost.
      if (settledMissing.get(text)?.delete(client)) late++;
      return;
    }
    if (sent.plugin !== client.plugin) minute.foreign++;
    sent.receipts.set(client, (sent.receipts.get(client) ?? 0) + 1);
  });
  client.socket.on("error", () => {});
  client.socket.on("close", () => {
    client.member = false;
    clients.delete(client);
  });
  return client;
}

function closeClient(client: Client): void {
  client.member = false;
  client.socket.close(1000, "churn");
}

function sendFrom(client: Client): void {
  if (!client.member) return;
  const text = `soak ${client.plugin} ${nextMessageId++}`;
  const expected = [...clients].filter((c) => c.member && c.plugin === client.plugin);
  inFlight.set(text, { plugin: client.plugin, sentAt: Date.now(), expected, receipts: new Map() });
  client.socket.send(text);
}

/** Counts messages sent at least SETTLE_MS ago; a receiver that left meanwhile is not expected. */
function settle(all = false): void {
  const cutoff = Date.now() - SETTLE_MS;
  for (const [text, sent] of inFlight) {
    if (!all && sent.sentAt > cutoff) continue;
    inFlight.delete(text);
    // Receivers that joined while the message was on its way may get it too: neither expected nor missing.
    for (const receiver of sent.expected) {
      const count = sent.receipts.get(receiver) ?? 0;
      if (count === 0 && !receiver.member) continue; // it left before the message reached it
      minute.expected++;
      if (count === 0) {
        minute.missing++;
        let missing = settledMissing.get(text);
        if (!missing) settledMissing.set(text, (missing = new Set()));
        missing.add(receiver);
      } else minute.received++;
      if (count > 1) minute.duplicated += count - 1;
    }
  }
}

// ---- the run ---------------------------------------------------------------------------------------------

/** The process at rest: after REST_MS without load and a full garbage collection, so the heap is what it holds. */
async function readAtRest(): Promise<ProcessReading> {
  await sleep(REST_MS);
  await collectGarbage();
  return readProcess();
}

const before = await readAtRest();
console.log(`soak: ${minutes} min, ${clientCount} WebSocket clients, ${httpConcurrency} HTTP in flight, reload every ${reloadEveryMs / 1000} s; ${machineLoad()}`);
console.log(`nylon at rest before the load: RSS ${mb(before.rss)} MB, heap ${mb(before.heap)} MB, external ${mb(before.external)} MB, ${before.fds} fds`);

for (let i = 0; i < clientCount; i++) openClient(i % 2 === 0 ? "chat" : "multi-chat");
const loops = Array.from({ length: httpConcurrency }, (_, i) => httpLoop(i));
const timers = [
  setInterval(() => {
    for (const client of clients) if (Math.random() < 1000 / messageEveryMs / 4) sendFrom(client);
  }, 250),
  setInterval(() => {
    const members = [...clients].filter((c) => c.member);
    for (let i = 0; i < churnPerSecond && members.length > 0; i++) {
      const leaving = members.splice(Math.floor(Math.random() * members.length), 1)[0]!;
      closeClient(leaving);
      openClient(leaving.plugin);
    }
  }, 1000),
  setInterval(() => settle(), 1000),
];
let reloadsSent = 0;
let routeChecksFailed = 0;
const reloader = setInterval(() => {
  reloadsSent++;
  const withExtra = reloadsSent % 2 === 1;
  writeConfig(withExtra);
  const ordinal = reloadsSent;
  child.kill("SIGHUP");
  // Once applied, the added route serves the backend's files; without it the catch-all (web) has no /health.json.
  void (async () => {
    // Reloads are applied one at a time, in order: this one is in force once `ordinal` were applied.
    while (logCounts.reloaded < ordinal && logCounts.rejected === 0) await sleep(100);
    if (reloadsSent !== ordinal) return; // the next reload came first; it checks for itself
    const response = await request(`${nylonUrl}/health.json`, { dispatcher: agent, headers: { "x-nylon-proxy": "soak-extra" } });
    await response.body.dump();
    if (response.statusCode !== (withExtra ? 200 : 404)) routeChecksFailed++;
  })();
}, reloadEveryMs);

console.log("");
console.log("min | rss MB | heap MB | ext MB | fds | cpu % | http/s | p50 ms | p99 ms | non-2xx | ws expected | received | missing | dup | foreign | conns | retired | reloads | rebuilds | onError");
console.log("--- | ------ | ------- | ------ | --- | ----- | ------ | ------ | ------ | ------- | ----------- | -------- | ------- | --- | ------- | ----- | ------- | ------- | -------- | -------");
const startedAt = Date.now();
const endsAt = startedAt + minutes * 60_000;
const rssSamples: { minutes: number; rss: number }[] = [];
const totals = { requests: 0, non2xx: 0, expected: 0, received: 0, missing: 0, duplicated: 0, foreign: 0 };
let last = { at: startedAt, cpuUs: before.cpuUs };
for (let row = 1; row <= Math.ceil(minutes); row++) {
  await sleep(Math.max(0, Math.min(startedAt + row * 60_000, endsAt) - Date.now()));
  const now = Date.now();
  const reading = await readProcess();
  const seconds = (now - last.at) / 1000;
  const latencies = minute.latenciesMs.sort((a, b) => a - b);
  const at = (p: number) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!);
  const cpu = ((reading.cpuUs - last.cpuUs) / 1e6 / seconds) * 100;
  rssSamples.push({ minutes: (now - startedAt) / 60_000, rss: reading.rss });
  console.log(
    [
      ((now - startedAt) / 60_000).toFixed(1),
      mb(reading.rss),
      mb(reading.heap),
      mb(reading.external),
      reading.fds,
      cpu.toFixed(0),
      Math.round(latencies.length / seconds),
      at(0.5).toFixed(1),
      at(0.99).toFixed(1),
      minute.non2xx,
      minute.expected,
      minute.received,
      minute.missing,
      minute.duplicated,
      minute.foreign,
      reading.connections,
      reading.retiredInstances,
      logCounts.reloaded,
      logCounts.rebuilt,
      logCounts.onError,
    ].join(" | "),
  );
  totals.requests += latencies.length;
  for (const key of ["non2xx", "expected", "received", "missing", "duplicated", "foreign"] as const) totals[key] += minute[key];
  Object.assign(minute, { latenciesMs: [], non2xx: 0, expected: 0, received: 0, missing: 0, duplicated: 0, foreign: 0 });
  last = { at: now, cpuUs: reading.cpuUs };
}

// ---- wind down: the process at rest after the load, then SIGTERM -----------------------------------------

for (const timer of [...timers, reloader]) clearInterval(timer);
loadRunning = false;
await Promise.all(loops);
for (const client of clients) closeClient(client);
await sleep(SETTLE_MS);
settle(true);
const afterLoad = await readAtRest();
const slope = rssSlopeMbPerMinute(rssSamples);
console.log("");
console.log(
  `totals: ${totals.requests.toLocaleString("en-US")} HTTP requests (${totals.non2xx} non-2xx), ` +
    `${totals.expected.toLocaleString("en-US")} WebSocket deliveries expected, ${totals.received.toLocaleString("en-US")} received, ` +
    `${totals.missing + minute.missing} missing (${late} of them arrived later than ${SETTLE_MS / 1000} s), ` +
    `${totals.duplicated + minute.duplicated} duplicated, ${totals.foreign + minute.foreign} foreign; ` +
    `${logCounts.reloaded} reloads applied (${logCounts.rejected} rejected, ${routeChecksFailed} route checks failed), ` +
    `${logCounts.rebuilt} plugin rebuilds, ${logCounts.onError} onError, ${logCounts.endpointsUnhealthy} upstream endpoints marked unhealthy by health checks`,
);
if (non2xxKinds.size > 0) console.log(`non-2xx: ${[...non2xxKinds].map(([kind, count]) => `${kind} ×${count}`).join(", ")}`);
if (onErrorSamples.size > 0) console.log(`onError said: ${[...onErrorSamples].join(" | ")}`);
console.log(`RSS slope under load: ${slope.toFixed(2)} MB/min (least squares over the rows)`);
console.log(
  `nylon at rest after the load: RSS ${mb(afterLoad.rss)} MB (${((afterLoad.rss / before.rss) * 100).toFixed(0)} % of before), ` +
    `heap ${mb(afterLoad.heap)} MB, external ${mb(afterLoad.external)} MB, ${afterLoad.fds} fds (${before.fds} before), ` +
    `${afterLoad.connections} connections, ${afterLoad.retiredInstances} retired instances`,
);
const termAt = performance.now();
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
console.log(`SIGTERM to exit: ${(performance.now() - termAt).toFixed(0)} ms; ${machineLoad()}`);
await agent.close();
rmSync(dir, { recursive: true, force: true });

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function rssSlopeMbPerMinute(samples: { minutes: number; rss: number }[]): number {
  if (samples.length < 2) return NaN;
  const n = samples.length;
  const meanX = samples.reduce((s, p) => s + p.minutes, 0) / n;
  const meanY = samples.reduce((s, p) => s + p.rss, 0) / n;
  const numerator = samples.reduce((s, p) => s + (p.minutes - meanX) * (p.rss - meanY), 0);
  const denominator = samples.reduce((s, p) => s + (p.minutes - meanX) ** 2, 0);
  return numerator / denominator / 2 ** 20;
}
