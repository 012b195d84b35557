// How many echo callbacks per second (a 64-byte text message in, one send-text out) the echo plugin
// sustains in-process, through nylon's real host (PluginHost + host imports), in each guest language
// it is built in (TypeScript, Rust, Go: plugins/echo, plugins/echo-rust, plugins/echo-go), with the
// glue nylon uses (jco 1.10.2), the languages measured in turn over several rounds so that a change in
// the shared machine's load hits each alike (ratios are the median of each round's); in the same run, the TypeScript build with the glue of the latest jco,
// the floor of any QuickJS plugin on this machine (bench/support/quickjs-floor.ts), and the resident
// memory each loaded plugin adds to a running nylon (bench/support/plugin-memory.ts).
//
//   node dist/bench/plugin-call.js [--seconds 3]
import fs from "node:fs";
import { transpile as transpileLatest } from "@bytecodealliance/jco";
import { createLogger } from "../runtime/observe/logger.js";
import { echoCallbackRate, MESSAGE } from "./support/echo-callback-rate.js";
import { guestBuilds, type GuestBuild } from "./support/guest-builds.js";
import { machineLoad } from "./support/machine-load.js";
import { measureQuickJsFloor } from "./support/quickjs-floor.js";
import { rssPerLoadedPlugin } from "./support/plugin-memory.js";
import { compileTranspiled, loadComponent, type CompiledComponent } from "../runtime/plugin/component-loader.js";
import { PluginHost } from "../runtime/plugin/plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS } from "../runtime/plugin/plugin-limits.js";
import { packageRoot } from "../runtime/package-paths.js";
import { WebSocketHub } from "../runtime/websocket/websocket-hub.js";
import { benchOptions } from "./support/bench-options.js";

const options = benchOptions(
  "plugin-call",
  "Echo callbacks per second through nylon's plugin host in each guest language built, beside the TypeScript plugin with the latest jco's glue, the floor of any QuickJS plugin, and the memory a loaded plugin adds.",
  { seconds: { default: "3", description: "seconds per measurement" } },
);
const seconds = Number(options.seconds);
/** Plugins loaded into one nylon to measure the memory one adds. */
const LOADED_PLUGINS = 20;
/** The Rust echo's target: at least this many times the TypeScript echo's rate. */
const RUST_TARGET_RATIO = 2.5;
/** Resident memory a loaded Rust plugin may add. */
const RUST_TARGET_RSS_MB = 2;
/** The Go echo's targets: at least this many times the TypeScript echo's rate, and this many calls/s. */
const GO_TARGET_RATIO = 2;
const GO_TARGET_RATE = 300_000;
/** Resident memory a loaded Go plugin may add, as a share of what a TypeScript one adds. */
const GO_TARGET_RSS_SHARE = 0.5;
/** The languages are measured in turn, this many rounds, so a change in the shared machine's load hits each alike. */
const ROUNDS = 3;

/** A PluginHost on `component`, started. */
function echoHost(component: CompiledComponent, build: GuestBuild): PluginHost {
  const plugin = new PluginHost(
    { name: build.plugin, file: build.wasm, config: {}, limits: DEFAULT_PLUGIN_LIMITS },
    component,
    new WebSocketHub("bench"),
    createLogger("error"),
  );
  plugin.start();
  return plugin;
}

/** Echo callbacks per second through a PluginHost built on `component`. */
function measure(component: CompiledComponent, build: GuestBuild): number {
  const plugin = echoHost(component, build);
  const rate = echoCallbackRate(plugin, "echo", seconds);
  plugin.hub.stop();
  return rate;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString("en-US")}/s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

