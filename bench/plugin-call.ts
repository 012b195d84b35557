// How many echo callbacks per second (a 64-byte text message in, one send-text out) the TypeScript
// echo plugin sustains in-process, through nylon's real host (PluginHost + host imports), with the
// glue nylon uses (jco 1.10.2) and, in the same run, with the glue of the latest jco, and the floor of
// any QuickJS plugin on this machine (bench/support/quickjs-floor.ts).
//
//   node dist/bench/plugin-call.js [--seconds 3]
import fs from "node:fs";
import path from "node:path";
import { transpile as transpileLatest } from "@bytecodealliance/jco";
import { createLogger } from "../runtime/observe/logger.js";
import { echoCallbackRate, MESSAGE } from "./support/echo-callback-rate.js";
import { measureQuickJsFloor } from "./support/quickjs-floor.js";
import { compileTranspiled, loadComponent, type CompiledComponent } from "../runtime/plugin/component-loader.js";
import { PluginHost } from "../runtime/plugin/plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS } from "../runtime/plugin/plugin-limits.js";
import { packageRoot } from "../runtime/package-paths.js";
import { WebSocketHub } from "../runtime/websocket/websocket-hub.js";
import { benchOptions } from "./support/bench-options.js";

const options = benchOptions(
  "plugin-call",
  "Echo callbacks per second through nylon's plugin host, beside the same plugin with the latest jco's glue and the floor of any QuickJS plugin.",
  { seconds: { default: "3", description: "seconds per measurement" } },
);
const seconds = Number(options.seconds);
const wasm = path.join(packageRoot, "plugins", "echo", "echo.wasm");

/** Echo callbacks per second through a PluginHost built on `component`. */
function measure(component: CompiledComponent): number {
  const hub = new WebSocketHub("bench");
  const logger = createLogger("error");
  const plugin = new PluginHost({ name: "echo", file: wasm, config: {}, limits: DEFAULT_PLUGIN_LIMITS }, component, hub, logger);
  plugin.start();
  const rate = echoCallbackRate(plugin, "echo", seconds);
  hub.stop();
  return rate;
}


async function main(): Promise<void> {
  if (!fs.existsSync(wasm)) throw new Error(`${wasm} is missing: run \`node dist/cli/nylon.js build plugins/echo\` first`);
  const ours = await loadComponent(wasm);
  const bytes = fs.readFileSync(wasm);
  const { files } = await transpileLatest(bytes, { name: "plugin", instantiation: "sync", base64Cutoff: 0 } as never);
  const latest = await compileTranspiled(wasm, bytes.length, files as Record<string, Uint8Array>);
  const jcoVersion = JSON.parse(fs.readFileSync(path.join(packageRoot, "node_modules/@bytecodealliance/jco/package.json"), "utf8")).version;
  const legacyVersion = JSON.parse(fs.readFileSync(path.join(packageRoot, "node_modules/jco-legacy/package.json"), "utf8")).version;
  const oursRate = measure(ours);
  const latestRate = measure(latest);
  const floor = await measureQuickJsFloor(seconds, MESSAGE);
  const perSecond = (n: number) => `${Math.round(n).toLocaleString("en-US")}/s`;
  console.log(`echo callbacks/s, 64-byte text in, one send-text out, ${seconds} s each after 1 s warm-up`);
  console.log(`  nylon (jco ${legacyVersion} glue): ${Math.round(oursRate).toLocaleString("en-US")}/s`);
  console.log(`  latest jco ${jcoVersion} glue:      ${Math.round(latestRate).toLocaleString("en-US")}/s`);
  console.log(`  ratio: ${(oursRate / latestRate).toFixed(2)}x   target: >= 300,000/s`);
  console.log(`QuickJS floor (jco ${legacyVersion} glue, no SDK, no sandbox, host functions that do nothing):`);
  console.log(`  bare echo guest (one string in, one send-text out): ${perSecond(floor.bareEcho)}`);
  console.log(`  empty export taking (u32, string):                 ${perSecond(floor.emptyCall)}`);
  console.log(`  nylon reaches ${((oursRate / floor.bareEcho) * 100).toFixed(0)} % of the bare echo`);
}

await main();
