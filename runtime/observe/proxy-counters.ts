import type { PluginObserver } from "./plugin-observer.js";
import type { RequestObserver, TunnelOutcome } from "./request-observer.js";

/** Where per-request and per-callback timings go while a metrics listener is configured. */
export interface TimingObserver {
  requestFinished(route: string, method: string, status: number, seconds: number): void;
  callTook(plugin: string, seconds: number): void;
}

/** Configuration reloads by result. */
export interface ReloadCounts {
  applied: number;
  rejected: number;
}

/**
 * The totals the proxy keeps whether or not metrics are served, in plain maps: a reload that adds a
 * metrics listener (and with it prom-client, loaded only then) shows counts since the start, and the
 * open-tunnel gauge never starts below the tunnels already open. Per-request timings cost work on every
 * request, so they are only recorded while `timings` is set.
 */
export class ProxyCounters implements RequestObserver, PluginObserver {
  /** By "plugin\nkind". */
  readonly pluginFailures = new Map<string, number>();
  readonly pluginRestarts = new Map<string, number>();
  /** By "plugin\nlimit". */
  readonly pluginSendsRefused = new Map<string, number>();
  readonly reloads: ReloadCounts = { applied: 0, rejected: 0 };
  /** By "service\noutcome". */
  readonly tunnelUpgrades = new Map<string, number>();
  /** Open tunnels by service; only services with some open are kept. */
  readonly openTunnels = new Map<string, number>();
  timings: TimingObserver | null = null;

  requestFinished(route: string, method: string, status: number, seconds: number): void {
    this.timings?.requestFinished(route, method, status, seconds);
  }

  callTook(plugin: string, seconds: number): void {
    this.timings?.callTook(plugin, seconds);
  }

  failed(plugin: string, kind: string): void {
    increment(this.pluginFailures, `${plugin}\n${kind}`);
  }

  restarted(plugin: string): void {
    increment(this.pluginRestarts, plugin);
  }

  sendRefused(plugin: string, limit: string): void {
    increment(this.pluginSendsRefused, `${plugin}\n${limit}`);
  }

  reloaded(applied: boolean): void {
    if (applied) this.reloads.applied++;
    else this.reloads.rejected++;
  }

  tunnelSettled(service: string, outcome: TunnelOutcome): void {
    increment(this.tunnelUpgrades, `${service}\n${outcome}`);
    if (outcome === "opened") increment(this.openTunnels, service);
  }

  tunnelClosed(service: string): void {
    const open = (this.openTunnels.get(service) ?? 0) - 1;
    if (open > 0) this.openTunnels.set(service, open);
    else this.openTunnels.delete(service);
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
