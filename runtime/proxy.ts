import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { checkConfig, listenIssue, type CheckedConfig } from "./check-config.js";
import { loadConfig, type LoadedConfig } from "./config/load.js";
import type { NylonConfig } from "./config/schema.js";
import { ListenError, ListenerSet, type ListenerAddresses } from "./http/listeners.js";
import { preloadHttpClient } from "./http/http-client.js";
import { buildProxyState } from "./http/proxy-state.js";
import { RequestPipeline } from "./http/request-pipeline.js";
import { TlsCertificates } from "./http/tls-certificates.js";
import { createLogger, logLevel } from "./observe/logger.js";
import { memorySplit } from "./observe/memory-split.js";
import type { ProxyMetrics } from "./observe/metrics.js";
import { ProxyCounters } from "./observe/proxy-counters.js";
import { opsEndpoints } from "./observe/ops-endpoints.js";
import { StartupSplit } from "./observe/startup-split.js";
import { compiledModuleBytes } from "./plugin/compiled-modules.js";
import type { PluginHost } from "./plugin/plugin-host.js";
import { loadPlugins } from "./plugin/plugin-loader.js";
import { Generation } from "./reload/generation.js";
import { RetiredGenerations } from "./reload/retired-generations.js";
import { WebSocketHub } from "./websocket/websocket-hub.js";
import { createRoomAdapter } from "./websocket/adapters/create-adapter.js";
import { HTTP_SERVICE_DEFAULTS } from "./config/schema.js";
import { UndiciTransport } from "./outbound/undici-transport.js";
import { nextTurn, type PluginServices } from "./plugin/plugin-services.js";
import { createKvStore } from "./store/create-kv-store.js";
import type { KvStore } from "./store/kv-store.js";
import type { WorkerMetrics } from "./workers/control-messages.js";

/** The longest shutdown waits, after the grace period, for plugins, upstream pools, Redis and listeners to close. */
const CLEANUP_CAP_MS = 1000;

/** How long after "nylon is serving" the memory at rest is logged (debug level). */
const MEMORY_AT_REST_DELAY_MS = 2000;

/**
 * A proxy that is one of several workers of a node (runtime/workers/): its primary serves the
 * `metrics:` listeners, counts and logs reloads, and gives it the links to the other workers.
 */
export interface WorkerRole {
  /** 1..N, stable across restarts of the worker; on every log line. */
  index: number;
  /** Pretty log lines: the primary's stderr, where they end up, is a terminal. */
  prettyLogs: boolean;
  /** Where the workers link to each other, to share rooms (with `adapter_type: memory`). */
  linkDir: string;
  /** The node's memory store, kept by the primary (with `store.backend: memory`). */
  nodeStore: KvStore;
}

/** What a prepared reload changes, once committed. */
export interface ReloadChanges {
  opened: string[];
  closed: string[];
  plugins: string[];
}

/**
 * A configuration built beside the running one (plugins started, listeners it adds bound), not yet
 * in force: commit swaps it in and cannot fail; abort drops it and changes nothing.
 */
export interface PreparedReload {
  commit(): Promise<ReloadChanges>;
  abort(): Promise<void>;
}

/** A running nylon: listeners, the current configuration's state, plugins and WebSockets. */
export class Proxy {
  readonly hub: WebSocketHub;
  /** Kept all along; the Prometheus metrics read them once a `metrics` listener is configured. */
  readonly counters = new ProxyCounters();
  private metrics: ProxyMetrics | null = null;
  private current!: Generation;
  private readonly listeners: ListenerSet;
  private readonly retired: RetiredGenerations;
  /** Upgrades not yet taken by a plugin, with the release of the generation they pin. */
  private readonly pendingUpgrades = new WeakMap<Duplex, () => void>();
  private draining = false;
  private reloads: Promise<boolean> = Promise.resolve(true);
  /** Where the start's time went, until listen logs it. */
  private startup: StartupSplit | null = null;

