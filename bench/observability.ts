// The throughput cost of observability: the same nylon with metrics and access logging off, then on
// (a `metrics:` listener scraped every second, `log.access_log: true`, the log read from a pipe as a
// log shipper would), measured in the same run, alternating off/on so drift in the box's load hits
// both alike. HTTP: wrk -t1 -c50 through nylon to a Node "hello" upstream. WebSocket: echo round trips
// through the echo plugin, 50 connections with 10 messages each in flight.
//
//   npx tsc -p tsconfig.json && node dist/bench/observability.js [--seconds 6] [--rounds 2] [--split]
//
// --split also measures metrics alone and the access log alone.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { stringify } from "yaml";
import { freePort } from "./support/free-port.js";
import { machineLoad } from "./support/machine-load.js";
import { cpuMicroseconds } from "./support/proc-stats.js";
import { nylonCliPath, pluginWasmPath, repoRoot } from "./support/repo-paths.js";
import { spawnServer, type SpawnedServer } from "./support/spawn-server.js";
import { benchOptions } from "./support/bench-options.js";

const HELLO_UPSTREAM = `
require("node:http").createServer((req, res) => { res.writeHead(200, { "content-type": "text/plain" }); res.end("hello world"); })
  .listen(Number(process.argv[1]), "127.0.0.1");
`;
const WS_CONNECTIONS = 50;
const WS_IN_FLIGHT = 10;

type Mode = "off" | "metrics" | "access-log" | "on";

interface Sample {
  httpRps: number;
  httpCpuUs: number;
  wsMsgs: number;
}

async function main(): Promise<void> {
  const options = benchOptions("observability", "The throughput cost of metrics and access logging: the same nylon with both off, then on, alternating.", {
    seconds: { default: "6", description: "seconds per measurement" },
    rounds: { default: "2", description: "off/on rounds" },
    split: { flag: true, description: "also measure metrics alone and the access log alone" },
  });
  const seconds = Number(options.seconds);
  const rounds = Number(options.rounds);
  const temp = mkdtempSync(join(tmpdir(), "nylon-obs-bench-"));
  const upstreamPort = await freePort();
  const upstream = await spawnServer({ command: process.execPath, args: ["-e", HELLO_UPSTREAM, String(upstreamPort)], port: upstreamPort });
  const modes: Mode[] = options.split ? ["off", "metrics", "access-log", "on"] : ["off", "on"];
  const samples: Record<Mode, Sample[]> = { off: [], metrics: [], "access-log": [], on: [] };
  try {
    console.log(`observability cost: ${seconds} s per measure, ${rounds} rounds; ${machineLoad()}`);
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        const sample = await measure(mode, temp, upstreamPort, seconds);
        samples[mode].push(sample);
        console.log(
          `round ${round + 1} ${mode.padEnd(10)}  HTTP ${sample.httpRps.toFixed(0).padStart(6)} req/s (${sample.httpCpuUs.toFixed(1)} µs CPU/req)   WebSocket echo ${sample.wsMsgs.toFixed(0).padStart(6)} msg/s`,
        );
      }
    }
  } finally {
    await upstream.stop();
    rmSync(temp, { recursive: true, force: true });
  }
  const mean = (mode: Mode, key: keyof Sample) => samples[mode].reduce((sum, s) => sum + s[key], 0) / samples[mode].length;
  const cell = (mode: Mode, key: keyof Sample, digits: number) =>
    mode === "off" ? mean(mode, key).toFixed(digits) : `${mean(mode, key).toFixed(digits)} (${((mean(mode, key) / mean("off", key) - 1) * 100).toFixed(1)} %)`;
  const row = (label: string, key: keyof Sample, digits: number) => console.log(`| ${label} | ${modes.map((m) => cell(m, key, digits)).join(" | ")} |`);
  console.log(`\n| | ${modes.join(" | ")} |\n|---|${modes.map(() => "---|").join("")}`);
  row("HTTP req/s (wrk -t1 -c50)", "httpRps", 0);
  row("HTTP server CPU µs/req", "httpCpuUs", 1);
  row(`WebSocket echo msg/s (${WS_CONNECTIONS} conns x ${WS_IN_FLIGHT} in flight)`, "wsMsgs", 0);
}

async function measure(mode: Mode, temp: string, upstreamPort: number, seconds: number): Promise<Sample> {
  const port = await freePort();
  const metricsPort = await freePort();
  const config = join(temp, `nylon-${mode}.yaml`);
  writeFileSync(
    config,
    stringify({
      http: [`127.0.0.1:${port}`],
      ...((mode === "on" || mode === "metrics") && { metrics: [`127.0.0.1:${metricsPort}`] }),
      log: { level: "info", access_log: mode === "on" || mode === "access-log" },
      plugins: [{ name: "echo", type: "wasm", file: pluginWasmPath("echo") }],
      services: [
        { name: "hello", service_type: "http", endpoints: [{ ip: "127.0.0.1", port: upstreamPort }] },
        { name: "echo", service_type: "plugin", plugin: { name: "echo", entry: "echo" } },
      ],
      routes: [
        {
          name: "bench",
          route: { type: "host", value: "*" },
          paths: [
            { path: "/ws", service: { name: "echo" } },
            { path: "/", service: { name: "hello" } },
          ],
        },
      ],
    }),
  );
  const nylon = await startLogged(config, port);
  const scraper = mode === "on" || mode === "metrics" ? setInterval(() => void fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()), 1000) : undefined;
  try {
    wrk(port, 1); // warm-up: JIT, keep-alive pools
    const cpuBefore = cpuMicroseconds(nylon.pid);
    const http = wrk(port, seconds);
    const httpCpuUs = (cpuMicroseconds(nylon.pid) - cpuBefore) / http.requests;
    await wsEcho(port, 1);
    const wsMsgs = await wsEcho(port, seconds);
    return { httpRps: http.rps, httpCpuUs, wsMsgs };
  } finally {
    clearInterval(scraper);
    await nylon.stop();
  }
}

/** nylon with its log (stderr, the access lines) read from a pipe and thrown away. */
async function startLogged(config: string, port: number): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [nylonCliPath, "run", "--config", config], { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.resume();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("nylon did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Echo round trips per second over WS_CONNECTIONS connections, each keeping WS_IN_FLIGHT messages out. */
async function wsEcho(port: number, seconds: number): Promise<number> {
  const sockets = await Promise.all(
    Array.from({ length: WS_CONNECTIONS }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      return new Promise<WebSocket>((resolve, reject) => {
        ws.once("open", () => resolve(ws));
        ws.once("error", reject);
      });
    }),
  );
  let received = 0;
  let running = true;
  for (const ws of sockets) {
    ws.on("message", () => {
      received++;
      if (running) ws.send("ping");
    });
    for (let i = 0; i < WS_IN_FLIGHT; i++) ws.send("ping");
  }
  const started = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const rate = received / ((Date.now() - started) / 1000);
  await Promise.all(sockets.map((ws) => new Promise((resolve) => (ws.once("close", resolve), ws.close()))));
  return rate;
}

function wrk(port: number, seconds: number): { rps: number; requests: number } {
  const out = execFileSync("wrk", ["-t1", "-c50", `-d${seconds}s`, `http://127.0.0.1:${port}/`], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  if (!Number.isFinite(rps) || /Non-2xx|Socket errors/.test(out)) throw new Error(`wrk against port ${port} failed:\n${out}`);
  return { rps, requests };
}


await main();
