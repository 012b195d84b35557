// The Range header of a request for a file (RFC 9110 section 14), read strictly before range-parser
// computes and combines the ranges: range-parser skips what it cannot read ("bytes=abc", "bytes=5-2")
// and reads "bytes=1x-2" as "bytes=1-2", and it compares the unit case-sensitively.
//
// What each case answers:
// - another unit than bytes (units are case-insensitive): the Range is ignored, 200 (section 14.2);
// - "bytes" with a range-set that is not byte ranges ("bytes=abc", "bytes=5-2", "bytes=1x-2", an empty
//   set): 416 with "Content-Range: bytes */<size>". Section 14.2 lets a server ignore or reject an
//   invalid ranges-specifier; nylon rejects it, as nginx does, so a broken client learns its request
//   was wrong instead of receiving a whole file it did not ask for;
// - valid but none of them inside the file: 416;
// - otherwise the satisfiable ranges, overlapping and adjacent ones combined.
import parseRange from "range-parser";

export type ByteRanges =
  | { kind: "ignored" }
  | { kind: "invalid" }
  | { kind: "unsatisfiable" }
  | { kind: "ranges"; ranges: { start: number; end: number }[] };

const BYTE_RANGE_SPEC = /^(?:\d+-\d*|-\d+)$/;

export function parseByteRanges(header: string, size: number): ByteRanges {
  const equals = header.indexOf("=");
  if (equals === -1) return { kind: "invalid" };
  if (header.slice(0, equals).trim().toLowerCase() !== "bytes") return { kind: "ignored" };
  // A list may hold empty elements (section 5.6.1), which are skipped.
  const specs = header.slice(equals + 1).split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (specs.length === 0 || !specs.every(isByteRangeSpec)) return { kind: "invalid" };
  const ranges = parseRange(size, `bytes=${specs.join(",")}`, { combine: true });
  if (ranges === -2) return { kind: "invalid" };
  if (ranges === -1) return { kind: "unsatisfiable" };
  return { kind: "ranges", ranges: ranges.map(({ start, end }) => ({ start, end })) };
}

/** int-range or suffix-range (section 14.1.2); an int-range whose last position is before its first is invalid. */
function isByteRangeSpec(spec: string): boolean {
  if (!BYTE_RANGE_SPEC.test(spec)) return false;
  const [first, last] = spec.split("-");
  return first === "" || last === "" || BigInt(last!) >= BigInt(first!);
}
