// The sandbox harness's own costs: loading a plugin (compile + first instance), and one WebSocket
// message round trip (client frame -> plugin -> frame recorded) through the echo plugin.
//
//   node dist/bench/harness.js [--loads 5] [--messages 20000]
import { loadPlugin } from "../runtime/harness/index.js";
import { pluginWasmPath } from "./support/repo-paths.js";
import { benchOptions } from "./support/bench-options.js";

const options = benchOptions("harness", "The test harness's own costs: loading a plugin, and one WebSocket round trip through the echo plugin.", {
  loads: { default: "5", description: "how many times the plugin is loaded" },
  messages: { default: "20000", description: "round trips measured" },
});
const loads = Number(options.loads);
const messages = Number(options.messages);
const WARMUP_MESSAGES = 2000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const loadMs: number[] = [];
for (let i = 0; i < loads; i++) {
  const started = performance.now();
  const harness = await loadPlugin(pluginWasmPath("echo"));
  loadMs.push(performance.now() - started);
  harness.close();
}
loadMs.sort((a, b) => a - b);

const harness = await loadPlugin(pluginWasmPath("echo"));
const ws = harness.connect({ entry: "echo" });
for (let i = 0; i < WARMUP_MESSAGES; i++) {
  ws.sendText("warm-up");
  ws.takeReceived();
}
const roundTripUs: number[] = [];
const payload = "x".repeat(64);
for (let i = 0; i < messages; i++) {
  const started = performance.now();
  ws.sendText(payload);
  const [reply] = ws.takeReceived();
  roundTripUs.push((performance.now() - started) * 1000);
  if (reply?.type !== "text" || reply.data !== `Echo: ${payload}`) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
}
harness.close();
roundTripUs.sort((a, b) => a - b);
const mean = roundTripUs.reduce((a, b) => a + b, 0) / roundTripUs.length;

console.log(`harness: load plugins/echo/echo.wasm (${loads} loads)`);
console.log(`  median ${percentile(loadMs, 50).toFixed(0)} ms, min ${loadMs[0]!.toFixed(0)} ms, max ${loadMs[loadMs.length - 1]!.toFixed(0)} ms`);
console.log(`harness: WebSocket round trip, 64-byte text through the echo plugin (${messages} messages)`);
console.log(
  `  mean ${mean.toFixed(1)} µs, p50 ${percentile(roundTripUs, 50).toFixed(1)} µs, p99 ${percentile(roundTripUs, 99).toFixed(1)} µs` +
    ` (${Math.round(1e6 / mean).toLocaleString("en-US")} round trips/s)`,
);
