/** Calls `call` in batches until `ms` milliseconds have passed; returns how many calls were made. */
export function repeatFor(ms: number, call: () => void): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 500; i++) call();
    n += 500;
  }
  return n;
}

/** Calls per second of `call` over `seconds`, after a 1 s warm-up (lazy compilation and tier-up). */
export function callsPerSecond(call: () => void, seconds: number): number {
  repeatFor(1000, call);
  const t0 = performance.now();
  const n = repeatFor(seconds * 1000, call);
  return n / ((performance.now() - t0) / 1000);
}
