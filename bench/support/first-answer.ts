// One start of a server process, timed from spawn to its first correct answer (polling every 3 ms),
// then its resident memory 2 s later; nylon's own debug lines give the split of both.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { MemorySplit } from "../../runtime/observe/memory-split.js";
import type { StartupSplitJson } from "../../runtime/observe/startup-split.js";
import type { Probe } from "./startup-configs.js";
import { cpuMicroseconds, rssBytes } from "./proc-stats.js";

const POLL_MS = 3;
const IDLE_AFTER_MS = 2000;
const START_TIMEOUT_MS = 60_000;
/** How long to wait for nylon's "memory at rest" line once the RSS is read. */
const SPLIT_WAIT_MS = 3000;

export interface StartRun {
  firstAnswerMs: number;
  /** CPU time (user + system) the process had used by its first answer: less swayed by a busy machine. */
  cpuMs: number;
  /** VmRSS 2 s after the first answer. */
  idleRss: number;
  /** Wall time of 100 requests one after another (keep-alive) once at rest, then of the next 100. */
  first100Ms: number;
  next100Ms: number;
  startup?: StartupSplitJson;
  memory?: MemorySplit;
}

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string } | null;

function ask(probe: Probe, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port: probe.port, path: probe.path, headers: probe.host ? { host: probe.host } : {}, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", () => resolve(null));
    });
    req.on("error", () => resolve(null));
    req.end();
  });
}

/** Starts `command args`, waits for the probe's correct answer, reads the RSS 2 s later, stops it. */
export async function measureStart(command: string, args: string[], probe: Probe, env: NodeJS.ProcessEnv = process.env): Promise<StartRun> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], env });
  let stderr = "";
  let startup: StartupSplitJson | undefined;
  let memory: MemorySplit | undefined;
  let pending = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as { msg?: string; startup_ms?: StartupSplitJson; memory_bytes?: MemorySplit };
      if (entry.msg === "startup split") startup = entry.startup_ms;
      if (entry.msg === "memory at rest") memory = entry.memory_bytes;
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    let firstAnswerMs: number | undefined;
    let cpuMs = 0;
    let wrong = "";
    while (firstAnswerMs === undefined) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(" ")} exited (${child.exitCode}) before answering:\n${stderr}`);
      if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`no correct answer within ${START_TIMEOUT_MS} ms (last: ${wrong}):\n${stderr}`);
      const answer = await ask(probe);
      const problem = answer ? probe.check(answer.status, answer.headers, answer.body) : "no connection";
      if (problem === null) {
        firstAnswerMs = performance.now() - started;
        cpuMs = cpuMicroseconds(child.pid!) / 1000;
      } else {
        wrong = problem;
        await sleep(POLL_MS);
      }
    }
    await sleep(IDLE_AFTER_MS);
    const idleRss = rssBytes(child.pid!);
    const waitSplit = performance.now() + SPLIT_WAIT_MS;
    while (startup && !memory && performance.now() < waitSplit) await sleep(50);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first100Ms = await timeRequests(probe, agent, 100);
    const next100Ms = await timeRequests(probe, agent, 100);
    agent.destroy();
    return { firstAnswerMs, cpuMs, idleRss, first100Ms, next100Ms, ...(startup && { startup }), ...(memory && { memory }) };
  } finally {
    child.kill("SIGTERM");
    const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(forced);
  }
}

/** Wall time of `count` correct answers asked one after another. */
async function timeRequests(probe: Probe, agent: Agent, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const answer = await ask(probe, agent);
    const problem = answer ? probe.check(answer.status, answer.headers, answer.body) : "no connection";
    if (problem !== null) throw new Error(`request ${i + 1} of ${count} after the start: ${problem}`);
  }
  return performance.now() - started;
}

/** Spawn to exit of a command that ends by itself (`node -e 0`). */
export async function measureExit(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: "ignore" });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
  return performance.now() - started;
}

export interface ImportRun {
  /** Wall time of the `import()` itself. */
  importMs: number;
  /** CPU time of the process from its start to the import's end. */
  cpuMs: number;
  rss: number;
}

/** `import()` of `entry` in a fresh process: its time, the process's CPU until then, and the RSS after. */
export async function measureImport(node: string, entry: string): Promise<ImportRun> {
  const code = `const t = performance.now(); await import(${JSON.stringify(entry)}); const importMs = performance.now() - t;
const cpu = process.cpuUsage(); console.log(JSON.stringify({ importMs, cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage.rss() }));`;
  const child = spawn(node, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => (out += chunk));
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`import of ${entry} exited ${code}`))));
  });
  return JSON.parse(out) as ImportRun;
}
