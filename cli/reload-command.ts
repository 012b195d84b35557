import fs from "node:fs";
import path from "node:path";
import { validateCommand } from "./validate.js";

/**
 * `nylon reload`: checks the config (with --config) and sends SIGHUP to the running nylon, found by
 * --pid, --pid-file, or (Linux) as the `nylon run` process serving that --config. The running proxy
 * logs whether it applied the reload; an invalid config is refused here before any signal is sent.
 */
export async function reloadCommand(options: { pid?: string; pidFile?: string; config?: string }): Promise<number> {
  if (options.config !== undefined && (await validateCommand(options.config)) !== 0) {
    process.stderr.write("nylon reload: the configuration is invalid; nothing was sent\n");
    return 1;
  }
  const pid = findPid(options);
  if (typeof pid === "string") {
    process.stderr.write(`nylon reload: ${pid}\n`);
    return 1;
  }
  try {
    process.kill(pid, "SIGHUP");
  } catch (err) {
    process.stderr.write(`nylon reload: cannot signal process ${pid}: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`sent SIGHUP to nylon (pid ${pid}); its log says whether the reload applied\n`);
  return 0;
}

/** The pid to signal, or why none was found. */
function findPid(options: { pid?: string; pidFile?: string; config?: string }): number | string {
  if (options.pid !== undefined) return /^\d+$/.test(options.pid) ? Number(options.pid) : `--pid ${options.pid} is not a process id`;
  if (options.pidFile !== undefined) {
    try {
      const text = fs.readFileSync(options.pidFile, "utf8").trim();
      return /^\d+$/.test(text) ? Number(text) : `${options.pidFile} does not hold a process id`;
    } catch (err) {
      return `cannot read ${options.pidFile}: ${(err as Error).message}`;
    }
  }
  if (options.config !== undefined) return findServing(path.resolve(options.config));
  return "give --pid, --pid-file or --config";
}

/** The `nylon run` process whose --config is `configFile` (read from /proc; Linux only). */
function findServing(configFile: string): number | string {
  if (!fs.existsSync("/proc/self/cmdline")) return "finding the process by --config needs /proc (Linux): give --pid instead";
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const run = args.indexOf("run");
      if (run < 0 || !args.some((a) => a.endsWith("nylon") || a.endsWith("nylon.js"))) continue;
      const flag = args.findIndex((a, i) => i > run && (a === "--config" || a === "-c"));
      const given = flag > 0 ? args[flag + 1] : args.find((a) => a.startsWith("--config="))?.slice("--config=".length);
      if (given === undefined) continue;
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if (path.resolve(cwd, given) === configFile) found.push(Number(entry));
    } catch {
      // the process ended meanwhile, or belongs to another user
    }
  }
  if (found.length === 1) return found[0]!;
  return found.length === 0 ? `no running nylon serves ${configFile}` : `several nylon processes serve ${configFile} (${found.join(", ")}): give --pid`;
}
