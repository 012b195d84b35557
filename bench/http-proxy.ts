// HTTP proxy throughput: wrk -t1 -c50 against nginx (keep-alive upstream, 1 worker) and against nylon,
// both in front of the same Node "hello" upstream; Node direct is the ceiling. Prints requests/s, the
// CPU per request of every server process summed, and the ratios the targets are stated in; with
// --write-docs, also records them in docs/benchmarks.md.
//
//   npx tsc -p tsconfig.json && node dist/bench/http-proxy.js [--seconds 8] [--workers 1,2] [--write-docs]
//
// nylon is measured through `nylon run` (the full pipeline: router, plugin phases, writer) once per
// worker count, beside two baselines on the same undici Pool: test/http/proxy-harness (router +
// forwarder only) and bench/servers/lean-forwarder (a plain Node forwarder, no router).
// Processes are not pinned: as in the anchors' section 2.2 numbers, wrk, proxy and upstream share
// the two cores.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { freePort } from "./support/free-port.js";
import { recordSection } from "./support/benchmarks-doc.js";
import { machineLoad } from "./support/machine-load.js";
import { cpuMicroseconds } from "./support/proc-stats.js";
import { compiledScriptPath, nylonCliPath, repoRoot } from "./support/repo-paths.js";
import { benchOptions, workerCounts as parseWorkerCounts } from "./support/bench-options.js";

interface Result {
  target: string;
  rps: number | null;
  requests: number;
  latency: string;
  /** CPU time of the server process tree (nginx: master + worker) per request, in µs. */
  cpuPerRequest: number;
  note?: string | undefined;
}

interface Running {
  child: ChildProcess;
  port: number;
}

const HELLO_UPSTREAM = `
const http = require("node:http");
http.createServer((req, res) => { res.writeHead(200, { "content-type": "text/plain" }); res.end("hello world"); })
  .listen(Number(process.argv[1]), "127.0.0.1");
`;

