// Counters are stored as Redis stores them: the decimal digits of a signed 64-bit integer, so a
// plugin's `get` of a counter reads "5" on either backend.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL = /^-?(0|[1-9][0-9]{0,18})$/;

/** The value after adding `delta` (a missing key counts as 0), or why it cannot be incremented. */
export function incrementedValue(current: Uint8Array | null, delta: bigint): { count: bigint; bytes: Uint8Array } | string {
  let base = 0n;
  if (current !== null) {
    const text = Buffer.from(current).toString("latin1");
    if (!DECIMAL.test(text) || text === "-0") return "the value is not an integer";
    base = BigInt(text);
  }
  const count = base + delta;
  if (count < INT64_MIN || count > INT64_MAX) return "the increment would overflow a 64-bit integer";
  return { count, bytes: Buffer.from(count.toString(), "latin1") };
}
