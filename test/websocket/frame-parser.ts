// Incremental parser of the frames a server sends back, turned into whole messages and control frames.
// It judges nothing about the server's framing beyond what's needed to read it: the cases assert on
// what it produces.
import { Opcode } from "./frame-builder.js";

export type ServerFrameEvent =
  | { kind: "message"; type: "text" | "binary"; payload: Buffer }
  | { kind: "ping"; payload: Buffer }
  | { kind: "pong"; payload: Buffer }
  /** `code` is undefined for a close frame with an empty body. */
  | { kind: "close"; code: number | undefined; reason: Buffer }
  /** Bytes that can't be a server frame (e.g. a masked frame or an unknown opcode). */
  | { kind: "garbage"; detail: string };

interface FrameHead {
  fin: boolean;
  opcode: number;
  headerLength: number;
  payloadLength: number;
  maskKey: Buffer | undefined;
}

function readHead(buffer: Buffer): FrameHead | undefined {
  if (buffer.length < 2) return undefined;
  const masked = (buffer[1]! & 0x80) !== 0;
  const marker = buffer[1]! & 0x7f;
  let offset = 2;
  let payloadLength = marker;
  if (marker === 126) {
    if (buffer.length < 4) return undefined;
    payloadLength = buffer.readUInt16BE(2);
    offset = 4;
  } else if (marker === 127) {
    if (buffer.length < 10) return undefined;
    payloadLength = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (masked && buffer.length < offset + 4) return undefined;
  const maskKey = masked ? buffer.subarray(offset, offset + 4) : undefined;
  return { fin: (buffer[0]! & 0x80) !== 0, opcode: buffer[0]! & 0x0f, headerLength: offset + (masked ? 4 : 0), payloadLength, maskKey };
}

export class ServerFrameParser {
  private pending: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentedType: "text" | "binary" | undefined;

  /** Feeds received bytes; returns every event they complete. */
  push(chunk: Buffer): ServerFrameEvent[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events: ServerFrameEvent[] = [];
    for (;;) {
      const head = readHead(this.pending);
      if (!head || this.pending.length < head.headerLength + head.payloadLength) return events;
      const raw = this.pending.subarray(head.headerLength, head.headerLength + head.payloadLength);
      const payload = head.maskKey ? Buffer.from(raw.map((byte, i) => byte ^ head.maskKey![i % 4]!)) : Buffer.from(raw);
      this.pending = this.pending.subarray(head.headerLength + head.payloadLength);
      if (head.maskKey) events.push({ kind: "garbage", detail: "the server masked a frame" });
      const event = this.frameEvent(head, payload);
      if (event) events.push(event);
    }
  }

  private frameEvent(head: FrameHead, payload: Buffer): ServerFrameEvent | undefined {
    switch (head.opcode) {
      case Opcode.ping:
        return { kind: "ping", payload };
      case Opcode.pong:
        return { kind: "pong", payload };
      case Opcode.close:
        return payload.length >= 2
          ? { kind: "close", code: payload.readUInt16BE(0), reason: payload.subarray(2) }
          : { kind: "close", code: undefined, reason: payload };
      case Opcode.text:
      case Opcode.binary:
        return this.dataFrame(head.opcode === Opcode.text ? "text" : "binary", head.fin, payload);
      case Opcode.continuation:
        if (!this.fragmentedType) return { kind: "garbage", detail: "continuation frame with no message to continue" };
        return this.dataFrame(this.fragmentedType, head.fin, payload);
      default:
        return { kind: "garbage", detail: `opcode ${head.opcode}` };
    }
  }

  private dataFrame(type: "text" | "binary", fin: boolean, payload: Buffer): ServerFrameEvent | undefined {
    this.fragments.push(payload);
    if (!fin) {
      this.fragmentedType = type;
      return undefined;
    }
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    this.fragmentedType = undefined;
    return { kind: "message", type, payload: message };
  }
}
