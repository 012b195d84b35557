import { NylonError } from "../errors.js";
import type { RequestContext } from "../http/request-context.js";
import type { Logger } from "../observe/logger.js";
import { NO_PLUGIN_OBSERVER, type PluginObserver } from "../observe/plugin-observer.js";
import type { WsConnection } from "../websocket/connection.js";
import type { ConnectionEvents, WebSocketHub } from "../websocket/websocket-hub.js";
import { roomNamespaceOf } from "../websocket/room-namespace.js";
import type { CompiledComponent } from "./component-loader.js";
import type { EntryInfo, GuestExports, Phase, PhaseResult } from "./guest-exports.js";
import { hostError } from "./host-error.js";
import { GuestOutput } from "./guest-output.js";
import { createHostImports, type HostBinding } from "./host-imports.js";
import { LogLimiter } from "./log-limiter.js";
import { systemClock, type PluginClock } from "./plugin-clock.js";
import { RestartPolicy } from "./restart-policy.js";
import { startOutboundCall, type OutboundCallOptions } from "../outbound/outbound-call.js";
import type { AllowedHost } from "../outbound/allowed-hosts.js";
import type { OutboundRequest } from "../outbound/outbound-request.js";
import type { KvOp } from "../store/kv-store.js";
import { opFailure } from "./op-failure.js";
import { toOpResult, type OpResult } from "./op-result.js";
import { OpsInFlight } from "./ops-in-flight.js";
import { PendingPhases } from "./pending-phases.js";
import { DEFAULT_STORE_LIMITS, type PluginLimits, type StoreLimits } from "./plugin-limits.js";
import { standaloneServices, type PluginServices } from "./plugin-services.js";
import type { Failure } from "./sandbox/failure-reason.js";
import { guardedCall, startInstance } from "./sandbox/guarded-call.js";
import type { InstanceMeter } from "./sandbox/instance-meter.js";
import { WorkerGuest } from "./worker/worker-guest.js";
import type { GuestMethod } from "./worker/worker-protocol.js";

/**
 * Where a plugin's guest code runs. `inline`: on the event loop, the fastest; a callback that spins
 * holds every route up to its deadline. `worker`: in a worker thread of its own; each call and host
 * call crosses threads (tens of µs), and nothing a plugin does pauses the event loop.
 */
export type Isolation = "inline" | "worker";

export interface PluginSpec {
  name: string;
  file: string;
  /** The plugin's `config` from YAML. */
  config: unknown;
  limits: PluginLimits;
  /** Default `inline`. A plugin in a worker reads the system clock whatever clock its host has. */
  isolation?: Isolation;
  /** The config's `room_namespace`: plugins naming the same one share rooms; without it, rooms are the plugin's own. */
  roomNamespace?: string | undefined;
  /** The config's `store.namespace`: plugins naming the same one share store keys; without it, keys are the plugin's own. */
  storeNamespace?: string | undefined;
  /** Default DEFAULT_STORE_LIMITS. */
  storeLimits?: StoreLimits;
  /** Where the plugin may send HTTP requests; none when absent. */
  allowedOutboundHosts?: readonly AllowedHost[];
}

/**
 * One loaded plugin: its current instance, the requests and connections it serves, its timers.
 * Every call into the guest goes through `invoke`, which turns a trap or throw into a contained
 * failure: the instance is discarded, its connections close with 1011, and a new instance is built
 * from the compiled modules (with backoff when it keeps failing). Inline, calls return their result;
 * with `isolation: worker` they return a promise of it.
 */
