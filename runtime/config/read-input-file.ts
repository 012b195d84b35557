// Reads a YAML input file (a configuration or a scenario) as text, refusing what cannot be read safely:
// a directory, more bytes than INPUT_LIMITS.fileBytes (a device such as /dev/zero never ends), bytes that
// are not UTF-8 (decoding would silently turn them into U+FFFD).
import { isUtf8 } from "node:buffer";
import fs from "node:fs";
import type { ConfigIssue } from "./config-error.js";
import { INPUT_LIMITS } from "./input-limits.js";

export type InputText = { text: string; issue?: undefined } | { text?: undefined; issue: ConfigIssue };

function wholeFile(file: string, message: string): InputText {
  return { issue: { file, line: 0, column: 0, path: "", message } };
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file (ENOENT)";
  return error instanceof Error ? error.message : String(error);
}

/** Reads at most `limit + 1` bytes: enough to know the file is over the limit without reading the rest. */
function readCapped(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit + 1);
  let length = 0;
  while (length < buffer.length) {
    const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/**
 * Byte offset of the first byte that is not part of valid UTF-8. Node's isUtf8 only answers yes or no;
 * pointing at the line needs the offset, hence this scanner (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[k + i]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

function notUtf8(file: string, bytes: Buffer): InputText {
  const offset = firstInvalidUtf8(bytes);
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  const column = bytes.subarray(lineStart, offset).toString("utf8").length + 1;
  const byte = `0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, "0")}`;
  return {
    issue: { file, line, column, path: "", message: `byte ${byte} is not UTF-8: save the file as UTF-8 (non-UTF-8 text would be read as U+FFFD)` },
  };
}

/** The file's text, or the one problem that stops it being read. */
export function readInputFile(file: string, what = "file"): InputText {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    return wholeFile(file, `cannot read the ${what}: ${reason(error)}`);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) return wholeFile(file, `cannot read the ${what}: it is a directory, not a file`);
    const bytes = readCapped(fd, INPUT_LIMITS.fileBytes);
    if (bytes.length > INPUT_LIMITS.fileBytes) {
      return wholeFile(file, `cannot read the ${what}: it is larger than ${INPUT_LIMITS.fileBytes / 1024 / 1024} MiB, the most nylon reads`);
    }
    if (!isUtf8(bytes)) return notUtf8(file, bytes);
    return { text: bytes.toString("utf8") };
  } catch (error) {
    return wholeFile(file, `cannot read the ${what}: ${reason(error)}`);
  } finally {
    fs.closeSync(fd);
  }
}
