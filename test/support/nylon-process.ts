// Starts a real `nylon run` process for end-to-end tests, on free ports, and stops it afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file compiles to dist/test/support/). */
export const repoRoot = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
/** The `nylon` command as the package ships it (the bundled runtime, `npm run build`). */
export const nylonBin = path.join(repoRoot, "dist", "bundle", "nylon.js");

export interface NylonProcess {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT */
  wsUrl: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`). Returns the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** A port that was free a moment ago (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error("the process exited before opening its port");
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves when `child` (nylon run) sends "ready"; rejects when it exits first or `timeoutMs` passes. */
function untilReady(child: ChildProcess, exit: Promise<number | null>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    child.on("message", (message) => {
      if (message !== "ready") return;
      clearTimeout(timer);
      resolve();
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the process exited (code ${code}) before it served`));
    });
  });
}

/** Writes a temporary YAML file; `{{PORT}}` in it is replaced by the given port. */
export function writeTempConfig(yaml: string, port: number, dir?: string): string {
  const folder = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "nylon-test-"));
  const file = path.join(folder, "nylon.yaml");
  fs.writeFileSync(file, yaml.replaceAll("{{PORT}}", String(port)).replaceAll("{{ROOT}}", repoRoot));
  return file;
}

/** Runs `nylon` with arguments to completion (for CLI tests). */
export function runNylon(
  args: string[],
  options: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nylonBin, ...args], {
      cwd: options.cwd ?? repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `nylon run` with a config (YAML text with `{{PORT}}` for the listener port, `{{ROOT}}` for
 * the repository root) and resolves once nylon says it serves. `args` go after
 * `--config FILE` (e.g. `--watch`); `nodeArgs` go to node, before the script.
 */
export async function startNylon(
  configYaml: string,
  options: { port?: number; env?: NodeJS.ProcessEnv; startTimeoutMs?: number; configDir?: string; args?: string[]; nodeArgs?: string[] } = {},
): Promise<NylonProcess> {
  const port = options.port ?? (await freePort());
  const configFile = writeTempConfig(configYaml, port, options.configDir);
  // An IPC channel: nylon says "ready" once it serves. Waiting for the port to accept instead let a
  // test talk to whatever other process of a parallel test file took that port first.
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), nylonBin, "run", "--config", configFile, ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  try {
    await untilReady(child, exit, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`nylon did not start: ${(err as Error).message}\n--- nylon output ---\n${output}`);
  } finally {
    child.disconnect?.();
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    child,
    logs: () => output,
    async stop(timeoutMs = 10_000) {
      if (exited) return exit;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