async function main(): Promise<void> {
  const { builds, missing } = guestBuilds("echo");
  const typescript = builds.find((b) => b.language === "TypeScript");
  if (!typescript) throw new Error("plugins/echo/echo.wasm is missing: run `npm run build:plugins` first");
  console.log(`# plugin-call: ${machineLoad()}`);

  const rss = new Map<string, number>();
  for (const build of builds) rss.set(build.language, await rssPerLoadedPlugin(build.wasm, LOADED_PLUGINS));

  const hosts = [];
  for (const build of builds) hosts.push({ build, plugin: echoHost(await loadComponent(build.wasm), build) });
  const rounds = new Map<string, number[]>(builds.map((b) => [b.language, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { build, plugin } of hosts) rounds.get(build.language)!.push(echoCallbackRate(plugin, "echo", seconds));
  }
  for (const { plugin } of hosts) plugin.hub.stop();
  const rates = new Map([...rounds].map(([language, xs]) => [language, median(xs)]));
  /** The median over rounds of a language's rate against the TypeScript rate of the same round. */
  const ratio = (language: string) => median(rounds.get(language)!.map((rate, i) => rate / rounds.get("TypeScript")![i]!));
  const bytes = fs.readFileSync(typescript.wasm);
  const { files } = await transpileLatest(bytes, { name: "plugin", instantiation: "sync", base64Cutoff: 0 } as never);
  const latestRate = measure(await compileTranspiled(typescript.wasm, bytes.length, files as Record<string, Uint8Array>), typescript);
  const floor = await measureQuickJsFloor(seconds, MESSAGE);

  const jcoVersion = JSON.parse(fs.readFileSync(`${packageRoot}/node_modules/@bytecodealliance/jco/package.json`, "utf8")).version;
  const legacyVersion = JSON.parse(fs.readFileSync(`${packageRoot}/node_modules/jco-legacy/package.json`, "utf8")).version;
  const tsRate = rates.get("TypeScript")!;
  console.log(
    `echo callbacks/s, 64-byte text in, one send-text out, ${seconds} s each after 1 s warm-up, jco ${legacyVersion} glue; median of ${ROUNDS} rounds taken in turn, ratios the median of each round's:`,
  );
  for (const build of builds) {
    const shown = build === typescript ? "" : `   ${ratio(build.language).toFixed(2)}x TypeScript`;
    const each = rounds.get(build.language)!.map((r) => Math.round(r).toLocaleString("en-US")).join(", ");
    console.log(`  ${build.language.padEnd(10)} ${perSecond(rates.get(build.language)!).padStart(10)}${shown}   (rounds: ${each})`);
  }
  for (const language of missing) console.log(`  ${language.padEnd(10)} not measured (its echo build is missing)`);
  if (rates.has("Rust")) {
    const rust = ratio("Rust");
    console.log(`  Rust / TypeScript: ${rust.toFixed(2)}x (target >= ${RUST_TARGET_RATIO}x: ${rust >= RUST_TARGET_RATIO ? "met" : "NOT met"})`);
  }
  if (rates.has("Go")) {
    const go = ratio("Go");
    const met = go >= GO_TARGET_RATIO && rates.get("Go")! >= GO_TARGET_RATE;
    console.log(`  Go / TypeScript: ${go.toFixed(2)}x (target >= ${GO_TARGET_RATIO}x and >= ${perSecond(GO_TARGET_RATE)}: ${met ? "met" : "NOT met"})`);
  }
  console.log(`TypeScript echo with the latest jco ${jcoVersion} glue: ${perSecond(latestRate)} (jco ${legacyVersion} glue: ${(tsRate / latestRate).toFixed(2)}x)`);
  console.log(`QuickJS floor (jco ${legacyVersion} glue, no SDK, no sandbox, host functions that do nothing):`);
  console.log(`  bare echo guest (one string in, one send-text out): ${perSecond(floor.bareEcho)}`);
  console.log(`  empty export taking (u32, string):                 ${perSecond(floor.emptyCall)}`);
  console.log(`  the TypeScript echo reaches ${((tsRate / floor.bareEcho) * 100).toFixed(0)} % of the bare echo`);
  console.log(`resident memory per loaded plugin (a nylon with ${LOADED_PLUGINS} more echo plugins loaded against one with none, idle):`);
  for (const build of builds) console.log(`  ${build.language.padEnd(10)} ${mib(rss.get(build.language)!)}`);
  const rustRss = rss.get("Rust");
  if (rustRss !== undefined) console.log(`  Rust: target <= ${RUST_TARGET_RSS_MB} MB: ${rustRss <= RUST_TARGET_RSS_MB * 1e6 ? "met" : "NOT met"}`);
  const goRss = rss.get("Go");
  if (goRss !== undefined) {
    const share = goRss / rss.get("TypeScript")!;
    console.log(`  Go: ${share.toFixed(2)} of TypeScript's (target <= ${GO_TARGET_RSS_SHARE}: ${share <= GO_TARGET_RSS_SHARE ? "met" : "NOT met"})`);
  }
  console.log(`# finished; ${machineLoad()}`);
}

await main();
