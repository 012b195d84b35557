import { ByteReader, WasmFormatError } from "./wasm-bytes.js";

export interface ImportCounts {
  functions: number;
  tables: number;
  memories: number;
  globals: number;
  tags: number;
}

/** Skips a `limits` (tables and memories): flags, min, and max when flag bit 0 is set. */
export function skipLimits(r: ByteReader): void {
  const flags = r.byte();
  r.skipLeb();
  if (flags & 0x01) r.skipLeb();
}

/** Counts the imports of each kind: defined items are numbered after the imported ones. */
export function countImports(importSection: Uint8Array | undefined): ImportCounts {
  const counts: ImportCounts = { functions: 0, tables: 0, memories: 0, globals: 0, tags: 0 };
  if (!importSection) return counts;
  const r = new ByteReader(importSection);
  for (let n = r.u32(); n > 0; n--) {
    r.name();
    r.name();
    const kind = r.byte();
    switch (kind) {
      case 0x00:
        r.u32();
        counts.functions++;
        break;
      case 0x01:
        skipRefType(r);
        skipLimits(r);
        counts.tables++;
        break;
      case 0x02:
        skipLimits(r);
        counts.memories++;
        break;
      case 0x03:
        skipRefType(r);
        r.byte();
        counts.globals++;
        break;
      case 0x04:
        r.byte();
        r.u32();
        counts.tags++;
        break;
      default:
        throw new WasmFormatError(`unknown import kind 0x${kind.toString(16)}`);
    }
  }
  return counts;
}

/** A value or reference type; the typed-reference forms (0x63/0x64 + heap type) carry a heap type. */
function skipRefType(r: ByteReader): void {
  const t = r.byte();
  if (t === 0x63 || t === 0x64) r.skipLeb();
}
