import { host } from "./host.js";

// A plugin has no event loop: setTimeout/setInterval are backed by host timers, and the host calls
// the `on-timer` export when one is due.

interface Timer {
  fn: () => void;
  repeatMs: number | null;
}

const timers = new Map<number, Timer>();
let nextId = 1;

function schedule(fn: () => void, ms: number, repeat: boolean): number {
  const id = nextId;
  nextId = nextId >= 0x7fffffff ? 1 : nextId + 1;
  const delay = Math.max(0, Math.min(0x7fffffff, Math.floor(ms) || 0));
  timers.set(id, { fn, repeatMs: repeat ? Math.max(1, delay) : null });
  try {
    host.setTimer(id, delay);
  } catch (thrown) {
    timers.delete(id);
    throw new Error(`cannot set a timer: ${(thrown as { payload?: { message: string } }).payload?.message ?? String(thrown)}`);
  }
  return id;
}

function clear(id: number | undefined): void {
  if (id === undefined || !timers.delete(id)) return;
  host.clearTimer(id);
}

export function installTimers(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = (fn: () => void, ms?: number) => schedule(fn, ms ?? 0, false);
  g.setInterval = (fn: () => void, ms?: number) => schedule(fn, ms ?? 0, true);
  g.clearTimeout = clear;
  g.clearInterval = clear;
}

/** Runs a due timer (the `on-timer` export). */
export function fireTimer(id: number): void {
  const timer = timers.get(id);
  if (!timer) return;
  if (timer.repeatMs === null) timers.delete(id);
  else host.setTimer(id, timer.repeatMs);
  timer.fn();
}
