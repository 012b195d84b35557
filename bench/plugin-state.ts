// What a plugin that waits costs, measured in-process through nylon's real PluginHost with the
// proxy's real store and outbound client (no client sockets on the proxy side, so the figures are the
// plugin path's own), each beside a baseline measured in the same run:
//
// - store increment per request through a request filter, memory backend: CPU µs added per request
//   over the same plugin's no-op filter (target: ≤ 5 µs per operation);
// - the same with the Redis backend (a real redis-server): time per request, one request at a time,
//   beside a plain ioredis client's INCR round trip (target: ≤ 1.3×);
// - an outbound GET per request to a local upstream (another process): CPU per request minus the
//   no-op filter's, beside the same GET made directly with undici (target: ≤ 1.3×).
//
//   npm run build && node dist/cli/nylon.js build plugins/state-bench
//   node dist/bench/plugin-state.js [--seconds 3]
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { Redis } from "ioredis";
import { request as undiciRequest, Agent } from "undici";
import { benchOptions } from "./support/bench-options.js";
import { freePort } from "./support/free-port.js";
import { machineLoad } from "./support/machine-load.js";
import { pluginWasmPath } from "./support/repo-paths.js";
import { spawnServer } from "./support/spawn-server.js";
import { createRequestContext } from "../runtime/http/create-request-context.js";
import { createLogger } from "../runtime/observe/logger.js";
import { UndiciTransport } from "../runtime/outbound/undici-transport.js";
import { parseAllowedHost } from "../runtime/outbound/allowed-hosts.js";
import { loadComponent } from "../runtime/plugin/component-loader.js";
import { PluginHost } from "../runtime/plugin/plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS } from "../runtime/plugin/plugin-limits.js";
import { nextTurn, type PluginServices } from "../runtime/plugin/plugin-services.js";
import type { KvStore } from "../runtime/store/kv-store.js";
import { MemoryKvStore } from "../runtime/store/memory-kv-store.js";
import { RedisKvStore } from "../runtime/store/redis-kv-store.js";
import { WebSocketHub } from "../runtime/websocket/websocket-hub.js";
import { DEFAULT_WEBSOCKET_SETTINGS } from "../runtime/websocket/websocket-settings.js";

const options = benchOptions(
  "plugin-state",
  "Store increments and outbound calls per request through a plugin filter, beside a plain ioredis client and direct undici requests.",
  { seconds: { default: "3", description: "seconds each measurement runs (after a warm-up)" } },
);
const SECONDS = Number(options.seconds);

const MEMORY_TARGET_US = 5;
const REDIS_TARGET_RATIO = 1.3;
const OUTBOUND_TARGET_RATIO = 1.3;

interface Reading {
  /** CPU of this process per iteration, µs. */
  cpuUs: number;
  /** Wall time per iteration, µs. */
  wallUs: number;
}

/** Runs `body` one iteration at a time for `seconds` after a warm-up; CPU and wall time per iteration. */
async function measure(body: () => unknown, seconds = SECONDS): Promise<Reading> {
  const warmUntil = Date.now() + 500;
  while (Date.now() < warmUntil) await body();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const until = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < until) {
    await body();
    n++;
  }
  const wallUs = Number(process.hrtime.bigint() - started) / 1000 / n;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuUs: (cpu.user + cpu.system) / n, wallUs };
}

function newRequest() {
  return createRequestContext({
    method: "GET",
    target: "/bench",
    headers: { host: "bench" },
    tls: false,
    clientIp: "127.0.0.1",
    params: {},
    isUpgrade: false,
    wsSettings: DEFAULT_WEBSOCKET_SETTINGS,
    startedAt: Date.now(),
  });
}

async function pluginOn(store: KvStore, upstreamUrl: string, outbound: UndiciTransport): Promise<{ run(entry: string): Promise<void>; stop(): void }> {
  const wasm = pluginWasmPath("state-bench");
  if (!existsSync(wasm)) throw new Error(`${wasm} is missing: node dist/cli/nylon.js build plugins/state-bench`);
  const services: PluginServices = { store, outbound, schedule: nextTurn() };
  const hub = new WebSocketHub("bench");
  const plugin = new PluginHost(
    {
      name: `state-bench-${randomUUID().slice(0, 8)}`,
      file: wasm,
      config: { upstream: upstreamUrl },
      limits: DEFAULT_PLUGIN_LIMITS,
      allowedOutboundHosts: [parseAllowedHost(new URL(upstreamUrl).origin)!],
    },
    await loadComponent(wasm),
    hub,
    createLogger("error"),
    undefined,
    services,
  );
  await plugin.start();
  return {
    async run(entry) {
      const ctx = newRequest();
      const result = await plugin.runPhase(ctx, entry, "request-filter");
      plugin.endRequest(ctx);
      if (result !== "next") throw new Error(`the ${entry} filter answered ${result}: its operation failed`);
    },
    stop() {
      plugin.stop();
      hub.stop();
    },
  };
}

