import { NylonError } from "../errors.js";
import type { RequestContext } from "../http/request-context.js";
import type { Logger } from "../observe/logger.js";
import { NO_PLUGIN_OBSERVER, type PluginObserver } from "../observe/plugin-observer.js";
import type { WsConnection } from "../websocket/connection.js";
import type { ConnectionEvents, WebSocketHub } from "../websocket/websocket-hub.js";
import type { CompiledComponent } from "./component-loader.js";
import type { GuestExports, Phase, PhaseResult } from "./guest-exports.js";
import { hostError } from "./host-error.js";
import { createHostImports, type HostBinding } from "./host-imports.js";
import { LogLimiter } from "./log-limiter.js";
import { systemClock, type PluginClock } from "./plugin-clock.js";
import type { PluginLimits } from "./plugin-limits.js";
import { RestartPolicy } from "./restart-policy.js";
import { atMemoryCap, classifyFailure, memoryCapFailure, type Failure } from "./sandbox/failure-reason.js";
import { fuelForMs } from "./sandbox/fuel.js";
import type { InstanceMeter } from "./sandbox/instance-meter.js";

export interface PluginSpec {
  name: string;
  file: string;
  /** The plugin's `config` from YAML. */
  config: unknown;
  limits: PluginLimits;
}

/**
 * One loaded plugin: its current instance, the requests and connections it serves, its timers.
 * Every call into the guest goes through `call`, which turns a trap or throw into a contained
 * failure: the instance is discarded, its connections close with 1011, and a new instance is built
 * from the compiled modules (with backoff when it keeps failing).
 */
export class PluginHost implements HostBinding, ConnectionEvents {
  readonly name: string;
  readonly requests = new Map<number, RequestContext>();
  readonly connections = new Map<number, WsConnection>();
  private guest: GuestExports | null = null;
  /** The sandbox's fuel and memory handles on the current instance. */
  private meter: InstanceMeter | null = null;
  private entryPhases = new Map<string, Set<Phase>>();
  private entryIndex = new Map<string, number>();
  private lastPhase = new Map<string, Phase>();
  /** Requests whose entries may still hold per-request state in the guest. */
  private readonly entriesWithState = new Map<number, Set<string>>();
  private readonly timers = new Map<number, unknown>();
  private readonly logLimiter = new LogLimiter();
  private readonly restart = new RestartPolicy();
  private sendBudget = 0;
  private warnedUnset = false;
  /** Counters for metrics. */
  readonly stats = { calls: 0, failures: 0, restarts: 0 };
  /** Call timings and failures for metrics; the proxy sets it. */
  observer: PluginObserver = NO_PLUGIN_OBSERVER;

  constructor(
    readonly spec: PluginSpec,
    private readonly component: CompiledComponent,
    readonly hub: WebSocketHub,
    private readonly logger: Logger,
    readonly clock: PluginClock = systemClock,
  ) {
    this.name = spec.name;
  }

  /** Builds the first instance; a plugin whose init fails stops startup. */
  start(): void {
    this.instantiate();
  }

  entryNames(): string[] {
    return [...this.entryPhases.keys()];
  }

  hasEntry(entry: string): boolean {
    return this.entryPhases.has(entry);
  }

  handles(entry: string, phase: Phase): boolean {
    return this.entryPhases.get(entry)?.has(phase) ?? false;
  }

  // ---- calls from the pipeline ----

  runPhase(ctx: RequestContext, entry: string, phase: Phase): PhaseResult {
    this.requests.set(ctx.id, ctx);
    const index = this.entryIndex.get(entry) ?? -1;
    const result = this.call(`entry "${entry}" ${phase}`, (g) => g.onPhase(ctx.id, index, phase));
    this.trackEntryState(ctx.id, entry, phase);
    if (result === "unset" && !this.warnedUnset) {
      this.warnedUnset = true;
      this.logger.warn(
        { plugin: this.name, entry, phase },
        "a phase handler returned without calling next() or end(); continuing (logged once per plugin)",
      );
    }
    if (result === "failed") {
      throw new NylonError("NYLON_E_PLUGIN_FAILED", `plugin ${this.name} entry "${entry}" ${phase} threw (see the plugin's log line)`);
    }
    return result;
  }

  /**
   * The guest drops an entry's per-request state after the last phase the entry handles; only a
   * request that ended before that (an error, a client gone) needs `on-request-end`.
   */
  private trackEntryState(req: number, entry: string, phase: Phase): void {
    let open = this.entriesWithState.get(req);
    if (this.lastPhase.get(entry) === phase) {
      if (open?.delete(entry) && open.size === 0) this.entriesWithState.delete(req);
    } else {
      if (!open) this.entriesWithState.set(req, (open = new Set()));
      open.add(entry);
    }
  }

  /** The request is over: the plugin may drop its per-request state. */
  endRequest(ctx: RequestContext): void {
    const open = this.entriesWithState.get(ctx.id);
    this.entriesWithState.delete(ctx.id);
    if (!this.requests.delete(ctx.id) || !this.guest || !open) return;
    try {
      this.call("on-request-end", (g) => g.onRequestEnd(ctx.id));
    } catch {
      // already logged and contained by call()
    }
  }

  // ---- connection events (ConnectionEvents) ----

