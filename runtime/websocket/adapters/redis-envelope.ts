/**
 * The bytes of one pub/sub message: kind (1 byte), two length-prefixed ids (u16 big-endian each),
 * then the payload untouched, so a binary broadcast is never re-encoded (no JSON, no base64).
 * The Lua scripts in redis-membership.ts write the same layout for "node gone" notices.
 */
export const EnvelopeKind = {
  /** Room broadcast; a = origin node, b = excluded connection id or "". */
  roomText: 0x74, // "t"
  roomBinary: 0x62, // "b"
  /** A node's member count of the room changed; a = node, payload = count in ASCII decimal. */
  roomSize: 0x73, // "s"
  /** A node left the cluster (reaped or stopped); a = node. */
  nodeGone: 0x67, // "g"
  /** To one connection; a = the sender's room namespace, b = target connection id. */
  directText: 0x54, // "T"
  directBinary: 0x42, // "B"
} as const;

export interface Envelope {
  kind: number;
  a: string;
  b: string;
  payload: Buffer;
}

const HEADER_BYTES = 5;

/**
 * The envelope's bytes; with `headroom`, that many bytes are left free before them for the caller (a
 * stream's length prefix), so the envelope is not copied again to frame it.
 */
export function encodeEnvelope(kind: number, a: string, b: string, payload: Buffer, headroom = 0): Buffer {
  const aLen = Buffer.byteLength(a);
  const bLen = Buffer.byteLength(b);
  const out = Buffer.allocUnsafe(headroom + HEADER_BYTES + aLen + bLen + payload.length);
  out[headroom] = kind;
  out.writeUInt16BE(aLen, headroom + 1);
  out.write(a, headroom + 3, "utf8");
  out.writeUInt16BE(bLen, headroom + 3 + aLen);
  out.write(b, headroom + 5 + aLen, "utf8");
  payload.copy(out, headroom + HEADER_BYTES + aLen + bLen);
  return out;
}

/** The envelope, its payload a view into `message` (no copy); undefined when malformed. */
export function decodeEnvelope(message: Buffer): Envelope | undefined {
  if (message.length < HEADER_BYTES) return undefined;
  const aLen = message.readUInt16BE(1);
  if (message.length < HEADER_BYTES + aLen) return undefined;
  const bLen = message.readUInt16BE(3 + aLen);
  const payloadStart = HEADER_BYTES + aLen + bLen;
  if (message.length < payloadStart) return undefined;
  return {
    kind: message[0]!,
    a: message.toString("utf8", 3, 3 + aLen),
    b: message.toString("utf8", 5 + aLen, payloadStart),
    payload: message.subarray(payloadStart),
  };
}
