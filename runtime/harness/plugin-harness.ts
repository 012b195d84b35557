import path from "node:path";
import { loadComponent, type CompiledComponent } from "../plugin/component-loader.js";
import type { PluginSpec } from "../plugin/plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS, DEFAULT_STORE_LIMITS, type PluginLimits, type StoreLimits } from "../plugin/plugin-limits.js";
import { ALLOWED_HOST_FORMAT, parseAllowedHost } from "../outbound/allowed-hosts.js";
import type { HttpStub, OutboundCallRecord } from "./harness-outbound.js";
import { HarnessStore } from "./harness-store.js";
import { DEFAULT_WEBSOCKET_SETTINGS, type WebSocketSettings } from "../websocket/websocket-settings.js";
import type { HarnessConnection } from "./harness-connection.js";
import { HarnessEnvironment, type StepReport } from "./harness-environment.js";
import { HarnessNode, type ConnectSpec, type RequestSpec } from "./harness-node.js";
import type { HttpResult } from "./http-result.js";
import type { LogRecord } from "./log-recorder.js";
import { failuresIn, type SandboxFailure } from "./sandbox-failure.js";
import { SharedRooms } from "./shared-rooms.js";

export interface HarnessOptions {
  /** The plugin's `config` (passed to its initializers), as in the proxy's YAML. */
  config?: unknown;
  /** Sandbox limits (memory cap, deadline, send budget, timers); the proxy's defaults otherwise. */
  limits?: Partial<PluginLimits>;
  /** WebSocket protocol limits (max message size, ...); the proxy's defaults otherwise. */
  websocket?: Partial<WebSocketSettings>;
  /** The plugin's name in logs; default: the file's name. */
  name?: string;
  /** The plugin's store limits (`store:` of its config); the proxy's defaults otherwise. */
  store?: Partial<StoreLimits>;
  /** Where the plugin may call, as in its config ("http://auth.test", "https://*.example.com"); nothing by default. */
  allowedOutboundHosts?: string[];
  /** Canned answers to its outbound calls; a call no stub matches goes to the real network (a server the test started). */
  httpStubs?: HttpStub[];
}

/**
 * Loads a built plugin into the proxy's own sandbox (same loader, host functions and limits; no
 * sockets) so a test can drive it: HTTP requests through an entry's phases, WebSocket clients, rooms
 * across simulated nodes, and time.
 */
export async function loadPlugin(file: string, options: HarnessOptions = {}): Promise<PluginHarness> {
  const limits: PluginLimits = { ...DEFAULT_PLUGIN_LIMITS, ...options.limits };
  const component = await loadComponent(file, { memoryMb: limits.memoryMb });
  const spec: PluginSpec = {
    name: options.name ?? path.basename(file).replace(/\.wasm$/, ""),
    file,
    config: options.config ?? {},
    limits,
    storeLimits: { ...DEFAULT_STORE_LIMITS, ...options.store },
    allowedOutboundHosts: (options.allowedOutboundHosts ?? []).map((text) => {
      const allowed = parseAllowedHost(text);
      if (!allowed) throw new Error(`allowedOutboundHosts: ${JSON.stringify(text)}: ${ALLOWED_HOST_FORMAT}`);
      return allowed;
    }),
  };
  return new PluginHarness(component, spec, { ...DEFAULT_WEBSOCKET_SETTINGS, ...options.websocket }, options.httpStubs ?? []);
}

export class PluginHarness {
  readonly nodes: HarnessNode[] = [];
  /** The plugin's keys in the store its nodes share. */
  readonly store: HarnessStore;
  private readonly env: HarnessEnvironment;
  private sharedRooms: SharedRooms | null = null;

  constructor(
    private readonly component: CompiledComponent,
    readonly spec: PluginSpec,
    private readonly websocket: WebSocketSettings,
    httpStubs: readonly HttpStub[] = [],
  ) {
    this.env = new HarnessEnvironment(httpStubs);
    this.nodes.push(this.newNode());
    this.store = new HarnessStore(this.env.store, this.node.host.storeNamespace);
  }

  /** The first node, where `request` and `connect` go. */
  get node(): HarnessNode {
    return this.nodes[0]!;
  }

  /** The entries the plugin registered. */
  entries(): string[] {
    return this.node.host.entryNames();
  }

  request(spec: RequestSpec): HttpResult {
    return this.node.request(spec);
  }

  /** `request`, for an entry that leaves a phase pending: its waits are answered, and time moves on if they need it. */
  requestAsync(spec: RequestSpec): Promise<HttpResult> {
    return this.node.requestAsync(spec);
  }

  connect(spec: ConnectSpec): HarnessConnection {
    return this.node.connect(spec);
  }

  connectAsync(spec: ConnectSpec): Promise<HarnessConnection> {
    return this.node.connectAsync(spec);
  }

  /**
   * Waits for the plugin's calls to real servers (made from a WebSocket callback or a timer, which
   * answer later) and runs what their answers set off.
   */
  settle(): Promise<StepReport> {
    return this.env.settle();
  }

  /** Every outbound call the plugin made, in order. */
  get outboundCalls(): readonly OutboundCallRecord[] {
    return this.env.outbound.calls;
  }

  /**
   * Another proxy node running the same plugin (its own instance), sharing rooms with the others as
   * nodes on one Redis do: broadcasts, sendTo and room sizes span every node.
   */
  addNode(): HarnessNode {
    if (!this.sharedRooms) {
      this.sharedRooms = new SharedRooms();
      for (const node of this.nodes) node.hub.useAdapter(this.sharedRooms.adapterFor(node.hub));
    }
    const node = this.newNode();
    node.hub.useAdapter(this.sharedRooms.adapterFor(node.hub));
    this.nodes.push(node);
    return node;
  }

  /** Members of the room on every node. */
  roomSize(room: string): number {
    return this.node.roomSize(room);
  }

  /** Moves the plugins' clock forward; their timers that fall due run, in order. */
  advanceTime(ms: number): StepReport {
    return this.env.step(() => this.env.clock.advance(ms, () => this.env.effects.drain()));
  }

  /** The clock the plugins read (now-ms), in milliseconds since the epoch. */
  now(): number {
    return this.env.clock.now();
  }

  /** Every line logged since the plugin was loaded. */
  get logs(): readonly LogRecord[] {
    return this.env.logs.records;
  }

  /** Every sandbox failure since the plugin was loaded (instances discarded). */
  get failures(): SandboxFailure[] {
    return failuresIn(this.env.logs.records);
  }

  close(): void {
    for (const node of this.nodes) node.stop();
    void this.env.outbound.close();
  }

  private newNode(): HarnessNode {
    return new HarnessNode(`node-${this.nodes.length + 1}`, this.component, this.spec, this.websocket, this.env);
  }
}
