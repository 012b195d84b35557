import fs from "node:fs";
import type { Logger } from "pino";
import { checkWithoutServing } from "../runtime/check-config.js";
import { loadConfig } from "../runtime/config/load.js";
import type { NylonConfig } from "../runtime/config/schema.js";
import { NylonError } from "../runtime/errors.js";
import { StartupSplit } from "../runtime/observe/startup-split.js";
import { Proxy } from "../runtime/proxy.js";
import { resolveWorkerCount } from "../runtime/workers/worker-count.js";
import { importToolchain } from "../runtime/toolchain.js";

/** What `nylon run` serves: one proxy, or the primary of several worker processes. */
export interface RunningNode {
  readonly logger: Logger;
  readonly config: NylonConfig;
  reload(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * `nylon run --config FILE [--watch] [--workers N|auto]`: serves until SIGTERM/SIGINT (graceful; a
 * second signal exits at once). SIGHUP reloads the config and every plugin. With more than one worker
 * this process is the node's primary (runtime/workers/node-primary.ts) and the workers serve.
 */
export async function runCommand(configFile: string, options: { watch?: boolean; pidFile?: string; workers?: "auto" | number } = {}): Promise<void> {
  const split = new StartupSplit(); // everything before this is Node's start and loading nylon's modules
  // SIGHUP's default action ends the process: until the proxy can reload, a SIGHUP is ignored.
  let node: RunningNode | undefined;
  process.on("SIGHUP", () => {
    if (!node) return;
    node.logger.info({ signal: "SIGHUP" }, "reloading");
    void node.reload();
  });
  // SIGTERM and SIGINT are caught from the start: one that arrives while nylon starts (a worker may
  // already have opened the port) stops it once it has started, instead of the signal's default
  // action ending this process and leaving what it started behind.
  let pendingSignal: string | undefined;
  let stop = (signal: string): void => {
    if (pendingSignal !== undefined) process.exit(130); // a second one exits at once, as when serving
    pendingSignal = signal;
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  try {
    node = await start(configFile, options.workers, split);
  } catch (err) {
    process.stderr.write(`nylon: ${err instanceof NylonError ? `${err.message}` : String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  }
  const running = node;
  if (options.pidFile !== undefined) {
    // For `nylon reload --pid-file` and service managers; removed on exit.
    const pidFile = options.pidFile;
    fs.writeFileSync(pidFile, `${process.pid}\n`);
    process.on("exit", () => fs.rmSync(pidFile, { force: true }));
  }
  // --watch brings in the plugin toolchain; a plain run does not load it. With workers, the primary
  // builds once and reloads them all.
  let watch: import("../runtime/reload/dev-watch.js").DevWatch | undefined;
  if (options.watch) {
    try {
      const { DevWatch } = await importToolchain("nylon run --watch", () => import("../runtime/reload/dev-watch.js"));
      watch = new DevWatch(running, configFile, running.logger);
    } catch (err) {
      process.stderr.write(`nylon: ${err instanceof NylonError ? err.message : String((err as Error).stack ?? err)}\n`);
      process.exit(1);
    }
  }
  watch?.start();
  announceReady();
  let stopping = false;
  stop = (signal: string) => {
    if (stopping) {
      running.logger.warn({ signal }, "second signal: exiting now");
      process.exit(130);
    }
    stopping = true;
    watch?.stop();
    running.logger.info({ signal, grace_period_seconds: running.config.shutdown.grace_period_seconds }, "shutting down");
    running.stop().then(
      () => {
        running.logger.info("stopped");
        process.exit(0);
      },
      (err) => {
        running.logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  if (pendingSignal !== undefined) stop(pendingSignal);
}

/**
 * Tells a parent that started nylon with an IPC channel (PM2's `wait_ready`, a test harness) that it
 * serves: a connect to the port cannot say so, since another process may hold that port. The channel
 * must not keep nylon running: every way out of `nylon run` is an explicit exit.
 */
function announceReady(): void {
  if (!process.send) return;
  process.channel?.unref();
  process.send("ready");
}

async function start(configFile: string, workers: "auto" | number | undefined, split: StartupSplit): Promise<RunningNode> {
  const loaded = await loadConfig(configFile);
  const { config } = loaded;
  const count = resolveWorkerCount(workers ?? config.workers);
  if (count > 1) {
    // The primary checks what every worker will load (nylon validate's checks), so a refusal is
    // reported once, located, before any worker starts.
    await checkWithoutServing(loaded);
    const { NodePrimary } = await import("../runtime/workers/node-primary.js");
    return NodePrimary.start(config, configFile, count);
  }
  return Proxy.start(configFile, loaded, split);
}