export class PluginHost implements HostBinding, ConnectionEvents {
  readonly name: string;
  readonly roomNamespace: string;
  /** Where the plugin's store keys live (encoded like room namespaces: a plugin's own, or "@shared"). */
  readonly storeNamespace: string;
  readonly storeLimits: StoreLimits;
  readonly allowedOutboundHosts: readonly AllowedHost[];
  readonly requests = new Map<number, RequestContext>();
  readonly connections = new Map<number, WsConnection>();
  private guest: GuestExports | null = null;
  /** The sandbox's fuel and memory handles on the current instance. */
  private meter: InstanceMeter | null = null;
  /** The current instance when the plugin runs in a worker thread. */
  private worker: WorkerGuest | null = null;
  /** The thread of an instance that failed, kept to build the next instance in (faster than a new thread). */
  private spareWorker: WorkerGuest | null = null;
  private entryPhases = new Map<string, Set<Phase>>();
  private entryIndex = new Map<string, number>();
  private lastPhase = new Map<string, Phase>();
  /** Requests whose entries may still hold per-request state in the guest. */
  private readonly entriesWithState = new Map<number, Set<string>>();
  private readonly timers = new Map<number, unknown>();
  /** Store operations and outbound calls of the current instance whose results it has not had yet. */
  private readonly ops: OpsInFlight;
  /** Requests whose current phase the plugin left pending. */
  private readonly pendingPhases: PendingPhases;
  private readonly logLimiter = new LogLimiter();
  /** A compiled guest's stdout and stderr, line by line into this plugin's log. */
  readonly output = new GuestOutput((level, line) => this.log(level, line));
  private readonly restart = new RestartPolicy();
  private sendBudget = 0;
  private warnedUnset = false;
  /** Counters for metrics. */
  readonly stats = { calls: 0, failures: 0, restarts: 0 };
  /** Call timings and failures for metrics; the proxy sets it. */
  observer: PluginObserver = NO_PLUGIN_OBSERVER;
  /** Told when the plugin's last request and connection are gone (a retired instance waits for it). */
  onIdle: (() => void) | null = null;
  /** Stopped for good (shutdown, or a retired instance dropped): a call fails instead of rebuilding it. */
  private stopped = false;

  constructor(
    readonly spec: PluginSpec,
    private readonly component: CompiledComponent,
    readonly hub: WebSocketHub,
    private readonly logger: Logger,
    readonly clock: PluginClock = systemClock,
    private readonly services: PluginServices = standaloneServices(),
  ) {
    this.name = spec.name;
    this.roomNamespace = roomNamespaceOf(spec.name, spec.roomNamespace);
    // The same encoding as rooms: a plugin's own namespace, or "@<shared>".
    this.storeNamespace = roomNamespaceOf(spec.name, spec.storeNamespace);
    this.storeLimits = spec.storeLimits ?? DEFAULT_STORE_LIMITS;
    this.allowedOutboundHosts = spec.allowedOutboundHosts ?? [];
    this.ops = new OpsInFlight(() => this.spec.limits.maxPendingOps);
    this.pendingPhases = new PendingPhases(spec.name, clock);
  }

  get limits(): PluginLimits {
    return this.spec.limits;
  }

  /** Builds the first instance; a plugin whose init fails stops startup. */
  start(): void | Promise<void> {
    if (this.spec.isolation !== "worker") {
      this.instantiate();
      return;
    }
    return this.spawnWorker().started().then(
      (entries) => this.learnEntries(entries),
      (failure: Failure) => {
        this.stopWorker(); // a rejected start (or reload) leaves no thread behind
        throw this.initFailed(failure, undefined);
      },
    );
  }

