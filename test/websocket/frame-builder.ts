// Builds RFC 6455 frames byte by byte, including ones no library would send (reserved bits and opcodes,
// unmasked client frames, fragmented control frames, lengths that lie), for the conformance cases and
// for the benchmarks' pre-masked frames.
import { randomBytes } from "node:crypto";

export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** How the payload length is written: 7-bit, 7+16-bit or 7+64-bit. */
export type LengthEncoding = "7" | "16" | "64";

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  /** Final fragment of its message; default true. */
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** Client frames must be masked: default true with a random key; false sends it unmasked; or a given 4-byte key. */
  mask?: boolean | Uint8Array;
  /** Default: the shortest encoding that fits, as RFC 6455 requires. */
  lengthEncoding?: LengthEncoding;
  /** Announce this length instead of the payload's (to test limits without sending the bytes). */
  declaredLength?: bigint;
}

function shortestEncoding(length: bigint): LengthEncoding {
  if (length <= 125n) return "7";
  return length <= 0xffffn ? "16" : "64";
}

function lengthBytes(length: bigint, encoding: LengthEncoding): { marker: number; extended: Buffer } {
  switch (encoding) {
    case "7":
      if (length > 125n) throw new RangeError(`length ${length} does not fit in 7 bits`);
      return { marker: Number(length), extended: Buffer.alloc(0) };
    case "16": {
      if (length > 0xffffn) throw new RangeError(`length ${length} does not fit in 16 bits`);
      const extended = Buffer.alloc(2);
      extended.writeUInt16BE(Number(length));
      return { marker: 126, extended };
    }
    case "64": {
      const extended = Buffer.alloc(8);
      extended.writeBigUInt64BE(length);
      return { marker: 127, extended };
    }
  }
}

export function buildFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === "string" ? Buffer.from(spec.payload, "utf8") : Buffer.from(spec.payload ?? []);
  const declared = spec.declaredLength ?? BigInt(payload.length);
  const { marker, extended } = lengthBytes(declared, spec.lengthEncoding ?? shortestEncoding(declared));
  const maskKey = spec.mask === false ? undefined : spec.mask === undefined || spec.mask === true ? randomBytes(4) : Buffer.from(spec.mask);
  if (maskKey && maskKey.length !== 4) throw new RangeError("a mask key has 4 bytes");

  const firstByte =
    (spec.fin === false ? 0 : 0x80) | (spec.rsv1 ? 0x40 : 0) | (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) | (spec.opcode & 0x0f);
  const secondByte = (maskKey ? 0x80 : 0) | marker;
  const body = maskKey ? Buffer.from(payload.map((byte, i) => byte ^ maskKey[i % 4]!)) : payload;
  return Buffer.concat([Buffer.from([firstByte, secondByte]), extended, maskKey ?? Buffer.alloc(0), body]);
}

/** The body of a close frame: a 2-byte status code, then an optional UTF-8 (or deliberately broken) reason. */
export function closePayload(code: number, reason: Uint8Array | string = ""): Buffer {
  const codeBytes = Buffer.alloc(2);
  codeBytes.writeUInt16BE(code);
  return Buffer.concat([codeBytes, typeof reason === "string" ? Buffer.from(reason, "utf8") : reason]);
}
