import path from "node:path";
import { loadComponent, type CompiledComponent } from "../plugin/component-loader.js";
import type { PluginSpec } from "../plugin/plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS, type PluginLimits } from "../plugin/plugin-limits.js";
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
  };
  return new PluginHarness(component, spec, { ...DEFAULT_WEBSOCKET_SETTINGS, ...options.websocket });
}

export class PluginHarness {
  readonly nodes: HarnessNode[] = [];
  private readonly env = new HarnessEnvironment();
  private sharedRooms: SharedRooms | null = null;

  constructor(
    private readonly component: CompiledComponent,
    readonly spec: PluginSpec,
    private readonly websocket: WebSocketSettings,
  ) {
    this.nodes.push(this.newNode());
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

  connect(spec: ConnectSpec): HarnessConnection {
    return this.node.connect(spec);
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
  }

  private newNode(): HarnessNode {
    return new HarnessNode(`node-${this.nodes.length + 1}`, this.component, this.spec, this.websocket, this.env);
  }
}
