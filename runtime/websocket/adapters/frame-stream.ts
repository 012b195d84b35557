import type { Socket } from "node:net";
import { writeCoalesced } from "../write-coalescer.js";
import { encodeEnvelope } from "./redis-envelope.js";

// Length-prefixed frames (u32 big-endian length, then the bytes) over a stream socket between two
// worker processes. Written by hand: the format is four bytes of header, and a library would add a
// stream transform (and a copy) per frame on the path of every cross-worker broadcast.

const LENGTH_BYTES = 4;

/** `body` with its length prefix, ready to be written as is to any number of links. */
export function lengthPrefixed(body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, LENGTH_BYTES);
  return frame;
}

/** An envelope (redis-envelope.ts: kind, two ids, payload) as one frame, built with a single copy of the payload. */
export function envelopeFrame(kind: number, a: string, b: string, payload: Buffer): Buffer {
  const frame = encodeEnvelope(kind, a, b, payload, LENGTH_BYTES);
  frame.writeUInt32BE(frame.length - LENGTH_BYTES, 0);
  return frame;
}

/** Writes a frame from lengthPrefixed() or envelopeFrame(); frames written in one turn leave in one writev. */
export function writeFrame(socket: Socket, frame: Buffer): void {
  writeCoalesced(socket, frame);
}

/**
 * Calls `onFrame` with each frame's body as it completes. A body is a view into the chunk it arrived
 * in when it fits in one (no copy); the chunks of a frame split across reads are joined once, when
 * its last byte has arrived.
 */
export function readFrames(socket: Socket, onFrame: (body: Buffer) => void): void {
  const held: Buffer[] = [];
  let heldBytes = 0;
  /** Bytes the frame being held needs in all (header included); 0 until its header is known. */
  let needed = 0;
  socket.on("data", (chunk: Buffer) => {
    let data = chunk;
    if (heldBytes > 0) {
      held.push(chunk);
      heldBytes += chunk.length;
      if (needed === 0 && heldBytes >= LENGTH_BYTES) needed = LENGTH_BYTES + Buffer.concat(held, LENGTH_BYTES).readUInt32BE(0);
      if (needed === 0 || heldBytes < needed) return;
      data = Buffer.concat(held, heldBytes);
      held.length = 0;
      heldBytes = 0;
      needed = 0;
    }
    let offset = 0;
    while (data.length - offset >= LENGTH_BYTES) {
      const end = offset + LENGTH_BYTES + data.readUInt32BE(offset);
      if (end > data.length) {
        needed = end - offset;
        break;
      }
      onFrame(data.subarray(offset + LENGTH_BYTES, end));
      offset = end;
    }
    if (offset < data.length) {
      held.push(data.subarray(offset));
      heldBytes = data.length - offset;
    }
  });
}