  private constructor(
    private readonly configFile: string,
    readonly logger: Logger,
    hub: WebSocketHub,
    private readonly worker: WorkerRole | undefined,
    /** The store, outbound client and answer queue every plugin of every configuration shares. */
    private readonly services: PluginServices,
  ) {
    this.hub = hub;
    this.retired = new RetiredGenerations(logger);
    // The pipeline reads the current state once per request, right after the request pinned it.
    const pipeline = new RequestPipeline(() => this.current.state, this.counters);
    hub.onAccepted = (socket) => this.pendingUpgrades.get(socket)?.();
    this.listeners = new ListenerSet({
      proxy: {
        request: (req, res) => {
          // One pin per request (pipelined requests share a socket).
          res.once("close", this.current.pin({ destroy: () => req.socket.destroy() }));
          pipeline.handleRequest(req, res);
        },
        upgrade: (req, socket, head) => {
          // Until a plugin accepts it (then its instance holds it) or it closes (answered, or a tunnel ended).
          const release = this.current.pin({ destroy: () => socket.destroy() });
          // Forgotten once released: an accepted WebSocket's socket must not keep its whole generation
          // (every plugin instance of that configuration) reachable for as long as it stays open.
          const unpin = (): void => {
            this.pendingUpgrades.delete(socket);
            socket.off("close", unpin);
            release();
          };
          this.pendingUpgrades.set(socket, unpin);
          socket.once("close", unpin);
          pipeline.handleUpgrade(req, socket, head);
        },
        connect: (req, socket) => pipeline.handleConnect(req, socket),
        clientError: (err, socket) => pipeline.handleClientError(err, socket),
      },
      metrics: opsEndpoints(() => this.metrics, () => (this.draining ? { healthy: false, text: "draining" } : { healthy: true, text: "ok" })),
      certificates: () => this.current.certificates,
      settings: () => ({ headerTimeoutMs: this.current.config.request_header_timeout_ms }),
    });
  }

  get config(): NylonConfig {
    return this.current.config;
  }

  /**
   * Loads (unless `loaded` is the file already read) and checks everything (config, certificates,
   * plugins, routes) before opening any port: an invalid configuration never opens a listener.
   */
  static async start(configFile: string, loaded?: LoadedConfig, split = new StartupSplit()): Promise<Proxy> {
    loaded ??= await loadConfig(configFile);
    split.step("config");
    const proxy = await Proxy.create(loaded.config, configFile, undefined, loaded, split);
    await proxy.listen(loaded);
    return proxy;
  }

  /**
   * Everything but the listeners, from a configuration already loaded: certificates, the room
   * adapter, plugins (started and initialised), routes. `configFile` is where a reload reads it again.
   * With `loaded` (the file as read, with its places) every check `nylon validate` makes runs and each
   * problem is reported at its place; a worker gets the configuration its primary checked. `split`
   * times each step (logged at debug level once listening).
   */
  static async create(
    config: NylonConfig,
    configFile: string,
    worker?: WorkerRole,
    loaded?: LoadedConfig,
    split = new StartupSplit(),
  ): Promise<Proxy> {
    const logger = createLogger(config.log.level, worker && { fields: { worker: worker.index }, pretty: worker.prettyLogs });
    const hub = new WebSocketHub(undefined, logger);
    let services: PluginServices | undefined;
    try {
      hub.useAdapter(await createRoomAdapter(config.websocket, hub, logger, worker?.linkDir));
      await hub.adapter.start();
      const store = worker && config.store.backend === "memory" ? worker.nodeStore : await createKvStore(config.store, config.websocket.redis, hub.nodeId, logger);
      services = { store, outbound: null, schedule: nextTurn() };
      const proxy = new Proxy(configFile, logger, hub, worker, services);
      await proxy.prepareOutbound(config);
      split.step("adapter");
      const { certificates, plugins } = await loadChecked(config, loaded, hub, logger, services, split);
      proxy.observe(plugins);
      split.step("plugins");
      await preloadFor(config);
      proxy.current = new Generation(config, certificates, buildProxyState(config, plugins, hub, logger));
      await proxy.serveMetrics(config);
      proxy.timeRequests(config);
      split.step("routes");
      proxy.startup = split;
      return proxy;
    } catch (err) {
      hub.stop();
      await hub.adapter.stop();
      // A refused start releases what it opened: a Redis store's client would otherwise reconnect forever.
      await services?.outbound?.close();
      if (services && services.store !== worker?.nodeStore) await services.store.close();
      throw err;
    }
  }

  /**
   * Opens the configuration's listeners. One that cannot be opened stops the plugins and, with
   * `loaded`, is reported at its place in the configuration.
   */
  async listen(loaded?: LoadedConfig): Promise<void> {
    const { config, certificates } = this.current;
    const listeners = await this.listeners.prepare(this.addressesOf(config), certificates).catch(async (err: unknown) => {
      await this.cleanUp();
      throw loaded && err instanceof ListenError ? listenIssue(loaded, err) : err;
    });
    await listeners.commit(certificates);
    this.startup?.step("listen");
    const plugins = [...this.current.state.plugins.keys()];
    this.logger.info({ ...this.addressesOf(config), plugins, node: this.hub.nodeId }, "nylon is serving");
    if (this.startup) this.logStartup(this.startup);
    this.startup = null;
  }

