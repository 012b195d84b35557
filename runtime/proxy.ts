import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { checkConfig } from "./check-config.js";
import { ConfigError } from "./config/config-error.js";
import { loadConfig, type LoadedConfig } from "./config/load.js";
import { issueAt } from "./config/yaml-source.js";
import type { NylonConfig } from "./config/schema.js";
import { ListenError, ListenerSet, type ListenerAddresses } from "./http/listeners.js";
import { buildProxyState } from "./http/proxy-state.js";
import { RequestPipeline } from "./http/request-pipeline.js";
import type { TlsCertificates } from "./http/tls-certificates.js";
import { createLogger, logLevel } from "./observe/logger.js";
import { ProxyMetrics } from "./observe/metrics.js";
import { opsEndpoints } from "./observe/ops-endpoints.js";
import type { PluginHost } from "./plugin/plugin-host.js";
import { Generation } from "./reload/generation.js";
import { RetiredGenerations } from "./reload/retired-generations.js";
import { WebSocketHub } from "./websocket/websocket-hub.js";
import { createRoomAdapter } from "./websocket/adapters/create-adapter.js";

/** The longest shutdown waits, after the grace period, for plugins, upstream pools, Redis and listeners to close. */
const CLEANUP_CAP_MS = 1000;

/** A running nylon: listeners, the current configuration's state, plugins and WebSockets. */
export class Proxy {
  readonly hub: WebSocketHub;
  readonly metrics: ProxyMetrics;
  private current!: Generation;
  private readonly listeners: ListenerSet;
  private readonly retired: RetiredGenerations;
  /** Upgrades not yet taken by a plugin, with the release of the generation they pin. */
  private readonly pendingUpgrades = new WeakMap<Duplex, () => void>();
  private draining = false;
  private reloads: Promise<boolean> = Promise.resolve(true);

  private constructor(
    private readonly configFile: string,
    readonly logger: Logger,
    hub: WebSocketHub,
  ) {
    this.hub = hub;
    this.retired = new RetiredGenerations(logger);
    this.metrics = new ProxyMetrics({ hub, services: () => this.current.state.services.values(), retired: () => this.retired.readings() });
    // The pipeline reads the current state once per request, right after the request pinned it.
    const pipeline = new RequestPipeline(() => this.current.state, this.metrics);
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
      metrics: opsEndpoints(this.metrics, () => this.draining),
      certificates: () => this.current.certificates,
      settings: () => ({ headerTimeoutMs: this.current.config.request_header_timeout_ms }),
    });
  }

  get config(): NylonConfig {
    return this.current.config;
  }

  /**
   * Loads and checks everything (config, certificates, plugins, routes) before opening any port: an
   * invalid configuration never opens a listener.
   */
  static async start(configFile: string): Promise<Proxy> {
    const loaded = await loadConfig(configFile);
    const { config } = loaded;
    const logger = createLogger(config.log.level);
    const hub = new WebSocketHub(undefined, logger);
    try {
      hub.useAdapter(await createRoomAdapter(config.websocket, hub, logger));
      await hub.adapter.start();
      const proxy = new Proxy(configFile, logger, hub);
      const { certificates, plugins } = await checkConfig(loaded, hub, logger);
      proxy.observe(plugins);
      proxy.current = new Generation(config, certificates, buildProxyState(config, plugins, hub, logger));
      proxy.metrics.enabled = config.metrics.length > 0;
      const listeners = await proxy.listeners.prepare(addressesOf(config), certificates).catch((err) => {
        for (const p of plugins.values()) p.stop();
        void proxy.current.state.dispose();
        throw err instanceof ListenError ? listenIssue(loaded, err) : err;
      });
      await listeners.commit(certificates);
      logger.info({ ...addressesOf(config), plugins: [...plugins.keys()], node: hub.nodeId }, "nylon is serving");
      return proxy;
    } catch (err) {
      hub.stop();
      await hub.adapter.stop();
      throw err;
    }
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
    let next: Generation | undefined;
    try {
      const loaded = await loadConfig(this.configFile);
      const { config } = loaded;
      const { certificates, plugins } = await checkConfig(loaded, this.hub, this.logger);
      try {
        next = new Generation(config, certificates, buildProxyState(config, plugins, this.hub, this.logger));
      } finally {
        if (!next) for (const p of plugins.values()) p.stop();
      }
      const listeners = await this.listeners.prepare(addressesOf(config), certificates).catch((err) => {
        throw err instanceof ListenError ? listenIssue(loaded, err) : err;
      });
      // Nothing below can fail: from here on the new configuration is the one in force.
      const previous = this.current;
      this.observe(next.state.plugins);
      this.current = next;
      this.logger.level = logLevel(config.log.level);
      this.metrics.enabled = config.metrics.length > 0;
      const closed = await listeners.commit(certificates);
      this.retired.retire(previous, config.websocket.reload_drain_ms);
      this.warnAboutRestartOnlyKeys(previous.config, config);
      this.metrics.reloaded(true);
      this.logger.info(
        { ms: Date.now() - started, opened: listeners.opened, closed, plugins: [...next.state.plugins.keys()] },
        "configuration reloaded",
      );
      return true;
    } catch (err) {
      if (next) {
        for (const p of next.state.plugins.values()) p.stop();
        void next.state.dispose();
      }
      this.metrics.reloaded(false);
      this.logger.error({ err: (err as Error).message }, "reload rejected; the running configuration is unchanged");
      return false;
    }
  }

  /**
   * Graceful shutdown: /health answers 503, the proxy listeners stop accepting, every WebSocket is
   * closed with 1001 (its plugin's onClose runs and its effects are delivered), requests in flight get
   * what is left of the grace period; then whatever is still connected is dropped (HTTP connections,
   * tunnels and every other upgraded socket), this node leaves the Redis adapter and everything closes.
   * That last cleanup waits on no client; it is still capped (CLEANUP_CAP_MS), so a resource that never
   * answers cannot hold the process.
   */
  async stop(graceMs = this.config.shutdown.grace_period_seconds * 1000): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + graceMs;
    const left = () => Math.max(0, deadline - Date.now());
    const requestsDone = this.listeners.stopAccepting();
    await this.hub.closeAll(1001, "server shutting down", left());
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
    await this.hub.adapter.stop();
    await this.listeners.closeAll();
  }

  private observe(plugins: ReadonlyMap<string, PluginHost>): void {
    for (const plugin of plugins.values()) plugin.observer = this.metrics;
  }

  /** The room adapter is built once per process: changing it needs a restart, which the log says. */
  private warnAboutRestartOnlyKeys(before: NylonConfig, after: NylonConfig): void {
    const adapter = (c: NylonConfig) => JSON.stringify([c.websocket.adapter_type, c.websocket.redis]);
    if (adapter(before) !== adapter(after)) {
      this.logger.warn("websocket.adapter_type and websocket.redis changed: they apply at the next restart, not on reload");
    }
  }
}

/** A listener that cannot be opened, reported at its place in the configuration like any other problem. */
function listenIssue(loaded: LoadedConfig, err: ListenError): ConfigError {
  const index = loaded.config[err.kind].indexOf(err.address);
  return new ConfigError([issueAt(loaded.located.main, [err.kind, index], err.message.replace(/^cannot listen on \w+ /, "cannot listen on "))]);
}

function addressesOf(config: NylonConfig): ListenerAddresses {
  return { http: config.http, https: config.https, metrics: config.metrics };
}

/** Resolves after `ms`; the timer does not keep the process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
