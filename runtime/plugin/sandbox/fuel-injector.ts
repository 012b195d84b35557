import { countImports } from "./import-counts.js";
import { walkInstructions } from "./instruction-walker.js";
import { ByteReader, encodeName, encodeS32, encodeU32, WasmFormatError } from "./wasm-bytes.js";
import { appendToVector, putSection, SectionId, type Section } from "./wasm-sections.js";

/** The exported mutable i32 global the host loads with a budget before each guest call. */
export const FUEL_EXPORT = "nylon_fuel";

/**
 * Makes a module count its own work: a new mutable i32 global `nylon_fuel` (appended after the
 * existing globals, so no index shifts), exported, and decremented at every function entry and at the
 * head of every `loop`. When the decrement makes it negative the code executes `unreachable`, a
 * trap the host then reads as "deadline exceeded". A function entry catches unbounded recursion, a
 * loop head catches unbounded iteration; code without either runs a bounded number of instructions.
 *
 * `initialFuel` covers the module's start function and whatever runs before the host first sets a
 * budget.
 */
export function injectFuel(sections: Section[], initialFuel: number): void {
  const imports = countImports(sections.find((s) => s.id === SectionId.import)?.body);
  const globalSection = sections.find((s) => s.id === SectionId.global)?.body;
  const definedGlobals = globalSection ? new ByteReader(globalSection).u32() : 0;
  const fuelGlobal = imports.globals + definedGlobals;

  const exportSection = sections.find((s) => s.id === SectionId.export)?.body;
  if (exportSection && exportNames(exportSection).includes(FUEL_EXPORT)) {
    throw new WasmFormatError(`the module already exports "${FUEL_EXPORT}"`);
  }

  // i32, mutable, init: i32.const initialFuel; end
  const global = Buffer.concat([Uint8Array.of(0x7f, 0x01, 0x41), encodeS32(initialFuel), Uint8Array.of(0x0b)]);
  putSection(sections, { id: SectionId.global, body: appendToVector(globalSection, [global]) });
  const exported = Buffer.concat([encodeName(FUEL_EXPORT), Uint8Array.of(0x03), encodeU32(fuelGlobal)]);
  putSection(sections, { id: SectionId.export, body: appendToVector(exportSection, [exported]) });

  const code = sections.find((s) => s.id === SectionId.code);
  if (code) code.body = meterCode(code.body, fuelCheck(fuelGlobal));
}

/** global.get f; i32.const 1; i32.sub; global.set f; global.get f; i32.const 0; i32.lt_s; if; unreachable; end */
function fuelCheck(global: number): Uint8Array {
  const g = encodeU32(global);
  return Buffer.concat([
    Uint8Array.of(0x23), g, Uint8Array.of(0x41, 0x01, 0x6b, 0x24), g,
    Uint8Array.of(0x23), g, Uint8Array.of(0x41, 0x00, 0x48, 0x04, 0x40, 0x00, 0x0b),
  ]);
}

function meterCode(body: Uint8Array, check: Uint8Array): Uint8Array {
  const r = new ByteReader(body);
  const count = r.u32();
  const parts: Uint8Array[] = [encodeU32(count)];
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    const fn = new ByteReader(body, start, end);
    skipLocals(fn);
    const inserts = [fn.pos];
    walkInstructions(fn, (at) => inserts.push(at));
    const pieces: Uint8Array[] = [];
    let from = start;
    for (const at of inserts) {
      pieces.push(body.subarray(from, at), check);
      from = at;
    }
    pieces.push(body.subarray(from, end));
    const newSize = size + inserts.length * check.length;
    parts.push(encodeU32(newSize), ...pieces);
    r.pos = end;
  }
  return Buffer.concat(parts);
}

function skipLocals(r: ByteReader): void {
  for (let groups = r.u32(); groups > 0; groups--) {
    r.u32();
    const type = r.byte();
    if (type === 0x63 || type === 0x64) r.skipLeb();
  }
}

function exportNames(body: Uint8Array): string[] {
  const r = new ByteReader(body);
  const names: string[] = [];
  for (let n = r.u32(); n > 0; n--) {
    names.push(r.name());
    r.byte();
    r.u32();
  }
  return names;
}
