import { ByteReader, WasmFormatError } from "./wasm-bytes.js";

export const Op = {
  loop: 0x03,
  end: 0x0b,
} as const;

/**
 * Walks one function body's instructions (after its locals) and calls `onLoop` with the offset just
 * past each `loop` and its block type, where a loop iteration begins. Every immediate of the MVP,
 * sign-extension, saturating truncation, bulk memory, reference types, multi-value, tail calls,
 * exception handling (legacy), SIMD, relaxed SIMD and threads is decoded, so no opcode byte is
 * mistaken for an immediate or the reverse. An unknown opcode is an error, never a guess.
 */
export function walkInstructions(r: ByteReader, onLoop: (afterLoopHeader: number) => void): void {
  while (!r.done) {
    const op = r.byte();
    switch (op) {
      case 0x02: // block
      case 0x04: // if
      case 0x06: // try
        r.skipLeb(); // block type: 0x40, a value type, or an s33 type index
        break;
      case 0x03:
        r.skipLeb();
        onLoop(r.pos);
        break;
      case 0x07: // catch tag
      case 0x08: // throw tag
      case 0x09: // rethrow depth
      case 0x18: // delegate depth
      case 0x0c: // br
      case 0x0d: // br_if
      case 0x10: // call
      case 0x12: // return_call
      case 0xd2: // ref.func
      case 0x20: // local.get
      case 0x21: // local.set
      case 0x22: // local.tee
      case 0x23: // global.get
      case 0x24: // global.set
      case 0x25: // table.get
      case 0x26: // table.set
      case 0x3f: // memory.size
      case 0x40: // memory.grow
      case 0x41: // i32.const
      case 0x42: // i64.const
      case 0xd0: // ref.null heap type
        r.skipLeb();
        break;
      case 0x0e: // br_table: vec(label) default
        for (let n = r.u32(); n >= 0; n--) r.skipLeb();
        break;
      case 0x11: // call_indirect type table
      case 0x13: // return_call_indirect
        r.skipLeb();
        r.skipLeb();
        break;
      case 0x1c: // select t*
        for (let n = r.u32(); n > 0; n--) r.skipLeb();
        break;
      case 0x43: // f32.const
        r.skip(4);
        break;
      case 0x44: // f64.const
        r.skip(8);
        break;
      case 0xfc:
        skipMiscPrefixed(r);
        break;
      case 0xfd:
        skipSimdPrefixed(r);
        break;
      case 0xfe:
        skipAtomicPrefixed(r);
        break;
      default:
        if (op >= 0x28 && op <= 0x3e) skipMemarg(r);
        else if (!NO_IMMEDIATE.has(op)) throw new WasmFormatError(`unknown opcode 0x${op.toString(16)} at byte ${r.pos - 1}`);
    }
  }
}

const NO_IMMEDIATE = new Set<number>([
  0x00, 0x01, 0x05, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1,
  ...range(0x45, 0xc4), // numeric and sign-extension operators
]);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** align, [memory index when align bit 6 is set (multi-memory)], offset. */
function skipMemarg(r: ByteReader): void {
  const align = r.u32();
  if (align & 0x40) r.skipLeb();
  r.skipLeb();
}

function skipMiscPrefixed(r: ByteReader): void {
  const sub = r.u32();
  if (sub <= 7) return; // saturating truncations
  switch (sub) {
    case 8: // memory.init data mem
    case 10: // memory.copy mem mem
    case 12: // table.init elem table
    case 14: // table.copy table table
      r.skipLeb();
      r.skipLeb();
      return;
    case 9: // data.drop
    case 11: // memory.fill
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.skipLeb();
      return;
    default:
      throw new WasmFormatError(`unknown 0xfc sub-opcode ${sub} at byte ${r.pos}`);
  }
}

function skipSimdPrefixed(r: ByteReader): void {
  const sub = r.u32();
  if (sub <= 11 || sub === 92 || sub === 93) return skipMemarg(r); // v128 loads and stores, load*_zero
  if (sub === 12 || sub === 13) return r.skip(16); // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) return r.skip(1); // extract/replace lane
  if (sub >= 84 && sub <= 91) {
    skipMemarg(r); // load/store lane
    r.skip(1);
    return;
  }
  if (sub <= 0x113) return; // every other SIMD and relaxed-SIMD operator has no immediate
  throw new WasmFormatError(`unknown 0xfd sub-opcode ${sub} at byte ${r.pos}`);
}

function skipAtomicPrefixed(r: ByteReader): void {
  const sub = r.u32();
  if (sub === 0x03) return r.skip(1); // atomic.fence
  if (sub <= 0x4e) return skipMemarg(r);
  throw new WasmFormatError(`unknown 0xfe sub-opcode ${sub} at byte ${r.pos}`);
}