const fmt = (n: number) => n.toFixed(1);

async function main(): Promise<void> {
  console.log(`plugin-state: ${SECONDS} s per measurement; ${machineLoad()}`);
  const upstreamPort = await freePort();
  const upstream = await spawnServer({
    command: process.execPath,
    args: ["-e", `require("node:http").createServer((q, s) => s.end("ok")).listen(${upstreamPort}, "127.0.0.1")`],
    port: upstreamPort,
  });
  const redisPort = await freePort();
  const redisServer = await spawnServer({ command: "redis-server", args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], port: redisPort });
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}/`;
  const outbound = await UndiciTransport.create(5000);
  const memory = new MemoryKvStore();
  const redisStore = new RedisKvStore({ host: "127.0.0.1", port: redisPort, db: 0, key_prefix: "bench", connect_timeout_ms: 1000 }, "bench:kv", 1000, "bench", createLogger("error"));
  const plain = new Redis({ host: "127.0.0.1", port: redisPort, lazyConnect: false });
  const direct = new Agent({ connections: 1 });
  try {
    const onMemory = await pluginOn(memory, upstreamUrl, outbound);
    const onRedis = await pluginOn(redisStore, upstreamUrl, outbound);
    // The Redis store connects in the background: wait until an increment goes through.
    for (;;) {
      try {
        await onRedis.run("increment");
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const noop = await measure(() => onMemory.run("noop"));
    const memoryIncrement = await measure(() => onMemory.run("increment"));
    const memoryAdded = memoryIncrement.cpuUs - noop.cpuUs;
    console.log(`\nstore increment, memory backend`);
    console.log(`  no-op filter:          ${fmt(noop.cpuUs)} µs CPU per request`);
    console.log(`  increment filter:      ${fmt(memoryIncrement.cpuUs)} µs CPU per request`);
    console.log(`  added per operation:   ${fmt(memoryAdded)} µs (target ≤ ${MEMORY_TARGET_US} µs)`);

    const plainIncr = await measure(() => plain.incr("bench:plain"));
    const redisIncrement = await measure(() => onRedis.run("increment"));
    const redisRatio = redisIncrement.wallUs / plainIncr.wallUs;
    console.log(`\nstore increment, Redis backend (one request at a time)`);
    console.log(`  plain ioredis INCR:    ${fmt(plainIncr.wallUs)} µs per round trip (${fmt(plainIncr.cpuUs)} µs CPU)`);
    console.log(`  increment filter:      ${fmt(redisIncrement.wallUs)} µs per request (${fmt(redisIncrement.cpuUs)} µs CPU)`);
    console.log(`  ratio:                 ${redisRatio.toFixed(2)}× (target ≤ ${REDIS_TARGET_RATIO}×)`);

    const directGet = await measure(async () => {
      const res = await undiciRequest(upstreamUrl, { dispatcher: direct });
      await res.body.arrayBuffer();
    });
    const call = await measure(() => onMemory.run("call"));
    const callAdded = call.cpuUs - noop.cpuUs;
    const callRatio = callAdded / directGet.cpuUs;
    console.log(`\noutbound call per request (local upstream in another process)`);
    console.log(`  direct undici GET:     ${fmt(directGet.cpuUs)} µs CPU per request (${fmt(directGet.wallUs)} µs wall)`);
    console.log(`  call filter:           ${fmt(call.cpuUs)} µs CPU per request (${fmt(call.wallUs)} µs wall)`);
    console.log(`  call minus no-op:      ${fmt(callAdded)} µs CPU`);
    console.log(`  ratio:                 ${callRatio.toFixed(2)}× (target ≤ ${OUTBOUND_TARGET_RATIO}×)`);

    onMemory.stop();
    onRedis.stop();
  } finally {
    plain.disconnect();
    await direct.close();
    await outbound.close();
    await redisStore.close();
    await memory.close();
    await upstream.stop();
    await redisServer.stop();
  }
}

await main();