  /**
   * At debug level: where the start's time went, and a moment later, once the start's garbage can
   * have been collected, where the memory at rest goes (bench/startup reads both).
   */
  private logStartup(split: StartupSplit): void {
    if (!this.logger.isLevelEnabled("debug")) return;
    this.logger.debug({ startup_ms: split.toJSON() }, "startup split");
    setTimeout(() => {
      const linear = Object.fromEntries([...this.current.state.plugins].map(([name, p]) => [name, p.linearMemoryBytes()]));
      this.logger.debug({ memory_bytes: memorySplit(compiledModuleBytes(), linear) }, "memory at rest");
    }, MEMORY_AT_REST_DELAY_MS).unref();
  }

  /** This process's series, for its node's primary to aggregate (empty until a `metrics` listener is configured). */
  async metricsReading(): Promise<WorkerMetrics> {
    return this.metrics ? this.metrics.registry.getMetricsAsJSON() : [];
  }

  /**
   * Re-reads the config file, its certificates and every plugin .wasm, and swaps them in only if all
   * of it loads: new requests and connections use the new configuration, requests in flight finish on
   * the old one, and open WebSockets stay on their old plugin instance until they close or the drain
   * limit (`websocket.reload_drain_ms`) closes them. Anything invalid changes nothing and is logged.
   * Reloads run one at a time; resolves to whether it applied.
   */
  reload(): Promise<boolean> {
    this.reloads = this.reloads.then(() => this.reloadNow());
    return this.reloads;
  }

  private async reloadNow(): Promise<boolean> {
    if (this.draining) return false;
    const started = Date.now();
    try {
      const loaded = await loadConfig(this.configFile);
      const changes = await (await this.prepareReload(loaded.config, loaded)).commit();
      this.counters.reloaded(true);
      this.logger.info({ ms: Date.now() - started, ...changes }, "configuration reloaded");
      return true;
    } catch (err) {
      this.counters.reloaded(false);
      this.logger.error({ err: (err as Error).message }, "reload rejected; the running configuration is unchanged");
      return false;
    }
  }

  /**
   * Builds `config` beside the running configuration: certificates, plugins (started, init run),
   * routes, and the listeners it adds. Throws, having undone all of it, when any of it fails. A node's
   * primary prepares every worker before committing any (runtime/workers/). With `loaded`, the
   * checks and located problems of a start.
   */
  async prepareReload(config: NylonConfig, loaded?: LoadedConfig): Promise<PreparedReload> {
    await this.prepareOutbound(config);
    const { certificates, plugins } = await loadChecked(config, loaded, this.hub, this.logger, this.services);
    let next: Generation | undefined;
    try {
      await preloadFor(config);
      next = new Generation(config, certificates, buildProxyState(config, plugins, this.hub, this.logger));
    } finally {
      if (!next) for (const p of plugins.values()) p.stop();
    }
    const prepared = next;
    const drop = (): Promise<void> => {
      for (const p of prepared.state.plugins.values()) p.stop();
      return prepared.state.dispose();
    };
    await this.serveMetrics(config).catch(async (err: unknown) => {
      await drop();
      throw err;
    });
    const listeners = await this.listeners.prepare(this.addressesOf(config), certificates).catch(async (err: unknown) => {
      await drop();
      throw loaded && err instanceof ListenError ? listenIssue(loaded, err) : err;
    });
    return {
      // Nothing here can fail: from its first line the new configuration is the one in force.
      commit: async () => {
        const previous = this.current;
        this.observe(prepared.state.plugins);
        this.current = prepared;
        this.logger.level = logLevel(config.log.level);
        this.timeRequests(config);
        const closed = await listeners.commit(certificates);
        this.retired.retire(previous, config.websocket.reload_drain_ms);
        if (!this.worker) warnAboutRestartOnlyKeys(this.logger, previous.config, config);
        return { opened: listeners.opened, closed, plugins: [...prepared.state.plugins.keys()] };
      },
      abort: async () => {
        await listeners.rollback();
        await drop();
      },
    };
  }

