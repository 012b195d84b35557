// Durations in the configuration are written "500ms", "3s", "1m" or "1h" and used as milliseconds.

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

const MILLISECONDS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Node's timers hold at most 2^31 − 1 ms (about 24.8 days); a longer delay fires after 1 ms instead. Every
 * duration in the configuration is kept at or below it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Milliseconds for a duration text that matches DURATION_PATTERN. */
export function durationToMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new RangeError(`not a duration: ${text}`);
  return Math.round(Number(match[1]) * (MILLISECONDS_PER_UNIT[match[2] ?? "ms"] ?? 1));
}

/** A duration as a person writes it: 86400000 -> "24h", 1500 -> "1500ms". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
