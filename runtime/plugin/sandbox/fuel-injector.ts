import { countImports } from "./import-counts.js";
import { walkInstructions } from "./instruction-walker.js";
import { ByteReader, encodeName, encodeS32, encodeU32, WasmFormatError } from "./wasm-bytes.js";
import { appendToVector, putSection, SectionId, vectorHeader, type Section } from "./wasm-sections.js";

/** The exported mutable i32 global that counts down the module's work. */
export const FUEL_EXPORT = "nylon_fuel";
/** The exported one-slot funcref table where the host puts its refill function (instance-meter.ts). */
export const REFILL_TABLE_EXPORT = "nylon_fuel_refill";

/**
 * Makes a module count its own work and ask the host for more when its fuel runs out:
 *
 * * a new mutable i32 global `nylon_fuel`, exported, is decremented at every function entry and at
 *   the head of every `loop` (a function entry catches unbounded recursion, a loop head unbounded
 *   iteration; code without either runs a bounded number of instructions);
 * * when the decrement makes it negative, the code calls a new function that calls the host's
 *   refill function through a new exported table, `nylon_fuel_refill`, and stores the fuel it
 *   returns; the host returns a negative number once the call's deadline has passed, and the
 *   function then executes `unreachable`, a trap the host reads as "deadline exceeded".
 *
 * Everything is appended after the module's own types, tables, functions and globals, so no index
 * the module uses shifts. `initialFuel` covers the module's start function, which runs before the
 * host can fill the table (fuel running out there traps on the empty slot).
 */
export function injectFuel(sections: Section[], initialFuel: number): void {
  const imports = countImports(sections.find((s) => s.id === SectionId.import)?.body);
  const exportSection = sections.find((s) => s.id === SectionId.export)?.body;
  const exported = exportSection ? exportNames(exportSection) : [];
  for (const name of [FUEL_EXPORT, REFILL_TABLE_EXPORT]) {
    if (exported.includes(name)) throw new WasmFormatError(`the module already exports "${name}"`);
  }

  const fuelGlobal = imports.globals + definedCount(sections, SectionId.global);
  // i32, mutable, init: i32.const initialFuel; end
  appendItems(sections, SectionId.global, Buffer.concat([Uint8Array.of(0x7f, 0x01, 0x41), encodeS32(initialFuel), Uint8Array.of(0x0b)]));

  const typeSection = sections.find((s) => s.id === SectionId.type)?.body;
  const refillType = functionTypeCount(typeSection);
  const outOfFuelType = refillType + 1;
  // [] -> [i32] (the host's refill) and [] -> [] (the out-of-fuel function)
  appendItems(sections, SectionId.type, Uint8Array.of(0x60, 0x00, 0x01, 0x7f), Uint8Array.of(0x60, 0x00, 0x00));

  const refillTable = imports.tables + definedCount(sections, SectionId.table);
  // funcref, min 1, max 1
  appendItems(sections, SectionId.table, Uint8Array.of(0x70, 0x01, 0x01, 0x01));

  const outOfFuel = imports.functions + definedCount(sections, SectionId.function);
  appendItems(sections, SectionId.function, encodeU32(outOfFuelType));

  appendItems(
    sections,
    SectionId.export,
    Buffer.concat([encodeName(FUEL_EXPORT), Uint8Array.of(0x03), encodeU32(fuelGlobal)]),
    Buffer.concat([encodeName(REFILL_TABLE_EXPORT), Uint8Array.of(0x01), encodeU32(refillTable)]),
  );

  const code = sections.find((s) => s.id === SectionId.code);
  const metered = code ? meterCode(code.body, fuelCheck(fuelGlobal, outOfFuel)) : undefined;
  const body = outOfFuelBody(fuelGlobal, refillType, refillTable);
  putSection(sections, { id: SectionId.code, body: appendToVector(metered, [Buffer.concat([encodeU32(body.length), body])]) });
}

/** global.get f; i32.const 1; i32.sub; global.set f; global.get f; i32.const 0; i32.lt_s; if; call outOfFuel; end */
function fuelCheck(global: number, outOfFuel: number): Uint8Array {
  const g = encodeU32(global);
  return Buffer.concat([
    Uint8Array.of(0x23), g, Uint8Array.of(0x41, 0x01, 0x6b, 0x24), g,
    Uint8Array.of(0x23), g, Uint8Array.of(0x41, 0x00, 0x48, 0x04, 0x40, 0x10), encodeU32(outOfFuel), Uint8Array.of(0x0b),
  ]);
}

/**
 * No locals; i32.const 0; call_indirect (type refill) (table refill); global.set f;
 * global.get f; i32.const 0; i32.lt_s; if; unreachable; end; end
 */
function outOfFuelBody(global: number, refillType: number, refillTable: number): Uint8Array {
  const g = encodeU32(global);
  return Buffer.concat([
    Uint8Array.of(0x00, 0x41, 0x00, 0x11), encodeU32(refillType), encodeU32(refillTable),
    Uint8Array.of(0x24), g, Uint8Array.of(0x23), g, Uint8Array.of(0x41, 0x00, 0x48, 0x04, 0x40, 0x00, 0x0b, 0x0b),
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

function definedCount(sections: Section[], id: number): number {
  const body = sections.find((s) => s.id === id)?.body;
  return body ? vectorHeader(body).count : 0;
}

function appendItems(sections: Section[], id: number, ...items: Uint8Array[]): void {
  putSection(sections, { id, body: appendToVector(sections.find((s) => s.id === id)?.body, items) });
}

/**
 * How many types the type section defines, which is the index the next one gets. Only plain function
 * types are counted: a GC module's recursion groups number their types differently, and no guest
 * toolchain nylon builds emits them.
 */
function functionTypeCount(body: Uint8Array | undefined): number {
  if (!body) return 0;
  const r = new ByteReader(body);
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const form = r.byte();
    if (form !== 0x60) throw new WasmFormatError(`type form 0x${form.toString(16)} (GC types) is not supported by the sandbox`);
    for (let lists = 0; lists < 2; lists++) {
      for (let n = r.u32(); n > 0; n--) {
        const t = r.byte();
        if (t === 0x63 || t === 0x64) r.skipLeb();
      }
    }
  }
  return count;
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