async function main(): Promise<void> {
  // This file also serves as the forwarder-only target, started as a child: `http-proxy.js harness PORT UPSTREAM`.
  if (process.argv[2] === "harness") return serveHarness(Number(process.argv[3]), Number(process.argv[4]));
  const options = benchOptions("http-proxy", "HTTP proxy throughput under wrk: nylon and nginx in front of the same Node upstream, and the upstream alone.", {
    seconds: { default: "8", description: "seconds per wrk run" },
    warmup: { default: "5", description: "seconds of wrk before each measured run (JIT, keep-alive pools): nylon's larger code is still being optimised after 1 s" },
    workers: { default: "1", description: "nylon's worker counts, comma-separated: each is measured in this run (e.g. 1,2)" },
    "write-docs": { flag: true, description: "also rewrite this benchmark's section of docs/benchmarks.md" },
  });
  const seconds = Number(options.seconds);
  const warmup = Number(options.warmup);
  const workerCounts = parseWorkerCounts(options.workers);
  requireTools();
  const temp = mkdtempSync(join(tmpdir(), "nylon-http-bench-"));
  const running: Running[] = [];
  try {
    const upstream = await start(process.execPath, ["-e", HELLO_UPSTREAM], await freePort(), (port) => [String(port)]);
    running.push(upstream);
    const results: Result[] = [];
    const measure = async (target: string, server: Running) => {
      wrk(server.port, warmup);
      const cpuBefore = cpuMicroseconds(server.child.pid!);
      const run = wrk(server.port, seconds);
      const cpuPerRequest = (cpuMicroseconds(server.child.pid!) - cpuBefore) / run.requests;
      results.push({ target, ...run, cpuPerRequest });
      console.log(`${target.padEnd(40)} ${run.rps.toFixed(0).padStart(7)} req/s   avg latency ${run.latency.padStart(8)}   server CPU ${cpuPerRequest.toFixed(1)} µs/req`);
    };

    await measure("Node hello (direct)", upstream);
    const nginx = await startNginx(temp, upstream.port);
    running.push(nginx);
    await measure("nginx -> Node (keepalive 64)", nginx);

    const config = writeNylonConfig(temp, await freePort(), upstream.port);
    for (const workers of workerCounts) {
      const target = `nylon run, ${workers} worker${workers > 1 ? "s" : ""} -> Node`;
      const nylon = await startNylon(config, workers).catch((error: Error) => error);
      if (nylon instanceof Error) {
        results.push({ target, rps: null, requests: 0, latency: "-", cpuPerRequest: 0, note: nylon.message.split("\n")[0] });
        console.log(`${target}: not measured (${nylon.message.split("\n")[0]})`);
        continue;
      }
      running.push(nylon);
      await measure(target, nylon);
      await stop(nylon.child); // one nylon at a time on the two cores
    }
    const harness = await start(process.execPath, [fileURLToPath(import.meta.url), "harness", String(upstream.port)], await freePort(), (port) => [String(port)]);
    running.push(harness);
    await measure("forwarder only (test harness) -> Node", harness);
    const lean = await start(process.execPath, [compiledScriptPath("bench/servers/lean-forwarder")], await freePort(), (port) => [String(port), String(upstream.port)]);
    running.push(lean);
    await measure(LEAN_FORWARDER, lean);

    const nginxRps = results.find((r) => r.target.startsWith("nginx"))!.rps!;
    const ratios = results
      .filter((r) => r.rps !== null && !r.target.startsWith("Node") && !r.target.startsWith("nginx"))
      .map((r) => `${r.target}: ${(r.rps! / nginxRps).toFixed(2)}x nginx`);
    for (const line of ratios) console.log(line + "   (target >= 0.80)");
    for (const line of scalingRatios(results)) console.log(line);
    if (options["write-docs"]) recordInDocs(results, nginxRps, seconds, warmup, workerCounts);
  } finally {
    for (const r of running.reverse()) await stop(r.child);
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Spawns `node dist/cli/nylon.js run --config <file> --workers N` and resolves once its listener
 * accepts and, with several workers, once the node says every worker serves.
 */
export async function startNylon(configYamlPath: string, workers = 1): Promise<Running> {
  if (!existsSync(nylonCliPath)) throw new Error(`not built: ${nylonCliPath}`);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(readFileSync(configYamlPath, "utf8"))?.[1]);
  return start(process.execPath, [nylonCliPath, "run", "--config", configYamlPath, "--workers", String(workers)], port, () => [], workers > 1 ? NODE_SERVING : undefined);
}

/** The primary's log line once every worker has its listeners open. */
const NODE_SERVING = /nylon node is serving/;
const LEAN_FORWARDER = "lean undici forwarder -> Node";

/**
 * The targets of running one nylon per core: one worker's CPU per request within 1.1x the lean
 * forwarder's; with N workers, CPU per request within 1.1x one worker's and throughput at least 1.5x.
 */
function scalingRatios(results: Result[]): string[] {
  const nylon = results.filter((r) => r.target.startsWith("nylon run") && r.rps !== null);
  const one = nylon.find((r) => r.target.startsWith("nylon run, 1 worker "));
  const lean = results.find((r) => r.target === LEAN_FORWARDER);
  const lines: string[] = [];
  if (one && lean) lines.push(`nylon 1 worker CPU/req: ${(one.cpuPerRequest / lean.cpuPerRequest).toFixed(2)}x the lean forwarder's   (target <= 1.10)`);
  for (const many of nylon.filter((r) => r !== one)) {
    if (!one) break;
    const name = many.target.replace(/^nylon run, | -> Node$/g, "");
    lines.push(`nylon ${name}: CPU/req ${(many.cpuPerRequest / one.cpuPerRequest).toFixed(2)}x one worker's (target <= 1.10), req/s ${(many.rps! / one.rps!).toFixed(2)}x (target >= 1.50)`);
  }
  return lines;
}

function writeNylonConfig(dir: string, port: number, upstreamPort: number): string {
  const file = join(dir, "nylon.yaml");
  writeFileSync(
    file,
    [
      `http: ["127.0.0.1:${port}"]`,
      "services:",
      "  - name: hello",
      "    service_type: http",
      `    endpoints: [{ ip: 127.0.0.1, port: ${upstreamPort} }]`,
      "routes:",
      "  - name: bench",
      '    route: { type: host, value: "*" }',
      '    paths: [{ path: ["/", "/{*p}"], service: { name: hello } }]',
      "",
    ].join("\n"),
  );
  return file;
}

async function startNginx(dir: string, upstreamPort: number): Promise<Running> {
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "nginx-error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream hello { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://hello; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
  );
  return start("nginx", ["-c", conf, "-p", dir], port, () => []);
}

/** The forwarder without the pipeline: test/http/proxy-harness in this child process. */
async function serveHarness(upstreamPort: number, port: number): Promise<void> {
  const { startProxyHarness } = await import("../test/http/proxy-harness.js");
  await startProxyHarness(
    {
      routes: [{ name: "bench", route: { type: "host", value: "*" }, paths: [{ path: ["/", "/{*p}"], service: { name: "hello" } }] }],
      services: [{ service_type: "http", name: "hello", endpoints: [{ ip: "127.0.0.1", port: upstreamPort }] }],
    },
    {},
    port,
  );
}

