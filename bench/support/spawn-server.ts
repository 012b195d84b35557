// Starts a server in a child process on the server core and resolves once its port accepts connections,
// so every benchmark and the nylon conformance target wait for readiness the same way.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { onServerCore } from "./cpu-pinning.js";

export interface SpawnedServer {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  port: number;
  cwd?: string;
  readyTimeoutMs?: number;
  /** Also wait for this on the server's stderr (a nylon of several workers: until every worker serves). */
  readyLog?: RegExp;
}

const STDERR_TAIL_BYTES = 4000;

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export async function spawnServer(options: SpawnOptions): Promise<SpawnedServer> {
  const { command, args } = onServerCore(options.command, options.args);
  const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "ignore", "pipe"] });
  let stderrTail = "";
  let logged = options.readyLog === undefined;
  child.stderr?.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
    logged ||= options.readyLog!.test(stderrTail);
  });
  const describe = () => `${options.command} ${options.args.join(" ")}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  while (!logged || !(await portAccepts(options.port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${describe()} exited (${child.exitCode ?? child.signalCode}) before listening:\n${stderrTail}`);
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${describe()} did not accept on port ${options.port} in time:\n${stderrTail}`);
    }
    await sleep(50);
  }
  if (child.pid === undefined) throw new Error(`${describe()} has no pid`);
  return { pid: child.pid, port: options.port, stop: () => stopChild(child) };
}
