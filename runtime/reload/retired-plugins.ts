import type { Logger } from "pino";
import type { PluginHost } from "../plugin/plugin-host.js";

const SWEEP_INTERVAL_MS = 500;

/**
 * Plugin instances a reload replaced. Their open WebSockets stay on them (each connection keeps its
 * owner) and requests already inside them finish there; an instance is stopped once it has neither.
 */
export class RetiredPlugins {
  private readonly hosts = new Set<PluginHost>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly logger: Logger) {}

  retire(hosts: Iterable<PluginHost>): void {
    for (const host of hosts) this.hosts.add(host);
    // The first look comes one interval later: a request that read the old state just before the
    // swap gets that long to reach its plugin.
    if (this.hosts.size > 0 && !this.timer) {
      this.timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Shutdown: every retired instance stops now (its connections were closed before). */
  stopAll(): void {
    for (const host of this.hosts) host.stop();
    this.hosts.clear();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    for (const host of this.hosts) {
      if (host.connections.size > 0 || host.requests.size > 0) continue;
      host.stop();
      this.hosts.delete(host);
      this.logger.info({ plugin: host.name }, "previous plugin instance dropped: no connection or request is left on it");
    }
    if (this.hosts.size === 0) this.stopAll();
  }
}
