import { performance } from "node:perf_hooks";

/** Where one plugin's load went, in milliseconds (see loadComponent and PluginHost.start). */
export interface PluginLoadSplit {
  /** Reading the `.wasm` and finding its prepared glue and sandboxed modules. */
  prepared: number;
  /** Where they came from: written by `nylon build` beside the `.wasm`, the user's cache, or generated now. */
  source: PreparedSource;
  /** Capping memory and compiling the core modules (a module another plugin already compiled is reused). */
  compile: number;
  /** Importing the JS glue (shared by every plugin whose glue is the same). */
  glue: number;
  /** The first instance: instantiation and the plugin's init. */
  init: number;
}

export type PreparedSource = "beside" | "cache" | "generated";

/** The split as `nylon run` logs it ("startup split", field `startup_ms`). */
export interface StartupSplitJson {
  /** Milliseconds from the process's start to "nylon is serving". */
  total: number;
  steps: Record<string, number>;
  /** By plugin; the plugins load concurrently, so their parts overlap. */
  plugins: Record<string, PluginLoadSplit>;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Where a start's time goes, from the process's start (performance.timeOrigin) to "nylon is serving":
 * Node's own bootstrap, loading nylon's modules, then each step of Proxy.start, with each plugin's
 * parts. `nylon run` logs it at debug level; bench/startup prints it.
 */
export class StartupSplit {
  /** Milliseconds per step, in the order they ran. */
  readonly steps: Record<string, number> = {};
  readonly plugins: Record<string, PluginLoadSplit> = {};
  private last: number;

  /** Made where the command starts running: everything before is Node's bootstrap and module loading. */
  constructor() {
    const bootstrapped = performance.nodeTiming.bootstrapComplete;
    this.last = performance.now();
    this.steps["node"] = round(bootstrapped);
    this.steps["modules"] = round(this.last - bootstrapped);
  }

  /** Ends the step `name`, which began where the previous one ended. */
  step(name: string): void {
    const now = performance.now();
    this.steps[name] = round((this.steps[name] ?? 0) + now - this.last);
    this.last = now;
  }

  plugin(name: string, split: PluginLoadSplit): void {
    this.plugins[name] = {
      ...split,
      prepared: round(split.prepared),
      compile: round(split.compile),
      glue: round(split.glue),
      init: round(split.init),
    };
  }

  toJSON(): StartupSplitJson {
    return { total: round(performance.now()), steps: this.steps, plugins: this.plugins };
  }
}
