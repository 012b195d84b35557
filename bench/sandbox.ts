// What the sandbox costs (docs/sandbox.md):
//  1. echo callbacks/s (64-byte text in, one send-text out) through nylon's PluginHost, with the
//     sandboxed modules (fuel + memory cap) against the same plugin's unmodified modules;
//  2. the rewrite and compile time of a plugin's core modules at load;
//  3. how long a spinning callback runs before its deadline trap, in each guest language (the TypeScript
//     spin-request-filter plugin, test/plugins/hostile-rust spinning, test/plugins/go-hostile spinning
//     and sleeping), and the time
//     from that trap to a working replacement instance (the next call rebuilds it and succeeds);
//  4. `isolation: worker`: echo messages/s and event-loop time per message against inline, the same
//     overrun-to-replacement time, and the longest the event loop stalls while a callback spins
//     for its whole 100 ms deadline, inline against worker.
//
//   node dist/bench/sandbox.js [--seconds 3]
import fs from "node:fs";
import path from "node:path";
import { transpile } from "jco-legacy";
import { benchRequest, echoCallbackRate, MESSAGE } from "./support/echo-callback-rate.js";
import { createLogger } from "../runtime/observe/logger.js";
import { loadComponent, type CompiledComponent, type SandboxLimits } from "../runtime/plugin/component-loader.js";
import { PluginHost, type Isolation } from "../runtime/plugin/plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS, type PluginLimits } from "../runtime/plugin/plugin-limits.js";
import { sandboxModule } from "../runtime/plugin/sandbox/sandbox-module.js";
import { packageRoot } from "../runtime/package-paths.js";
import { WebSocketHub } from "../runtime/websocket/websocket-hub.js";
import { benchOptions } from "./support/bench-options.js";

const options = benchOptions(
  "sandbox",
  "What the sandbox costs: echo callbacks with and without fuel and the memory cap, deadline overruns, and isolation: worker against inline.",
  { seconds: { default: "3", description: "seconds per measurement" } },
);
const seconds = Number(options.seconds);
const echoWasm = path.join(packageRoot, "plugins", "echo", "echo.wasm");
const spinWasm = path.join(packageRoot, "test", "plugins", "spin-request-filter", "spin-request-filter.wasm");

/** A request filter that spins on ?misbehave=1, in each guest language built. */
const SPINNERS: { language: string; wasm: string; config: unknown; what?: string }[] = [
  { language: "TypeScript", wasm: spinWasm, config: {} },
  {
    language: "Rust",
    wasm: path.join(packageRoot, "test", "plugins", "hostile-rust", "hostile-rust.wasm"),
    config: { misbehave: "spin-request-filter" },
  },
  {
    language: "Go",
    wasm: path.join(packageRoot, "test", "plugins", "go-hostile", "go-hostile.wasm"),
    config: { misbehaviour: "spin-request-filter" },
  },
  {
    language: "Go",
    wasm: path.join(packageRoot, "test", "plugins", "go-hostile", "go-hostile.wasm"),
    config: { misbehaviour: "sleep-forever" },
    what: "request filter in time.Sleep",
  },
].filter((s) => fs.existsSync(s.wasm));
const quietLogger = createLogger("fatal");


function host(component: CompiledComponent, file: string, limits: PluginLimits = DEFAULT_PLUGIN_LIMITS, config: unknown = {}): PluginHost {
  const plugin = new PluginHost({ name: path.basename(file, ".wasm"), file, config, limits }, component, new WebSocketHub("bench"), quietLogger);
  void plugin.start();
  return plugin;
}

async function workerHost(component: CompiledComponent, file: string, limits: PluginLimits = DEFAULT_PLUGIN_LIMITS): Promise<PluginHost> {
  const spec = { name: path.basename(file, ".wasm"), file, config: {}, limits, isolation: "worker" as Isolation };
  const plugin = new PluginHost(spec, component, new WebSocketHub("bench"), quietLogger);
  await plugin.start();
  return plugin;
}

/** Echo callbacks per second through a PluginHost (the proxy's own path for a WebSocket message). */
function echoRate(component: CompiledComponent): number {
  const plugin = host(component, echoWasm);
  const rate = echoCallbackRate(plugin, "echo", seconds);
  plugin.hub.stop();
  return rate;
}

/** Median of `runs` rates, alternating the two variants so machine noise hits both alike. */
function compareEcho(a: CompiledComponent, b: CompiledComponent, runs = 3): [number, number] {
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < runs; i++) {
    ra.push(echoRate(a));
    rb.push(echoRate(b));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(ra), median(rb)];
}

