import { ByteReader, encodeU32, WasmFormatError } from "./wasm-bytes.js";

export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** The order non-custom sections must appear in (the tag section sits between memory and global). */
const ORDER: readonly number[] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

export interface Section {
  id: number;
  /** The section's payload, without the id and size. */
  body: Uint8Array;
}

const HEADER = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export function readSections(bytes: Uint8Array): Section[] {
  for (let i = 0; i < HEADER.length; i++) {
    if (bytes[i] !== HEADER[i]) throw new WasmFormatError("not a core wasm module (version 1)");
  }
  const r = new ByteReader(bytes, HEADER.length);
  const sections: Section[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    sections.push({ id, body: bytes.subarray(start, start + size) });
  }
  return sections;
}

export function writeSections(sections: readonly Section[]): Uint8Array {
  const parts: Uint8Array[] = [HEADER];
  for (const s of sections) parts.push(Uint8Array.of(s.id), encodeU32(s.body.length), s.body);
  return Buffer.concat(parts);
}

/** Puts `section` in place of the one with the same id, or inserts it where the binary format wants it. */
export function putSection(sections: Section[], section: Section): void {
  const existing = sections.findIndex((s) => s.id === section.id);
  if (existing >= 0) {
    sections[existing] = section;
    return;
  }
  const rank = ORDER.indexOf(section.id);
  const after = sections.findIndex((s) => s.id !== SectionId.custom && ORDER.indexOf(s.id) > rank);
  sections.splice(after < 0 ? sections.length : after, 0, section);
}

/** A vector section's item count and where its items start. */
export function vectorHeader(body: Uint8Array): { count: number; itemsStart: number } {
  const r = new ByteReader(body);
  const count = r.u32();
  return { count, itemsStart: r.pos };
}

/** A vector section with `extra` items appended (the existing items are copied byte for byte). */
export function appendToVector(body: Uint8Array | undefined, extra: readonly Uint8Array[]): Uint8Array {
  const { count, itemsStart } = body ? vectorHeader(body) : { count: 0, itemsStart: 0 };
  return Buffer.concat([encodeU32(count + extra.length), body ? body.subarray(itemsStart) : new Uint8Array(0), ...extra]);
}
