import { Proxy } from "../runtime/proxy.js";
import { NylonError } from "../runtime/errors.js";

/** `nylon run --config FILE`: serves until SIGTERM/SIGINT (graceful), a second signal exits at once. */
export async function runCommand(configFile: string): Promise<void> {
  let proxy: Proxy;
  try {
    proxy = await Proxy.start(configFile);
  } catch (err) {
    process.stderr.write(`nylon: ${err instanceof NylonError ? `${err.message}` : String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    proxy.logger.info({ signal }, "shutting down");
    proxy.stop().then(
      () => process.exit(0),
      (err) => {
        proxy.logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
