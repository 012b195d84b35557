// A worker of a multi-worker node: node:cluster forks this file (runtime/workers/node-primary.ts). It
// serves the proxy listeners with a Proxy of its own and does what its primary says; the primary alone
// reads the config file, serves `metrics:` and answers signals for the node.
import { NylonError } from "../errors.js";
import { Proxy, type PreparedReload } from "../proxy.js";
import { PrimaryKvStore } from "../store/primary-kv-store.js";
import { WorkersAdapter } from "../websocket/adapters/workers-adapter.js";
import type { FromWorker, ToWorker } from "./control-messages.js";

/** How long a worker that crashed gives its WebSockets to take their 1012 close before it exits. */
const CRASH_CLOSE_MS = 1000;

let proxy: Proxy | undefined;
const prepared = new Map<number, PreparedReload>();
let stopping = false;
// process.send's false means "queued behind a backlog", not "lost": only a closed channel fails the operation.
const nodeStore = new PrimaryKvStore((request) => {
  if (!process.connected) return false;
  process.send!(request);
  return true;
});

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "start":
      return start(message);
    case "listen":
      await proxy!.listen();
      return send({ type: "serving" });
    case "peers":
      if (proxy?.hub.adapter instanceof WorkersAdapter) proxy.hub.adapter.setPeers(message.peers);
      return;
    case "prepare-reload":
      try {
        prepared.set(message.id, await proxy!.prepareReload(message.config));
        return send({ type: "reload-prepared", id: message.id });
      } catch (err) {
        return send({ type: "reload-failed", id: message.id, message: (err as Error).message });
      }
    case "commit-reload": {
      const changes = await prepared.get(message.id)!.commit();
      prepared.delete(message.id);
      return send({ type: "reload-committed", id: message.id, changes });
    }
    case "abort-reload":
      await prepared.get(message.id)?.abort();
      prepared.delete(message.id);
      return send({ type: "aborted", id: message.id });
    case "scrape":
      return send({ type: "scraped", id: message.id, metrics: await proxy!.metricsReading() });
    case "worker-gone":
      return proxy?.hub.adapter.nodeDied?.(message.nodeId);
    case "stop":
      return stop(message.graceMs, 1001);
    case "kv-answer":
      return nodeStore.answer(message);
  }
}

async function start(message: Extract<ToWorker, { type: "start" }>): Promise<void> {
  try {
    proxy = await Proxy.create(message.config, message.configFile, { index: message.index, prettyLogs: message.prettyLogs, linkDir: message.linkDir, nodeStore });
    const adapter = proxy.hub.adapter;
    await send({ type: "ready", nodeId: proxy.hub.nodeId, socketPath: adapter instanceof WorkersAdapter ? adapter.socketPath : null });
  } catch (err) {
    await send({ type: "start-failed", message: err instanceof NylonError ? err.message : String((err as Error).stack ?? err) });
    process.exit(1);
  }
}

/** Drains and exits. Stopped by the primary (the node stops), clients see 1001; stopped alone, 1012. */
async function stop(graceMs: number, closeCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (proxy) {
    proxy.logger.info({ close_code: closeCode }, "worker stopping");
    await proxy.stop(graceMs, closeCode);
  }
  process.exit(0);
}

process.on("message", (message: ToWorker) => {
  handle(message).catch((err: unknown) => crash(err));
});
void send({ type: "listening" });

// The node's signals are the primary's: a terminal's Ctrl-C (SIGINT) and hang-up (SIGHUP) reach every
// process of the group, and the primary stops or reloads all workers. SIGTERM sent to this worker
// alone stops it alone; its clients are told to come back (1012) and the primary starts another.
process.on("SIGINT", () => {});
process.on("SIGHUP", () => {});
process.on("SIGTERM", () => void stop(proxy ? proxy.config.shutdown.grace_period_seconds * 1000 : 0, 1012));

// A bug that escapes everything: the worker is in an unknown state, so it goes, but its WebSocket
// clients first hear 1012 (service restart: reconnect) rather than a dropped connection; the primary
// starts another.
process.on("uncaughtException", (err) => crash(err));

function crash(err: unknown): void {
  if (!proxy) {
    process.stderr.write(`nylon worker: ${String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  }
  proxy.logger.fatal({ err }, "worker failed; closing its WebSockets with 1012 and exiting");
  proxy.hub.closeAll(1012, "service restart", CRASH_CLOSE_MS).finally(() => process.exit(1));
}