  open(conn: WsConnection): void {
    this.connectionCall(conn, "ws-on-open", (g) => g.wsOnOpen(conn.handle));
  }
  text(conn: WsConnection, message: string): void {
    this.connectionCall(conn, "ws-on-message-text", (g) => g.wsOnMessageText(conn.handle, message));
  }
  binary(conn: WsConnection, data: Buffer): void {
    this.connectionCall(conn, "ws-on-message-binary", (g) =>
      g.wsOnMessageBinary(conn.handle, new Uint8Array(data.buffer, data.byteOffset, data.length)),
    );
  }
  error(conn: WsConnection, message: string): void {
    this.connectionCall(conn, "ws-on-error", (g) => g.wsOnError(conn.handle, message));
  }
  close(conn: WsConnection, code: number, reason: string): void {
    this.connectionCall(conn, "ws-on-close", (g) => g.wsOnClose(conn.handle, code, reason));
    this.connections.delete(conn.handle);
  }

  // ---- HostBinding ----

  log(level: "trace" | "debug" | "info" | "warn" | "error", message: string): void {
    const { allow, suppressedBefore } = this.logLimiter.take();
    if (suppressedBefore > 0) this.logger.warn({ plugin: this.name, suppressed: suppressedBefore }, "plugin log lines suppressed");
    if (allow) this.logger[level]({ plugin: this.name }, message.length > 8192 ? `${message.slice(0, 8192)}…` : message);
  }

  setTimer(id: number, delayMs: number): void {
    const existing = this.timers.get(id);
    if (existing !== undefined) this.clock.clearTimeout(existing);
    else if (this.timers.size >= this.spec.limits.maxTimers) {
      throw hostError("NYLON_E_INVALID_ARGUMENT", `at most ${this.spec.limits.maxTimers} timers may be pending`);
    }
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(id);
      try {
        this.call("on-timer", (g) => g.onTimer(id));
      } catch {
        // contained by call()
      }
    }, delayMs);
    this.timers.set(id, timer);
  }

  clearTimer(id: number): void {
    const t = this.timers.get(id);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.delete(id);
  }

  chargeSend(bytes: number): void {
    this.sendBudget -= bytes;
    if (this.sendBudget < 0) {
      throw hostError(
        "NYLON_E_INVALID_ARGUMENT",
        `this callback sent more than ${this.spec.limits.maxSendBytes} bytes (limits.max_send_bytes)`,
      );
    }
  }

  /** Stops timers and closes the plugin's connections (shutdown or reload). */
  stop(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    this.guest = null;
  }

  // ---- the guarded call ----

  private call<T>(what: string, fn: (g: GuestExports) => T): T {
    const guest = this.guest ?? this.revive();
    const meter = this.meter!;
    this.sendBudget = this.spec.limits.maxSendBytes;
    this.stats.calls++;
    meter.refuel(fuelForMs(this.spec.limits.deadlineMs));
    let result: T;
    const started = performance.now();
    try {
      result = fn(guest);
    } catch (thrown) {
      const failure = classifyFailure(thrown, meter, this.spec.limits);
      this.fail(what, failure);
      throw new NylonError("NYLON_E_PLUGIN_FAILED", `plugin ${this.name} failed in ${what}: ${failure.reason}`, {
        cause: thrown,
      });
    } finally {
      this.observer.callTook(this.name, (performance.now() - started) / 1000);
    }
    // The guest caught its own out-of-memory (QuickJS throws, the SDK returns `failed` or closes the
    // connection), but its heap stays full: recycle the instance now rather than fail every later call.
    if (this.guest === guest && atMemoryCap(meter, this.spec.limits)) this.fail(what, memoryCapFailure(meter, this.spec.limits));
    return result;
  }

  private connectionCall(conn: WsConnection, what: string, fn: (g: GuestExports) => void): void {
    if (this.connections.get(conn.handle) !== conn) return;
    try {
      this.call(what, fn);
    } catch {
      // contained: the instance was replaced and this connection closed with 1011
    }
  }

  private revive(): GuestExports {
    const wait = this.restart.waitMs(this.clock.now());
    if (wait > 0) {
      const err = new NylonError(
        "NYLON_E_PLUGIN_UNAVAILABLE",
        `plugin ${this.name} keeps failing; restarting it in ${Math.ceil(wait / 1000)} s`,
      );
      (err as NylonError & { retryAfterSeconds: number }).retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
      throw err;
    }
    this.stats.restarts++;
    this.observer.restarted(this.name);
    this.logger.info({ plugin: this.name }, "plugin instance rebuilt");
    return this.instantiate();
  }

  private instantiate(): GuestExports {
    const { guest, meter } = this.component.instantiate(createHostImports(this));
    // init runs the plugin's initializers, which may do more than one callback's work.
    meter.refuel(fuelForMs(Math.max(INIT_DEADLINE_MS, this.spec.limits.deadlineMs)));
    guest.init(JSON.stringify(this.spec.config ?? {}));
    const entries = guest.entries();
    this.entryPhases = new Map(entries.map((e) => [e.name, new Set(e.phases)]));
    this.entryIndex = new Map(entries.map((e, i) => [e.name, i]));
    this.lastPhase = new Map(entries.filter((e) => e.phases.length > 0).map((e) => [e.name, e.phases[e.phases.length - 1]!]));
    this.entriesWithState.clear();
    this.guest = guest;
    this.meter = meter;
    return guest;
  }

  private fail(what: string, failure: Failure): void {
    this.stats.failures++;
    this.observer.failed(this.name, failure.kind);
    this.guest = null;
    this.meter = null;
    this.restart.recordFailure(this.clock.now());
    this.logger.error({ plugin: this.name, call: what, kind: failure.kind, reason: failure.reason }, "plugin failed; instance discarded");
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    // Connections belong to the discarded instance's state: close them with 1011 (internal error).
    const owned = [...this.connections.values()];
    this.connections.clear();
    for (const conn of owned) conn.close(1011, "plugin failed");
  }
}

/** Fuel for a new instance's init, in milliseconds of work (at least the per-callback deadline). */
const INIT_DEADLINE_MS = 1000;
