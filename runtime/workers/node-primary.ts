import cluster from "node:cluster";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { loadConfig } from "../config/load.js";
import type { NylonConfig } from "../config/schema.js";
import { ListenerSet, type ListenerChange } from "../http/listeners.js";
import { createLogger, logLevel } from "../observe/logger.js";
import { opsEndpoints, type HealthState } from "../observe/ops-endpoints.js";
import { RestartPolicy } from "../plugin/restart-policy.js";
import { MemoryKvStore } from "../store/memory-kv-store.js";
import { warnAboutRestartOnlyKeys, type ReloadChanges } from "../proxy.js";
import type { FromWorker } from "./control-messages.js";
import { forwardLines } from "./line-forwarder.js";
import type { NodeCounts, NodeMetrics, WorkerReading } from "./node-metrics.js";
import { WorkerChannel } from "./worker-channel.js";

const WORKER_SCRIPT = fileURLToPath(new URL("./worker-process.js", import.meta.url));
/** Beyond the grace period, how long a stopping worker may take before it is killed. */
const STOP_MARGIN_MS = 5000;
/** How long /metrics waits for a worker; one that does not answer in time is left out of that scrape. */
const SCRAPE_TIMEOUT_MS = 5000;

/** One of the node's N places for a worker; the worker in it changes when it is restarted. */
interface WorkerSlot {
  /** 1..N: the worker's number in logs and metrics, whichever process holds the slot. */
  index: number;
  channel: WorkerChannel | null;
  /** The room adapter's node id of the worker in the slot, and where its room links listen (null: Redis). */
  nodeId: string | null;
  socketPath: string | null;
  serving: boolean;
  restarts: RestartPolicy;
  restartTimer: NodeJS.Timeout | undefined;
}

/**
 * The primary of a node of several workers (`workers: N` or `auto`): it loads the configuration, opens
 * nothing but the `metrics:` listeners, forks N workers (runtime/workers/worker-process.ts) that each
 * serve every proxy listener through node:cluster's shared handles, and is the node to the operator:
 * one /metrics and /health, one log stream, SIGHUP reloads every worker or none, SIGTERM drains them
 * all. A worker that exits unexpectedly is started again, with backoff when that keeps happening.
 */
export class NodePrimary {
  private current: NylonConfig;
  private readonly slots: WorkerSlot[];
  /** Kept all along; the Prometheus metrics read them once a `metrics` listener is configured. */
  private readonly counts: NodeCounts;
  private metrics: NodeMetrics | null = null;
  private readonly listeners: ListenerSet;
  private readonly linkDir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-node-"));
  /** The node's memory store: every worker's store operations run here (store/primary-kv-store.ts). */
  private readonly store = new MemoryKvStore();
  /** Reloads and restarts, one at a time: a worker never starts with a configuration a reload is replacing. */
  private operations: Promise<unknown> = Promise.resolve();
  private reloadIds = 0;
  private scrapeIds = 0;
  private starting = true;
  private draining = false;

  private constructor(
    config: NylonConfig,
    private readonly configFile: string,
    readonly logger: Logger,
    workers: number,
  ) {
    this.current = config;
    this.slots = Array.from({ length: workers }, (_, i) => ({
      index: i + 1,
      channel: null,
      nodeId: null,
      socketPath: null,
      serving: false,
      restarts: new RestartPolicy(),
      restartTimer: undefined,
    }));
    this.counts = { reloads: { applied: 0, rejected: 0 }, restarts: 0, serving: () => this.slots.filter((slot) => slot.serving).length };
    this.listeners = new ListenerSet({
      // This process opens no proxy listener: the workers do.
      proxy: {
        request: (_req, res) => res.destroy(),
        upgrade: (_req, socket) => socket.destroy(),
        connect: (_req, socket) => socket.destroy(),
        clientError: (_err, socket) => socket.destroy(),
      },
      metrics: opsEndpoints(() => this.metrics && { contentType: this.metrics.contentType, scrape: () => this.scrape(this.metrics!) }, () => this.health()),
      certificates: () => null,
      settings: () => ({ headerTimeoutMs: this.current.request_header_timeout_ms }),
    });
    cluster.setupPrimary({ exec: WORKER_SCRIPT, args: [], silent: true, serialization: "advanced" });
  }

  get config(): NylonConfig {
    return this.current;
  }

