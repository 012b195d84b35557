// The globals the SDK installs in a plugin (console.ts, timers.ts). Plugins are type-checked against
// plain ES2022, which has neither: without these, `console.log` and `setTimeout` would not compile.

interface Console {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
declare var console: Console;

/** Backed by host timers (`set-timer`/`on-timer`); the host caps how many may be pending. */
declare function setTimeout(fn: () => void, ms?: number): number;
declare function setInterval(fn: () => void, ms?: number): number;
declare function clearTimeout(id: number | undefined): void;
declare function clearInterval(id: number | undefined): void;
