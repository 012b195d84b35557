import { spawn } from "node:child_process";
import readline from "node:readline";
import { NylonError } from "../errors.js";

export interface ToolchainRun {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Each line the tool writes to stderr, as it comes (progress for long builds). */
  onStderrLine?: (line: string) => void;
  /** How to install the tool, when it is not found. */
  installHint: string;
}

/**
 * Runs a compiled guest's toolchain (cargo, rustc, go) to completion and returns its stdout. A
 * failure is a NylonError NYLON_E_BUILD carrying the tool's own stderr, the text its users know; a
 * tool that is not installed says how to install it.
 */
export function runToolchain(run: ToolchainRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, { cwd: run.cwd, env: run.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: string[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    readline.createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", (line) => {
      stderr.push(line);
      run.onStderrLine?.(line);
    });
    child.once("error", (err: NodeJS.ErrnoException) => {
      const message = err.code === "ENOENT" ? `${run.command} was not found: ${run.installHint}` : `cannot run ${run.command}: ${err.message}`;
      reject(new NylonError("NYLON_E_BUILD", message, { cause: err }));
    });
    child.once("close", (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(stdout).toString("utf8"));
      const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
      reject(new NylonError("NYLON_E_BUILD", `${run.command} ${run.args[0] ?? ""} ${how}\n${stderr.join("\n").trimEnd()}`));
    });
  });
}