  /**
   * Graceful shutdown: /health answers 503, the proxy listeners stop accepting, every WebSocket is
   * closed with `closeCode` (1001 going away; a worker stopped alone says 1012, service restart: its
   * node serves on) after its plugin's onClose ran and its effects were delivered, requests in flight
   * get what is left of the grace period; then whatever is still connected is dropped (HTTP
   * connections, tunnels and every other upgraded socket), this node leaves the room adapter and
   * everything closes. That last cleanup waits on no client; it is still capped (CLEANUP_CAP_MS), so a
   * resource that never answers cannot hold the process.
   */
  async stop(graceMs = this.config.shutdown.grace_period_seconds * 1000, closeCode = 1001): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + graceMs;
    const left = () => Math.max(0, deadline - Date.now());
    const requestsDone = this.listeners.stopAccepting();
    await this.hub.closeAll(closeCode, closeCode === 1012 ? "service restart" : "server shutting down", left());
    await Promise.race([requestsDone, sleep(left())]);
    this.listeners.dropConnections();
    const cleanup = this.cleanUp().then(() => true);
    if (!(await Promise.race([cleanup, sleep(CLEANUP_CAP_MS).then(() => false)]))) {
      this.logger.warn({ cap_ms: CLEANUP_CAP_MS }, "shutdown: cleanup after the grace period did not finish in time; exiting anyway");
    }
  }

  private async cleanUp(): Promise<void> {
    this.hub.stop();
    for (const p of this.current.state.plugins.values()) p.stop();
    await this.retired.stopAll();
    await this.current.state.dispose();
    await this.services.outbound?.close();
    await this.services.store.close();
    await this.hub.adapter.stop();
    await this.listeners.closeAll();
  }

  /** A worker's `metrics:` listeners are its primary's. */
  private addressesOf(config: NylonConfig): ListenerAddresses {
    return { http: config.http, https: config.https, metrics: this.worker ? [] : config.metrics };
  }

  /** The outbound client, built (and undici loaded) the first time a configuration lets a plugin call out. */
  private async prepareOutbound(config: NylonConfig): Promise<void> {
    if (this.services.outbound || !config.plugins.some((p) => p.allowed_outbound_hosts.length > 0)) return;
    this.services.outbound = await UndiciTransport.create(HTTP_SERVICE_DEFAULTS.connect_timeout_ms);
  }

  /**
   * Builds the Prometheus metrics (loading prom-client) the first time a configuration has a `metrics`
   * listener (a worker's is its primary's, which scrapes this process's); they stay for the process's
   * life, reading the counters kept all along.
   */
  private async serveMetrics(config: NylonConfig): Promise<void> {
    if (config.metrics.length > 0 && !this.metrics) {
      const { ProxyMetrics } = await import("./observe/metrics.js");
      this.metrics = new ProxyMetrics({
        hub: this.hub,
        services: () => this.current.state.services.values(),
        retired: () => this.retired.readings(),
        counters: this.counters,
      });
    }
  }

  /** Per-request timings are recorded only while a `metrics` listener is configured. */
  private timeRequests(config: NylonConfig): void {
    this.counters.timings = config.metrics.length > 0 ? this.metrics : null;
  }

  private observe(plugins: ReadonlyMap<string, PluginHost>): void {
    for (const plugin of plugins.values()) plugin.observer = this.counters;
  }
}

/** Keys a reload does not apply (the room adapter and the store are built once per process): the log says they need a restart. */
export function warnAboutRestartOnlyKeys(logger: Logger, before: NylonConfig, after: NylonConfig): void {
  const adapter = (c: NylonConfig) => JSON.stringify([c.websocket.adapter_type, c.websocket.redis]);
  if (adapter(before) !== adapter(after)) {
    logger.warn("websocket.adapter_type and websocket.redis changed: they apply at the next restart, not on reload");
  }
  if (JSON.stringify(before.store) !== JSON.stringify(after.store)) {
    logger.warn("store changed: the store's backend and settings apply at the next restart, not on reload");
  }
}

/**
 * Certificates and started plugins for `config`: through every check of `nylon validate` when the
 * file as read is at hand, else (a worker, given what its primary checked) loaded as they are.
 */
async function loadChecked(
  config: NylonConfig,
  loaded: LoadedConfig | undefined,
  hub: WebSocketHub,
  logger: Logger,
  services: PluginServices,
  split?: StartupSplit,
): Promise<CheckedConfig> {
  if (loaded) return checkConfig(loaded, hub, logger, services, split);
  return { certificates: TlsCertificates.load(config.tls), plugins: await loadPlugins(config.plugins, hub, logger, services, undefined, split) };
}

/** Loads what building this configuration's state needs and only some configurations use. */
async function preloadFor(config: NylonConfig): Promise<void> {
  if (config.services.some((s) => s.service_type === "http")) await preloadHttpClient();
}

/** Resolves after `ms`; the timer does not keep the process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
