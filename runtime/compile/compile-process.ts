import { fork } from "node:child_process";
import fs from "node:fs";
import { NylonError } from "../errors.js";
import type { BuildProgress, PluginSource } from "./guest-language.js";
import type { CompileChildReply, CompileChildRequest } from "./compile-child.js";

/**
 * How long and how much memory one plugin's compile may take. A TypeScript plugin's top-level code
 * runs at build time (its state is snapshotted into the component), so a loop there would hang the
 * build for ever and a huge allocation would take the machine's memory; a normal build takes a few
 * seconds and about 300 MB.
 */
export interface BuildLimits {
  timeLimitMs: number;
  memoryLimitMb: number;
}

export const DEFAULT_BUILD_LIMITS: BuildLimits = { timeLimitMs: 60_000, memoryLimitMb: 1024 };

const MEMORY_POLL_MS = 100;

/**
 * Runs `compile` of the source's language in a child process, which is killed (with anything it
 * started) when it runs over `limits`. The child is the only way to stop a compile for sure: the
 * componentizer runs the plugin's top-level code in native code that nothing in this process can
 * interrupt.
 */
export function compileInChildProcess(source: PluginSource, progress: BuildProgress, limits: BuildLimits): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL("./compile-child.js", import.meta.url), [], {
      serialization: "advanced",
      // Its own process group, so a kill also ends the tools it started (a compiler, a linker).
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(memoryWatch);
      killGroup(child.pid);
      outcome();
    };
    const fail = (message: string) => settle(() => reject(new NylonError("NYLON_E_BUILD", message)));
    const timer = setTimeout(
      () =>
        fail(
          `the build ran over its time limit (${limits.timeLimitMs / 1000} s) and was stopped. ` +
            "A plugin's top-level code runs at build time: does it loop without end? (raise the limit with --time-limit)",
        ),
      limits.timeLimitMs,
    );
    const memoryWatch = setInterval(() => {
      const mb = residentMb(child.pid);
      if (mb !== undefined && mb > limits.memoryLimitMb) {
        fail(
          `the build used over ${limits.memoryLimitMb} MB of memory and was stopped. ` +
            "A plugin's top-level code runs at build time: does it allocate that much? (raise the limit with --memory-limit)",
        );
      }
    }, MEMORY_POLL_MS);
    child.on("message", (reply: CompileChildReply) => {
      if ("step" in reply) progress(reply.step);
      else if ("component" in reply) settle(() => resolve(reply.component));
      else settle(() => reject(new NylonError("NYLON_E_BUILD", reply.error)));
    });
    child.once("error", (err) => fail(`the build process could not start: ${err.message}`));
    child.once("exit", (code, signal) =>
      fail(`the build process ended before it finished (${signal ?? `exit code ${code}`})${output.trim() ? `:\n${output.trim()}` : ""}`),
    );
    child.send({ source } satisfies CompileChildRequest);
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** The process's resident memory, from /proc (Linux); undefined elsewhere, where only the time limit holds. */
function residentMb(pid: number | undefined): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
