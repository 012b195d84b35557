// The core signatures of a module's imported and exported functions, read from its binary: what a
// test compares with what a guest language's bindings declare.
import { ByteReader } from "../../runtime/plugin/sandbox/wasm-bytes.js";
import { skipLimits } from "../../runtime/plugin/sandbox/import-counts.js";
import { readSections, SectionId } from "../../runtime/plugin/sandbox/wasm-sections.js";

/** "(i32, i32) -> i64": parameters and results as core value types. */
export type Signature = string;

const VALTYPES: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

export function signature(params: readonly string[], results: readonly string[]): Signature {
  return `(${params.join(", ")}) -> ${results.length === 0 ? "()" : results.join(", ")}`;
}

export interface ModuleSignatures {
  /** "module name" -> signature, for imported functions. */
  imports: Map<string, Signature>;
  /** export name -> signature, for exported functions. */
  exports: Map<string, Signature>;
}

export function moduleSignatures(bytes: Uint8Array): ModuleSignatures {
  const sections = readSections(bytes);
  const body = (id: number) => sections.find((s) => s.id === id)?.body;
  const types: Signature[] = [];
  const typeSection = body(SectionId.type);
  if (typeSection) {
    const r = new ByteReader(typeSection);
    for (let n = r.u32(); n > 0; n--) {
      if (r.byte() !== 0x60) throw new Error("only function types are expected");
      const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? "?");
      const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? "?");
      types.push(signature(params, results));
    }
  }
  const funcTypes: Signature[] = [];
  const imports = new Map<string, Signature>();
  const importSection = body(SectionId.import);
  if (importSection) {
    const r = new ByteReader(importSection);
    for (let n = r.u32(); n > 0; n--) {
      const module = r.name();
      const name = r.name();
      const kind = r.byte();
      if (kind === 0x00) {
        const sig = types[r.u32()]!;
        funcTypes.push(sig);
        imports.set(`${module} ${name}`, sig);
      } else if (kind === 0x02) skipLimits(r);
      else throw new Error(`unexpected import kind ${kind} of ${module} ${name}`);
    }
  }
  const functionSection = body(SectionId.function);
  if (functionSection) {
    const r = new ByteReader(functionSection);
    for (let n = r.u32(); n > 0; n--) funcTypes.push(types[r.u32()]!);
  }
  const exports = new Map<string, Signature>();
  const exportSection = body(SectionId.export);
  if (exportSection) {
    const r = new ByteReader(exportSection);
    for (let n = r.u32(); n > 0; n--) {
      const name = r.name();
      const kind = r.byte();
      const index = r.u32();
      if (kind === 0x00) exports.set(name, funcTypes[index]!);
    }
  }
  return { imports, exports };
}
