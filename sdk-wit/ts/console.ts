import { host } from "./host.js";

// A plugin has no stdout: console output goes to the proxy's log, tagged with the plugin name.
function format(args: unknown[]): string {
  return args
    .map((a) => {
      if (typeof a === "string") return a;
      // QuickJS stacks hold only the frames, so the message goes first.
      if (a instanceof Error) return a.stack ? `${a.name}: ${a.message}\n${a.stack}` : `${a.name}: ${a.message}`;
      try {
        return JSON.stringify(a);
      } catch {
        return String(a);
      }
    })
    .join(" ");
}

export function installConsole(): void {
  const write = (level: "debug" | "info" | "warn" | "error") => (...args: unknown[]) => host.log(level, format(args));
  (globalThis as unknown as { console: unknown }).console = {
    log: write("info"),
    info: write("info"),
    debug: write("debug"),
    warn: write("warn"),
    error: write("error"),
  };
}

/** Clocks and randomness exist only as the host grants them: route the JS built-ins to the host. */
export function installClockAndRandom(): void {
  Date.now = () => Number(host.nowMs());
  Math.random = () => {
    const b = host.randomBytes(7);
    // 53 random bits -> [0, 1)
    let x = 0;
    for (let i = 0; i < 6; i++) x = x * 256 + b[i]!;
    x = x * 32 + (b[6]! >> 3);
    return x / 2 ** 53;
  };
}