  /**
   * Loads the configuration, opens `metrics:`, starts every worker (each loads its plugins), and only
   * once all are ready has them open the proxy listeners. If any worker cannot start, none serves:
   * the others are stopped and the reason is thrown.
   */
  static async start(config: NylonConfig, configFile: string, workers: number): Promise<NodePrimary> {
    // The node's own lines: no `worker` field (the workers' lines have theirs).
    const logger = createLogger(config.log.level);
    const primary = new NodePrimary(config, configFile, logger, workers);
    try {
      await primary.serveMetrics(config);
      await (await primary.listeners.prepare({ http: [], https: [], metrics: config.metrics }, null)).commit(null);
      await Promise.all(primary.slots.map((slot) => primary.startWorker(slot)));
      await Promise.all(primary.slots.map((slot) => primary.listen(slot)));
    } catch (err) {
      await primary.stop(0);
      throw err;
    }
    primary.starting = false;
    logger.info({ workers, http: config.http, https: config.https, metrics: config.metrics }, "nylon node is serving");
    return primary;
  }

  /**
   * Reloads every worker or none: the primary reads the configuration, every serving worker builds it
   * beside its running one (plugins, routes, listeners it adds), and only when all of them succeeded
   * do they all switch to it; a failure anywhere undoes it everywhere and is logged. Each worker then
   * behaves as a single nylon's reload does (requests keep their configuration, WebSockets stay).
   */
  reload(): Promise<boolean> {
    const reload = this.operations.then(() => this.reloadNow());
    this.operations = reload.catch(() => undefined);
    return reload;
  }

  /**
   * Drains the node: /health answers 503 at once, every worker drains within the grace period (its
   * WebSockets closed with 1001), and one still running after it (plus a margin) is killed.
   */
  async stop(graceMs = this.current.shutdown.grace_period_seconds * 1000): Promise<void> {
    this.draining = true;
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    const running = this.slots.flatMap((slot) => (slot.channel ? [slot.channel] : []));
    const exits = running.map((channel) => new Promise((resolve) => (channel.worker.isDead() ? resolve(undefined) : channel.worker.once("exit", resolve))));
    for (const channel of running) channel.tell({ type: "stop", graceMs });
    const timeout = new Promise((resolve) => setTimeout(resolve, graceMs + STOP_MARGIN_MS).unref());
    await Promise.race([Promise.all(exits), timeout]);
    for (const channel of running) if (!channel.worker.isDead()) channel.worker.process.kill("SIGKILL");
    await Promise.all(exits);
    await this.listeners.closeAll();
    await this.store.close();
    fs.rmSync(this.linkDir, { recursive: true, force: true });
  }

  private health(): HealthState {
    if (this.draining) return { healthy: false, text: "draining" };
    const serving = this.slots.filter((slot) => slot.serving).length;
    if (serving === 0) return { healthy: false, text: "no worker is serving" };
    return { healthy: true, text: serving === this.slots.length ? "ok" : `ok: ${serving} of ${this.slots.length} workers serving` };
  }

  /** Forks a worker into the slot and has it build the configuration in force; resolves once it is ready. */
  private async startWorker(slot: WorkerSlot): Promise<void> {
    const worker = cluster.fork();
    const channel = new WorkerChannel(worker);
    slot.channel = channel;
    forwardLines(worker.process.stdout!, process.stdout);
    forwardLines(worker.process.stderr!, process.stderr);
    worker.on("exit", (code: number | null, signal: string | null) => this.exited(slot, channel, code, signal));
    worker.on("message", (message: FromWorker) => {
      if (message.type === "kv") this.store.execute(message.namespace, message.op, message.quota, (outcome) => channel.tell({ type: "kv-answer", id: message.id, outcome }));
    });
    await channel.reply((answer) => (answer.type === "listening" ? true : undefined));
    const ready = await channel.request(
      {
        type: "start",
        config: this.current,
        configFile: this.configFile,
        index: slot.index,
        linkDir: this.linkDir,
        prettyLogs: process.stderr.isTTY === true,
      },
      (answer) => {
        if (answer.type === "start-failed") throw new Error(answer.message);
        return answer.type === "ready" ? answer : undefined;
      },
    );
    slot.nodeId = ready.nodeId;
    slot.socketPath = ready.socketPath;
    this.announcePeers();
  }

  private async listen(slot: WorkerSlot): Promise<void> {
    await slot.channel!.request({ type: "listen" }, (answer) => (answer.type === "serving" ? true : undefined));
    slot.serving = true;
  }

  /** Tells every ready worker who the node's workers are, so their room links follow. */
  private announcePeers(): void {
    const peers = this.slots.flatMap((slot) => (slot.nodeId && slot.socketPath ? [{ nodeId: slot.nodeId, socketPath: slot.socketPath }] : []));
    for (const slot of this.slots) if (slot.nodeId) slot.channel?.tell({ type: "peers", peers });
  }

