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
  /** Longest a phase may stay pending (waiting for the store or an outbound call) before the client gets 504. */
  pendingTimeoutMs: number;
  /** Most store operations and outbound calls a plugin may have in flight at once. */
  maxPendingOps: number;
  /** An outbound call's deadline when the plugin gives none (and the longest it may give). */
  outboundTimeoutMs: number;
  /** Largest outbound response body a plugin may receive. */
  maxOutboundResponseBytes: number;
}

export const DEFAULT_PLUGIN_LIMITS: PluginLimits = {
  memoryMb: 64,
  deadlineMs: 100,
  maxSendBytes: 8 * 1024 * 1024,
  maxTimers: 10_000,
  pendingTimeoutMs: 10_000,
  maxPendingOps: 1_000,
  outboundTimeoutMs: 10_000,
  maxOutboundResponseBytes: 1024 * 1024,
};

/** What a plugin's store keys and values may hold (config `plugins[].store`). */
export interface StoreLimits {
  maxKeys: number;
  maxKeyBytes: number;
  maxValueBytes: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  maxKeys: 10_000,
  maxKeyBytes: 512,
  maxValueBytes: 64 * 1024,
};

/** Keys one `list-keys` returns at most, whatever the plugin asks. */
export const MAX_LIST_KEYS = 1_000;

/** Work budget of a new instance's init, in milliseconds (at least the per-callback deadline): init runs the plugin's initializers. */
export const INIT_DEADLINE_MS = 1000;
