/** Per-plugin sandbox limits (config `plugins[].limits`), with safe defaults. */
export interface PluginLimits {
  /** Cap on the plugin's linear memory. */
  memoryMb: number;
  /** Longest a single callback may run. */
  deadlineMs: number;
  /** Most bytes one callback may send, broadcast or stream. */
  maxSendBytes: number;
  /** Most timers a plugin may have pending. */
  maxTimers: number;
}

export const DEFAULT_PLUGIN_LIMITS: PluginLimits = {
  memoryMb: 64,
  deadlineMs: 100,
  maxSendBytes: 8 * 1024 * 1024,
  maxTimers: 10_000,
};

/** Work budget of a new instance's init, in milliseconds (at least the per-callback deadline): init runs the plugin's initializers. */
export const INIT_DEADLINE_MS = 1000;
