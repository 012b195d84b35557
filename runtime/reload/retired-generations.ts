import type { Logger } from "pino";
import type { PluginHost } from "../plugin/plugin-host.js";
import type { Generation } from "./generation.js";

/** What the metrics show about configurations a reload replaced. */
export interface RetiredReadings {
  generations: number;
  /** One entry per retired plugin instance still alive. */
  instances: { plugin: string; memoryBytes: number; connections: number }[];
}

interface Retiree {
  generation: Generation;
  /** Its plugin instances still alive. */
  hosts: Set<PluginHost>;
  disposed: boolean;
  /** Past the drain limit: instances go as soon as their connections have closed. */
  drained: boolean;
  drainTimer: NodeJS.Timeout;
}

/**
 * Configurations a reload replaced, until nothing uses them. Their upstream pools and health checks
 * stop once the last request pinned to them ends; each plugin instance is stopped once, in addition,
 * its own last request and WebSocket are gone. Driven by events (a request ending, an instance going
 * idle), not by a timer, so nothing is dropped while in use and nothing lingers once unused.
 *
 * The drain limit bounds how long WebSockets may hold a retired configuration: after it, they are
 * closed with 1012 (service restart) and whatever else still pins it (a tunnel, a request) is cut.
 */
export class RetiredGenerations {
  private readonly retirees = new Set<Retiree>();

  constructor(private readonly logger: Logger) {}

  retire(generation: Generation, drainLimitMs: number): void {
    const retiree: Retiree = {
      generation,
      hosts: new Set(generation.state.plugins.values()),
      disposed: false,
      drained: false,
      drainTimer: setTimeout(() => this.drain(retiree), drainLimitMs),
    };
    retiree.drainTimer.unref();
    this.retirees.add(retiree);
    // A release or an idle instance runs the check a turn later: the request's own end-of-request
    // work (logging phases, on-request-end) runs right after its response closes, in that turn.
    const checkSoon = () => setImmediate(() => this.check(retiree));
    generation.onUnpinned = checkSoon;
    for (const host of retiree.hosts) host.onIdle = checkSoon;
    this.check(retiree);
  }

  readings(): RetiredReadings {
    const instances: RetiredReadings["instances"] = [];
    for (const { hosts } of this.retirees) {
      for (const host of hosts) instances.push({ plugin: host.name, memoryBytes: host.memoryBytes(), connections: host.connections.size });
    }
    return { generations: this.retirees.size, instances };
  }

  /** Shutdown: every retired instance stops now (its connections were closed before). */
  stopAll(): Promise<void> {
    const disposals: Promise<void>[] = [];
    for (const retiree of this.retirees) {
      clearTimeout(retiree.drainTimer);
      for (const host of retiree.hosts) host.stop();
      if (!retiree.disposed) disposals.push(retiree.generation.state.dispose());
    }
    this.retirees.clear();
    return Promise.all(disposals).then(() => undefined);
  }

  private check(retiree: Retiree): void {
    if (!this.retirees.has(retiree) || retiree.generation.pinCount > 0) return;
    if (!retiree.disposed) {
      retiree.disposed = true;
      void retiree.generation.state.dispose();
    }
    for (const host of retiree.hosts) {
      // Past the drain limit a request the instance still lists can only be one that ended without
      // telling it (its socket was cut): the generation has no pin left.
      const busy = host.connections.size > 0 || (!retiree.drained && host.requests.size > 0);
      if (busy) continue;
      host.stop();
      retiree.hosts.delete(host);
      this.logger.info({ plugin: host.name }, "previous plugin instance dropped: no connection or request is left on it");
    }
    if (retiree.hosts.size > 0) return;
    clearTimeout(retiree.drainTimer);
    this.retirees.delete(retiree);
  }

  private drain(retiree: Retiree): void {
    retiree.drained = true;
    let connections = 0;
    for (const host of retiree.hosts) {
      for (const conn of [...host.connections.values()]) {
        connections++;
        conn.close(1012, "configuration reloaded");
      }
    }
    const pinned = retiree.generation.pinCount;
    if (connections + pinned > 0) this.logger.warn({ connections, requests: pinned }, "drain limit reached on a previous configuration: closing what still uses it");
    retiree.generation.destroyPinned();
    this.check(retiree);
  }
}