async function rewriteCost(file: string, memoryMb: number): Promise<{ rewriteMs: number; compileMs: number; rawCompileMs: number; growth: number }> {
  const { files } = await transpile(fs.readFileSync(file), { name: "plugin", instantiation: "sync", base64Cutoff: 0 });
  const cores = Object.entries(files).filter(([name]) => name.endsWith(".wasm")).map(([, bytes]) => bytes);
  let t = performance.now();
  for (const bytes of cores) await WebAssembly.compile(bytes);
  const rawCompileMs = performance.now() - t;
  t = performance.now();
  const rewritten = cores.map((bytes) => sandboxModule(bytes, { memoryMb, initialFuel: 1 }));
  const rewriteMs = performance.now() - t;
  t = performance.now();
  for (const bytes of rewritten) await WebAssembly.compile(bytes);
  const compileMs = performance.now() - t;
  const size = (xs: Uint8Array[]) => xs.reduce((s, x) => s + x.length, 0);
  return { rewriteMs, compileMs, rawCompileMs, growth: size(rewritten) / size(cores) - 1 };
}

/** A spinning request filter: how long until the deadline trap, then until a rebuilt instance answers. */
function deadlineRecovery(
  component: CompiledComponent,
  spinner: (typeof SPINNERS)[number],
  deadlineMs: number,
): { overrunMs: number; overrunCpuMs: number; replaceMs: number } {
  const plugin = host(component, spinner.wasm, { ...DEFAULT_PLUGIN_LIMITS, deadlineMs }, spinner.config);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    plugin.runPhase(benchRequest("misbehave=1"), "hostile", "request-filter");
    throw new Error("the spinning callback returned");
  } catch (err) {
    if (!String((err as Error).message).includes("deadline exceeded")) throw err;
  }
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const result = plugin.runPhase(benchRequest(""), "hostile", "request-filter");
  const t2 = performance.now();
  if (result !== "end") throw new Error(`the rebuilt instance answered ${result}`);
  plugin.stop();
  return { overrunMs: t1 - t0, overrunCpuMs: (cpu.user + cpu.system) / 1000, replaceMs: t2 - t1 };
}

/**
 * Echo messages/s with the plugin in a worker thread, 256 messages in flight, and the event loop's
 * busy time per message (what the proxy's own thread pays; the worker's CPU is on the other core).
 */
async function workerEchoRate(component: CompiledComponent): Promise<{ rate: number; loopUsPerMessage: number }> {
  const plugin = await workerHost(component, echoWasm);
  const ctx = benchRequest("", true);
  await plugin.runPhase(ctx, "echo", "request-filter");
  const conn = ctx.upgrade!.conn;
  // Batches of 256 messages; the loop idles until the batch's last echo is sent, so its busy time is its own.
  let sent = 0;
  let batchEnd = 0;
  let batchDone: (() => void) | null = null;
  const send = (): void => {
    if (++sent === batchEnd) batchDone?.();
  };
  conn.transport = { bufferedAmount: 0, writable: true, send, close: () => {}, terminate: () => {} };
  conn.state = "open";
  plugin.open(conn);
  const run = async (ms: number): Promise<{ messages: number; elapsedMs: number; busyMs: number }> => {
    const base = sent;
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      batchEnd = sent + 256;
      const done = new Promise<void>((resolve) => (batchDone = resolve));
      for (let i = 0; i < 256; i++) plugin.text(conn, MESSAGE);
      await done;
    }
    const elu = performance.eventLoopUtilization(elu0);
    return { messages: sent - base, elapsedMs: performance.now() - t0, busyMs: elu.active };
  };
  await run(1000); // warm-up: lazy compilation and tier-up in the thread
  const r = await run(seconds * 1000);
  plugin.stop();
  plugin.hub.stop();
  return { rate: (r.messages / r.elapsedMs) * 1000, loopUsPerMessage: (r.busyMs * 1000) / r.messages };
}

/** The same overrun and replacement as deadlineRecovery, with the plugin in a worker thread. */
async function workerDeadlineRecovery(component: CompiledComponent, deadlineMs: number): Promise<{ overrunMs: number; replaceMs: number }> {
  const plugin = await workerHost(component, spinWasm, { ...DEFAULT_PLUGIN_LIMITS, deadlineMs });
  await plugin.runPhase(benchRequest(""), "hostile", "request-filter"); // warm
  const t0 = performance.now();
  const failed = await Promise.resolve(plugin.runPhase(benchRequest("misbehave=1"), "hostile", "request-filter")).then(
    () => false,
    (err: Error) => err.message.includes("deadline exceeded"),
  );
  if (!failed) throw new Error("the spinning callback did not fail on its deadline");
  const t1 = performance.now();
  const result = await plugin.runPhase(benchRequest(""), "hostile", "request-filter");
  const t2 = performance.now();
  if (result !== "end") throw new Error(`the rebuilt instance answered ${result}`);
  plugin.stop();
  return { overrunMs: t1 - t0, replaceMs: t2 - t1 };
}

