// Durations in the configuration are written "500ms", "3s", "1m" or "1h" and used as milliseconds.

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

const MILLISECONDS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds for a duration text that matches DURATION_PATTERN. */
export function durationToMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new RangeError(`not a duration: ${text}`);
  return Math.round(Number(match[1]) * (MILLISECONDS_PER_UNIT[match[2] ?? "ms"] ?? 1));
}