  /** The current instance's linear memory (its largest); null in a worker thread or without an instance. */
  linearMemoryBytes(): number | null {
    return this.meter?.memoryBytes() ?? null;
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

  runPhase(ctx: RequestContext, entry: string, phase: Phase): PhaseResult | Promise<PhaseResult> {
    this.requests.set(ctx.id, ctx);
    const index = this.entryIndex.get(entry) ?? -1;
    const what = `entry "${entry}" ${phase}`;
    const result = this.invoke(what, "onPhase", [ctx.id, index, phase]) as PhaseResult | Promise<PhaseResult>;
    if (result instanceof Promise) return result.then((r) => (r === "pending" ? this.waitForDecision(ctx, entry, phase, what) : this.phaseDone(ctx, entry, phase, r)));
    return result === "pending" ? this.waitForDecision(ctx, entry, phase, what) : this.phaseDone(ctx, entry, phase, result);
  }

  /**
   * The plugin left the phase pending: its decision comes with `resume-phase`, from whichever of its
   * callbacks gets there (a store answer, an outbound call's response, a timer), or the request fails.
   * Meanwhile the entry holds per-request state, so an end of request tells the guest to drop it.
   */
  private waitForDecision(ctx: RequestContext, entry: string, phase: Phase, what: string): Promise<PhaseResult> {
    let open = this.entriesWithState.get(ctx.id);
    if (!open) this.entriesWithState.set(ctx.id, (open = new Set()));
    open.add(entry);
    return this.pendingPhases.wait(ctx.id, what, this.spec.limits.pendingTimeoutMs).then((r) => {
      if (r === "pending") throw new NylonError("NYLON_E_PLUGIN_FAILED", `plugin ${this.name} resumed ${what} with "pending"`);
      return this.phaseDone(ctx, entry, phase, r);
    });
  }

  private phaseDone(ctx: RequestContext, entry: string, phase: Phase, result: PhaseResult): PhaseResult {
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
    if (!this.requests.delete(ctx.id)) return;
    if (open && (this.guest || this.worker)) this.contained("on-request-end", "onRequestEnd", [ctx.id]);
    this.tellIfIdle();
  }

  /** Bytes of the current instance's guest memory (0 without one; a worker's is in its thread). */
  memoryBytes(): number {
    return this.meter?.memoryBytes() ?? 0;
  }

  private tellIfIdle(): void {
    if (this.requests.size === 0 && this.connections.size === 0) this.onIdle?.();
  }

  // ---- connection events (ConnectionEvents) ----

  open(conn: WsConnection): void {
    this.connectionCall(conn, "ws-on-open", "wsOnOpen", [conn.handle]);
  }
  text(conn: WsConnection, message: string): void {
    this.connectionCall(conn, "ws-on-message-text", "wsOnMessageText", [conn.handle, message]);
  }
  binary(conn: WsConnection, data: Buffer): void {
    this.connectionCall(conn, "ws-on-message-binary", "wsOnMessageBinary", [conn.handle, new Uint8Array(data.buffer, data.byteOffset, data.length)]);
  }
  error(conn: WsConnection, message: string): void {
    this.connectionCall(conn, "ws-on-error", "wsOnError", [conn.handle, message]);
  }
  /** In a worker, onClose runs later: the connection stays the plugin's (for its farewells) until it has. */
  close(conn: WsConnection, code: number, reason: string): void | Promise<void> {
    const done = this.connectionCall(conn, "ws-on-close", "wsOnClose", [conn.handle, code, reason]);
    if (!done) {
      this.connections.delete(conn.handle);
      this.tellIfIdle();
      return;
    }
    return done.then(() => {
      if (this.connections.get(conn.handle) === conn) this.connections.delete(conn.handle);
      this.tellIfIdle();
    });
  }

  // ---- HostBinding ----

  log(level: "trace" | "debug" | "info" | "warn" | "error", message: string): void {
    const { allow, suppressedBefore } = this.logLimiter.take();
    if (suppressedBefore > 0) this.logger.warn({ plugin: this.name, suppressed: suppressedBefore }, "plugin log lines suppressed");
    if (!allow) return;
    // Stack frames the plugin logs point into its bundle: name its sources instead.
    const text = this.component.mapStack?.(message) ?? message;
    this.logger[level]({ plugin: this.name }, text.length > 8192 ? `${text.slice(0, 8192)}…` : text);
  }

  setTimer(id: number, delayMs: number): void {
    const existing = this.timers.get(id);
    if (existing !== undefined) this.clock.clearTimeout(existing);
    else if (this.timers.size >= this.spec.limits.maxTimers) {
      throw hostError("NYLON_E_INVALID_ARGUMENT", `at most ${this.spec.limits.maxTimers} timers may be pending`);
    }
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(id);
      this.contained("on-timer", "onTimer", [id]);
    }, delayMs);
    this.timers.set(id, timer);
  }

  clearTimer(id: number): void {
    const t = this.timers.get(id);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.delete(id);
  }

  // ---- waiting: the store, outbound calls, pending phases (WaitingBinding) ----

  startKv(op: KvOp): number {
    const id = this.ops.begin();
    this.services.store.execute(this.storeNamespace, op, { maxKeys: this.storeLimits.maxKeys }, (outcome) => this.answer(id, toOpResult(outcome)));
    return id;
  }

  startOutbound(request: OutboundRequest, options: OutboundCallOptions): number {
    const id = this.ops.begin();
    const transport = this.services.outbound;
    if (!transport) {
      this.answer(id, toOpResult(opFailure("NYLON_E_OUTBOUND_FAILED", "this proxy has no outbound client (no plugin lists allowed_outbound_hosts)")));
      return id;
    }
    const abandon = startOutboundCall(transport, this.allowedOutboundHosts, request, options, this.clock, (outcome) => this.answer(id, toOpResult(outcome)));
    this.ops.onAbandon(id, abandon);
    return id;
  }

  resumePhase(req: number, result: PhaseResult): void {
    if (result === "pending") throw hostError("NYLON_E_INVALID_ARGUMENT", "a phase is resumed with next, end, unset or failed, not pending");
    if (!this.pendingPhases.resume(req, result)) {
      throw hostError("NYLON_E_WRONG_PHASE", `request ${req} has no pending phase (it was decided, timed out, or never pending)`);
    }
  }

  /** Operations in flight and phases pending (metrics, tests). */
  get waiting(): { ops: number } {
    return { ops: this.ops.size };
  }

  /** Hands an op's result to the guest after the current callback, unless its instance is gone by then. */
  private answer(id: number, result: OpResult): void {
    this.services.schedule(() => {
      if (this.ops.finish(id)) this.contained("on-result", "onResult", [id, result]);
    });
  }

  chargeSend(bytes: number, conn?: WsConnection): void {
    const before = this.sendBudget;
    this.sendBudget -= bytes;
    if (this.sendBudget >= 0) return;
    const limit = this.spec.limits.maxSendBytes;
    this.observer.sendRefused(this.name, "max_send_bytes");
    // The plugin gets the error value; the operator gets one line per callback (its first refusal),
    // since a plugin that ignores the error would otherwise fail in silence.
    if (before >= 0) {
      this.logger.warn(
        { plugin: this.name, conn: conn?.id, route: conn?.route, limit: "limits.max_send_bytes", value: limit, bytes, sent: limit - before },
        "plugin send refused: over the bytes one callback may send",
      );
    }
    throw hostError("NYLON_E_INVALID_ARGUMENT", `this callback sent more than ${limit} bytes (limits.max_send_bytes)`);
  }

  /** Stops timers and closes the plugin's connections (shutdown or reload). */
  stop(): void {
    this.stopped = true;
    this.ops.abandonAll();
    this.pendingPhases.failAll(new NylonError("NYLON_E_PLUGIN_UNAVAILABLE", `plugin ${this.name} was stopped while a request waited for it`));
    this.meter = null; // its memories: a stopped instance holds none, whoever still refers to the host
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    this.guest = null;
    this.stopWorker();
  }

  // ---- the guarded call ----

  /**
   * Calls a guest export. A failure is contained (see `fail`) and comes back as a NylonError: thrown
   * inline, a rejected promise from a worker.
   */
  private invoke(what: string, method: GuestMethod, args: unknown[]): unknown {
    if (this.stopped) throw new NylonError("NYLON_E_PLUGIN_UNAVAILABLE", `plugin ${this.name}: this instance was stopped (${what})`);
    if (this.spec.isolation === "worker") return this.invokeInWorker(what, method, args);
    const guest = this.guest ?? this.revive();
    this.sendBudget = this.spec.limits.maxSendBytes;
    this.stats.calls++;
    this.output.startCall();
    const started = performance.now();
    const result = guardedCall(this.meter!, this.spec.limits, () => (guest[method] as (...a: unknown[]) => unknown)(...args));
    this.observer.callTook(this.name, (performance.now() - started) / 1000);
    if (result.failure && this.guest === guest) this.fail(what, result.failure);
    else this.output.flush();
    if (!result.returned) throw this.failedError(what, result.failure, result.thrown);
    return result.value;
  }

  private invokeInWorker(what: string, method: GuestMethod, args: unknown[]): Promise<unknown> {
    let worker: WorkerGuest;
    try {
      worker = this.worker ?? this.reviveWorker();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.stats.calls++;
    const started = performance.now();
    return worker.call(method, args).then((result) => {
      this.observer.callTook(this.name, (performance.now() - started) / 1000);
      if (result.failure && this.worker === worker) this.fail(what, result.failure);
      else this.output.flush();
      if (!result.returned) throw this.failedError(what, result.failure!, undefined);
      return result.value;
    });
  }

  private initFailed(failure: Failure, cause: unknown): NylonError {
    return new NylonError("NYLON_E_PLUGIN_FAILED", `plugin ${this.name} failed in init: ${this.withLastWords(failure).reason}`, { cause });
  }

  private failedError(what: string, failure: Failure, cause: unknown): NylonError {
    return new NylonError("NYLON_E_PLUGIN_FAILED", `plugin ${this.name} failed in ${what}: ${failure.reason}`, { cause });
  }

  /** A call whose failure has no one to tell: it is logged and contained by `invoke`. */
  private contained(what: string, method: GuestMethod, args: unknown[]): Promise<void> | undefined {
    try {
      const result = this.invoke(what, method, args);
      if (result instanceof Promise) return result.then(ignore, ignore);
    } catch {
      // contained: the instance was replaced (and, for a connection, it was closed with 1011)
    }
    return undefined;
  }

  private connectionCall(conn: WsConnection, what: string, method: GuestMethod, args: unknown[]): Promise<void> | undefined {
    if (this.connections.get(conn.handle) !== conn) return undefined;
    return this.contained(what, method, args);
  }

  private revive(): GuestExports {
    this.checkBackoff();
    this.announceRestart();
    return this.instantiate();
  }

  /** While a plugin that keeps failing is held off, its calls fail with 503 and Retry-After. */
  private checkBackoff(): void {
    const wait = this.restart.waitMs(this.clock.now());
    if (wait <= 0) return;
    const err = new NylonError("NYLON_E_PLUGIN_UNAVAILABLE", `plugin ${this.name} keeps failing; restarting it in ${Math.ceil(wait / 1000)} s`);
    (err as NylonError & { retryAfterSeconds: number }).retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
    throw err;
  }

  private announceRestart(): void {
    this.stats.restarts++;
    this.observer.restarted(this.name);
    this.logger.info({ plugin: this.name }, "plugin instance rebuilt");
  }

  private instantiate(): GuestExports {
    this.output.startCall();
    const started = startInstance(() => this.component.instantiate(createHostImports(this)), this.configJson(), this.spec.limits);
    // The plugin's own words, not a stack through the generated glue.
    if ("failure" in started) throw this.initFailed(started.failure, started.thrown);
    this.output.flush();
    this.learnEntries(started.entries);
    this.guest = started.instance.guest;
    this.meter = started.instance.meter;
    return this.guest;
  }

  /** The plugin's `config` as its init receives it. */
  private configJson(): string {
    return JSON.stringify(this.spec.config ?? {});
  }

  private learnEntries(entries: EntryInfo[]): void {
    this.entryPhases = new Map(entries.map((e) => [e.name, new Set(e.phases)]));
    this.entryIndex = new Map(entries.map((e, i) => [e.name, i]));
    this.lastPhase = new Map(entries.filter((e) => e.phases.length > 0).map((e) => [e.name, e.phases[e.phases.length - 1]!]));
    this.entriesWithState.clear();
  }

  /** A new worker thread; calls may be queued to it at once, it runs them once init is done. */
  private spawnWorker(): WorkerGuest {
    const worker = new WorkerGuest(
      this.component.parts,
      createHostImports(this),
      this.configJson(),
      this.spec.limits,
      {
        callStarts: () => {
          this.sendBudget = this.spec.limits.maxSendBytes;
          this.output.startCall();
        },
        lost: (failure) => {
          if (this.worker === worker) this.fail("worker thread", failure);
        },
      },
    );
    this.worker = worker;
    return worker;
  }

  private reviveWorker(): WorkerGuest {
    this.checkBackoff();
    this.announceRestart();
    const spare = this.spareWorker?.isLost ? null : this.spareWorker;
    this.spareWorker = null;
    const worker = spare ?? this.spawnWorker();
    this.worker = worker;
    // The rebuilt instance's entries are the same module's; only a failed init needs handling.
    (spare ? spare.rebuild() : worker.started()).catch((failure: Failure) => {
      if (this.worker === worker) this.fail("init", failure);
    });
    return worker;
  }

  /** The instance failed: its thread is kept for the next instance unless the thread itself is gone. */
  private retireWorker(): void {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    if (worker.isLost) return;
    this.spareWorker?.stop();
    this.spareWorker = worker;
  }

  private stopWorker(): void {
    const workers = [this.worker, this.spareWorker];
    this.worker = null;
    this.spareWorker = null;
    for (const worker of workers) worker?.stop();
  }

  /** A guest runtime that aborted said why on stderr (Go: "fatal error: ..."): the reason quotes it. */
  private withLastWords(failure: Failure): Failure {
    const words = this.output.fatalLine();
    return words ? { ...failure, reason: `${failure.reason}; the plugin printed "${words}"` } : failure;
  }

  private fail(what: string, failed: Failure): void {
    const failure = this.withLastWords(failed);
    this.stats.failures++;
    this.observer.failed(this.name, failure.kind);
    this.guest = null;
    this.meter = null;
    this.retireWorker();
    this.restart.recordFailure(this.clock.now());
    this.logger.error({ plugin: this.name, call: what, kind: failure.kind, reason: failure.reason }, "plugin failed; instance discarded");
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    // What the instance waited for dies with it: answers are dropped, pending requests get 500.
    this.ops.abandonAll();
    this.pendingPhases.failAll(new NylonError("NYLON_E_PLUGIN_FAILED", `plugin ${this.name} failed (${failure.reason}) while a request waited for it`));
    // Connections belong to the discarded instance's state: close them with 1011 (internal error).
    const owned = [...this.connections.values()];
    this.connections.clear();
    for (const conn of owned) conn.close(1011, "plugin failed");
  }
}

function ignore(): void {}