/** The longest gap between 1 ms ticks of the event loop while a callback spins to its deadline. */
async function stallDuringSpin(component: CompiledComponent, isolation: Isolation, deadlineMs: number): Promise<number> {
  const limits = { ...DEFAULT_PLUGIN_LIMITS, deadlineMs };
  const plugin = isolation === "worker" ? await workerHost(component, spinWasm, limits) : host(component, spinWasm, limits);
  await plugin.runPhase(benchRequest(""), "hostile", "request-filter"); // warm
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  longest = 0;
  last = performance.now();
  await Promise.resolve()
    .then(() => plugin.runPhase(benchRequest("misbehave=1"), "hostile", "request-filter"))
    .catch(() => {});
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(ticker);
  plugin.stop();
  return longest;
}

async function main(): Promise<void> {
  for (const f of [echoWasm, spinWasm]) if (!fs.existsSync(f)) throw new Error(`${f} is missing: build it with \`node dist/cli/nylon.js build\``);
  const sandboxLimits: SandboxLimits = { memoryMb: DEFAULT_PLUGIN_LIMITS.memoryMb };
  const sandboxed = await loadComponent(echoWasm, sandboxLimits);
  const direct = await loadComponent(echoWasm, null);
  const [sandboxedRate, directRate] = compareEcho(sandboxed, direct);
  console.log(`echo callbacks/s (64 B text in, send-text out, PluginHost, median of 3 x ${seconds} s):`);
  console.log(`  sandboxed (fuel + memory cap): ${Math.round(sandboxedRate).toLocaleString("en-US")}/s`);
  console.log(`  unmodified modules:            ${Math.round(directRate).toLocaleString("en-US")}/s`);
  console.log(`  cost: ${((1 - sandboxedRate / directRate) * 100).toFixed(1)} %`);

  const load = await rewriteCost(echoWasm, sandboxLimits.memoryMb);
  console.log(
    `load: rewrite ${load.rewriteMs.toFixed(0)} ms, compile ${load.compileMs.toFixed(0)} ms (unmodified ${load.rawCompileMs.toFixed(0)} ms), code +${(load.growth * 100).toFixed(1)} %`,
  );

  const spin = await loadComponent(spinWasm, sandboxLimits);
  for (const spinner of SPINNERS) {
    const component = await loadComponent(spinner.wasm, sandboxLimits);
    console.log(`deadline overrun -> working replacement (${spinner.language} ${spinner.what ?? "request filter spinning"}, 100 ms deadline):`);
    for (let i = 1; i <= 5; i++) {
      const r = deadlineRecovery(component, spinner, 100);
      console.log(
        `  run ${i}: trapped after ${r.overrunMs.toFixed(1)} ms (${r.overrunCpuMs.toFixed(1)} ms CPU), replacement answered ${r.replaceMs.toFixed(1)} ms later`,
      );
    }
  }

  console.log("isolation: worker");
  const inlineRate = echoRate(sandboxed);
  const worker = await workerEchoRate(sandboxed);
  console.log(`  echo messages/s: worker ${Math.round(worker.rate).toLocaleString("en-US")}/s, inline ${Math.round(inlineRate).toLocaleString("en-US")}/s (same run)`);
  console.log(`  event-loop time per message with the plugin in a worker: ${worker.loopUsPerMessage.toFixed(1)} µs (inline, the whole call: ${(1e6 / inlineRate).toFixed(1)} µs)`);
  for (let i = 1; i <= 3; i++) {
    const r = await workerDeadlineRecovery(spin, 100);
    console.log(`  run ${i}: worker trapped after ${r.overrunMs.toFixed(1)} ms, replacement answered ${r.replaceMs.toFixed(1)} ms later`);
  }
  for (let i = 1; i <= 3; i++) {
    const inline = await stallDuringSpin(spin, "inline", 100);
    const inWorker = await stallDuringSpin(spin, "worker", 100);
    console.log(`  run ${i}: longest event-loop stall while a callback spins to its 100 ms deadline: inline ${inline.toFixed(1)} ms, worker ${inWorker.toFixed(1)} ms`);
  }
}

await main();
