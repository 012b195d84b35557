import type http from "node:http";
import type { Logger } from "pino";
import { loadConfig } from "./config/load.js";
import type { NylonConfig } from "./config/schema.js";
import { closeServers, openHttpListeners } from "./http/listeners.js";
import { buildProxyState, type ProxyState } from "./http/proxy-state.js";
import { RequestPipeline } from "./http/request-pipeline.js";
import { createLogger } from "./observe/logger.js";
import { loadPlugins } from "./plugin/plugin-loader.js";
import { WebSocketHub } from "./websocket/websocket-hub.js";
import { createRoomAdapter } from "./websocket/adapters/create-adapter.js";

/** A running nylon: listeners, the current configuration's state, plugins and WebSockets. */
export class Proxy {
  private constructor(
    readonly config: NylonConfig,
    readonly logger: Logger,
    private state: ProxyState,
    private readonly servers: http.Server[],
    readonly hub: WebSocketHub,
  ) {}

  /**
   * Loads and checks everything (config, plugins, routes) before opening any port: an invalid
   * configuration never opens a listener.
   */
  static async start(configFile: string): Promise<Proxy> {
    const { config } = await loadConfig(configFile);
    const logger = createLogger(config.log.level);
    const hub = new WebSocketHub();
    hub.useAdapter(await createRoomAdapter(config.websocket, hub, logger));
    await hub.adapter.start();
    const plugins = await loadPlugins(config.plugins, hub, logger);
    const state = buildProxyState(config, plugins, hub, logger);
    let proxy: Proxy | undefined;
    const pipeline = new RequestPipeline(() => proxy!.state);
    const servers = await openHttpListeners(config.http, {
      request: (req, res) => pipeline.handleRequest(req, res),
      upgrade: (req, socket, head) => pipeline.handleUpgrade(req, socket, head),
    });
    proxy = new Proxy(config, logger, state, servers, hub);
    logger.info({ http: config.http, plugins: [...plugins.keys()], node: hub.nodeId }, "nylon is serving");
    return proxy;
  }

  /** Stops accepting, closes WebSockets with 1001 (their onClose runs), waits for requests in flight. */
  async stop(graceMs = this.config.shutdown.grace_period_seconds * 1000): Promise<void> {
    const closing = closeServers(this.servers);
    await this.hub.closeAll(1001, "server shutting down", graceMs);
    await Promise.race([closing, new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const s of this.servers) s.closeAllConnections();
    this.hub.stop();
    for (const p of this.state.plugins.values()) p.stop();
    await this.state.dispose();
    await this.hub.adapter.stop();
  }
}
