/** Thrown when a module cannot be read or uses an encoding the sandbox does not know. */
export class WasmFormatError extends Error {
  override name = "WasmFormatError";
}

/** A cursor over a wasm binary: LEB128 integers and raw bytes, with bounds checks. */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    readonly end = bytes.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw new WasmFormatError(`unexpected end of data at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
  }

  /** An unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 28) {
        const last = this.byte();
        if (last & 0x80 || last > 0x0f) throw new WasmFormatError(`u32 LEB128 too long at byte ${this.pos}`);
        return (result | (last << 28)) >>> 0;
      }
    }
  }

  /** Skips any LEB128 (signed or unsigned, up to 64 bits); only the length matters when walking code. */
  skipLeb(): void {
    for (let i = 0; i < 10; i++) if ((this.byte() & 0x80) === 0) return;
    throw new WasmFormatError(`LEB128 longer than 10 bytes at byte ${this.pos}`);
  }

  skip(n: number): void {
    if (this.pos + n > this.end) throw new WasmFormatError(`unexpected end of data at byte ${this.pos}`);
    this.pos += n;
  }

  name(): string {
    const len = this.u32();
    this.skip(len);
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos - len, len).toString("utf8");
  }
}

export function encodeU32(value: number): Uint8Array {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return Uint8Array.from(out);
}

export function encodeS32(value: number): Uint8Array {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return Uint8Array.from(out);
  }
}

export function encodeName(name: string): Uint8Array {
  const utf8 = Buffer.from(name, "utf8");
  return Buffer.concat([encodeU32(utf8.length), utf8]);
}
