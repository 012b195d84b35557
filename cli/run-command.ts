import fs from "node:fs";
import { Proxy } from "../runtime/proxy.js";
import { NylonError } from "../runtime/errors.js";

/**
 * `nylon run --config FILE [--watch]`: serves until SIGTERM/SIGINT (graceful; a second signal exits at
 * once). SIGHUP reloads the config and every plugin.
 */
export async function runCommand(configFile: string, options: { watch?: boolean; pidFile?: string } = {}): Promise<void> {
  // SIGHUP's default action ends the process: until the proxy can reload, a SIGHUP is ignored.
  let proxy: Proxy | undefined;
  process.on("SIGHUP", () => {
    if (!proxy) return;
    proxy.logger.info({ signal: "SIGHUP" }, "reloading");
    void proxy.reload();
  });
  try {
    proxy = await Proxy.start(configFile);
  } catch (err) {
    process.stderr.write(`nylon: ${err instanceof NylonError ? `${err.message}` : String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  }
  const running = proxy;
  if (options.pidFile !== undefined) {
    // For `nylon reload --pid-file` and service managers; removed on exit.
    const pidFile = options.pidFile;
    fs.writeFileSync(pidFile, `${process.pid}\n`);
    process.on("exit", () => fs.rmSync(pidFile, { force: true }));
  }
  // --watch brings in the plugin toolchain; a plain run does not load it.
  const watch = options.watch ? new (await import("../runtime/reload/dev-watch.js")).DevWatch(running, configFile, running.logger) : undefined;
  watch?.start();
  let stopping = false;
  const stop = (signal: string) => {
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
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