/** Starts a server and resolves once `port` accepts and, when given, `ready` has shown on its stderr. */
async function start(command: string, args: string[], port: number, portArgs: (port: number) => string[], ready?: RegExp): Promise<Running> {
  const child = spawn(command, [...args, ...portArgs(port)], { stdio: ["ignore", "ignore", "pipe"], cwd: repoRoot });
  let stderr = "";
  let readySeen = ready === undefined;
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + String(chunk)).slice(-2000);
    readySeen ||= ready!.test(stderr);
  });
  // Workers start one after another on a loaded machine.
  const deadline = Date.now() + (ready ? 120_000 : 15_000);
  while (!readySeen || !(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(" ")} exited: ${stderr}`);
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`${command} did not listen on ${port}: ${stderr}`);
    }
    await sleep(50);
  }
  return { child, port };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => (clearTimeout(kill), resolve()));
    child.kill("SIGTERM");
  });
}

function wrk(port: number, seconds: number): { rps: number; requests: number; latency: string } {
  // wrk waits 10 s for an answer before it counts a timeout: on a busy machine that is a slow request, not a failure.
  const out = execFileSync("wrk", ["-t1", "-c50", `-d${seconds}s`, "--timeout", "10s", `http://127.0.0.1:${port}/`], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const latency = /Latency\s+(\S+)/.exec(out)?.[1] ?? "?";
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  if (!Number.isFinite(rps) || /Non-2xx|Socket errors/.test(out)) throw new Error(`wrk against port ${port} failed:\n${out}`);
  return { rps, requests, latency };
}

function requireTools(): void {
  for (const tool of ["wrk", "nginx"]) {
    try {
      execFileSync("which", [tool], { stdio: "ignore" });
    } catch {
      throw new Error(`${tool} is not installed: apt-get install -y ${tool}`);
    }
  }
}


const HEADING = "## HTTP proxy";

/** Replaces this benchmark's section of docs/benchmarks.md (or appends it), leaving the others alone. */
function recordInDocs(results: Result[], nginxRps: number, seconds: number, warmup: number, workerCounts: number[]): void {
  const rows = results.map((r) =>
    r.rps === null
      ? `| ${r.target} | not measured: ${r.note ?? ""} | | | |`
      : `| ${r.target} | ${r.rps.toFixed(0)} | ${r.latency} | ${r.cpuPerRequest.toFixed(1)} | ${r.target.startsWith("Node") ? "" : (r.rps / nginxRps).toFixed(2) + "x"} |`,
  );
  const section = [
    HEADING,
    "",
    "`bench/http-proxy.ts`: a Node `http` hello upstream; nginx 1 worker, `access_log off`, `upstream { keepalive 64; }`,",
    '`proxy_http_version 1.1`, `Connection ""`; nylon with one `*` route to the same upstream. Each target gets a 1 s',
    `warm-up, then \`wrk -t1 -c50 -d${seconds}s\`. Nothing is pinned (wrk, proxy and upstream share the 2 vCPUs, as in the`,
    "anchors' section 2.2). \"forwarder only\" is `test/http/proxy-harness.ts` (router + `forward()` + a plain writer);",
    '"lean undici forwarder" is `bench/servers/lean-forwarder.ts` (no router, no phases, the same undici Pool);',
    '"nylon run, N workers" is the whole pipeline with `--workers N` (a primary and N workers). "server CPU µs/req"',
    "is the utime+stime of every server process (nginx: master + worker; nylon: primary + workers) during the run",
    "divided by the requests served; it is less sensitive to a busy box than req/s.",
    "",
    "```sh",
    `node dist/bench/http-proxy.js --seconds ${seconds} --warmup ${warmup} --workers ${workerCounts.join(",")} --write-docs`,
    "```",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}, ${machineLoad()}:`,
    "",
    "| Target | req/s | avg latency | server CPU µs/req | req/s vs nginx |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    ...scalingRatios(results).map((line) => `- ${line}`),
    "",
    "Target: nylon >= 0.8x nginx. Anchors (quiet box): Node direct 19.6k, nginx -> Node 16.8k.",
    ...(loadavg()[0]! > 2
      ? ["", "The box was busy (see the load above), so the req/s column does not settle the 0.8x target; re-run on a quiet box."]
      : []),
    "",
  ].join("\n");
  recordSection(HEADING, section);
}

await main();