  private exited(slot: WorkerSlot, channel: WorkerChannel, code: number | null, signal: string | null): void {
    if (slot.channel !== channel) return;
    const { nodeId, socketPath } = slot;
    Object.assign(slot, { channel: null, nodeId: null, socketPath: null, serving: false });
    if (socketPath) fs.rmSync(socketPath, { force: true });
    this.announcePeers();
    if (nodeId) for (const other of this.slots) other.channel?.tell({ type: "worker-gone", nodeId });
    if (this.draining || this.starting) return;
    slot.restarts.recordFailure();
    const waitMs = slot.restarts.waitMs();
    this.logger.error({ worker: slot.index, worker_pid: channel.pid, code, signal, restart_in_ms: waitMs }, "worker exited unexpectedly; starting another");
    this.counts.restarts++;
    slot.restartTimer = setTimeout(() => {
      this.operations = this.operations.then(() => this.restart(slot));
    }, waitMs);
  }

  private async restart(slot: WorkerSlot): Promise<void> {
    if (this.draining) return;
    try {
      await this.startWorker(slot);
      await this.listen(slot);
      this.logger.info({ worker: slot.index, worker_pid: slot.channel?.pid }, "worker serving again");
    } catch (err) {
      // It exited; exited() has already scheduled the next attempt.
      this.logger.error({ worker: slot.index, err: (err as Error).message }, "worker failed to start");
    }
  }

  private async reloadNow(): Promise<boolean> {
    if (this.draining) return false;
    const started = Date.now();
    const id = ++this.reloadIds;
    const workers = this.slots.flatMap((slot) => (slot.serving && slot.channel ? [{ slot, channel: slot.channel }] : []));
    const prepared: typeof workers = [];
    let metricsListeners: ListenerChange | undefined;
    let config: NylonConfig;
    try {
      config = (await loadConfig(this.configFile)).config;
      const results = await Promise.allSettled(
        workers.map(async (w) => {
          await w.channel.request({ type: "prepare-reload", id, config }, (answer) => {
            if (answer.type === "reload-failed" && answer.id === id) throw new Error(`worker ${w.slot.index}: ${answer.message}`);
            return answer.type === "reload-prepared" && answer.id === id ? true : undefined;
          });
          prepared.push(w);
        }),
      );
      const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failed) throw failed.reason;
      await this.serveMetrics(config);
      metricsListeners = await this.listeners.prepare({ http: [], https: [], metrics: config.metrics }, null);
    } catch (err) {
      await Promise.allSettled(prepared.map((w) => w.channel.request({ type: "abort-reload", id }, (a) => (a.type === "aborted" && a.id === id ? true : undefined))));
      this.counts.reloads.rejected++;
      this.logger.error({ err: (err as Error).message }, "reload rejected; the running configuration is unchanged");
      return false;
    }
    // Every worker has the new configuration built: from here on it is the node's, for restarts too.
    const previous = this.current;
    this.current = config;
    const committed = await Promise.allSettled(
      prepared.map((w) => w.channel.request({ type: "commit-reload", id }, (a) => (a.type === "reload-committed" && a.id === id ? a.changes : undefined))),
    );
    await metricsListeners.commit(null);
    this.logger.level = logLevel(config.log.level);
    warnAboutRestartOnlyKeys(this.logger, previous, config);
    if (previous.workers !== config.workers) this.logger.warn("workers changed: it applies at the next restart, not on reload");
    this.counts.reloads.applied++;
    const changes = committed.find((result): result is PromiseFulfilledResult<ReloadChanges> => result.status === "fulfilled")?.value;
    this.logger.info({ ms: Date.now() - started, workers: prepared.length, ...changes }, "configuration reloaded");
    return true;
  }

  /** Every serving worker's registry, aggregated; a worker that does not answer in time is left out. */
  private async scrape(metrics: NodeMetrics): Promise<string> {
    const id = ++this.scrapeIds;
    const readings = await Promise.all(
      this.slots.map(async (slot): Promise<WorkerReading | null> => {
        if (!slot.serving || !slot.channel) return null;
        const match = (answer: FromWorker) => (answer.type === "scraped" && answer.id === id ? answer.metrics : undefined);
        const metrics = await slot.channel.request({ type: "scrape", id }, match, SCRAPE_TIMEOUT_MS).catch(() => null);
        return metrics && { index: slot.index, metrics };
      }),
    );
    return metrics.text(readings.filter((reading): reading is WorkerReading => reading !== null));
  }

  /**
   * Builds the node's Prometheus metrics (loading prom-client) the first time a configuration has a
   * `metrics` listener; they stay for the process's life, reading the counts kept all along.
   */
  private async serveMetrics(config: NylonConfig): Promise<void> {
    if (config.metrics.length > 0 && !this.metrics) {
      const { NodeMetrics } = await import("./node-metrics.js");
      this.metrics = new NodeMetrics(this.counts);
    }
  }
}
