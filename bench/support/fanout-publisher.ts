// The pieces both fan-out benchmarks (one node, and two nodes + Redis) drive their servers with.
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { buildFrame, Opcode } from "../../test/websocket/frame-builder.js";

/** 32 B, JSON-safe for Socket.IO. */
export const FANOUT_PAYLOAD = "abcdefghijklmnopqrstuvwxyz012345";
/** A step passes while at least this share of the deliveries arrives. */
export const DELIVERED_THRESHOLD = 0.99;
/** How long receivers may keep counting after the last publish. */
export const STRAGGLER_GRACE_MS = 1000;
const PUBLISH_TICK_MS = 1;
const QUIET_MS = 300;

export const maskedText = (text: string): Buffer => buildFrame({ opcode: Opcode.text, payload: text, mask: Buffer.from([1, 2, 3, 4]) });

/** Resolves once `read()` hasn't changed for QUIET_MS (or after `limitMs`). */
export async function settled(read: () => number, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = -1;
  while (read() !== last && Date.now() < deadline) {
    last = read();
    await sleep(QUIET_MS);
  }
}

/** Writes `count` frames at `rate` per second, catching up on each 1 ms tick when the event loop lags. */
export async function publish(publisher: Socket, frame: Buffer, rate: number, count: number): Promise<void> {
  const startedAt = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - startedAt) * rate) / 1000)) - sent;
    if (due > 0) {
      publisher.write(Buffer.concat(Array.from({ length: due }, () => frame)));
      sent += due;
    }
    await sleep(PUBLISH_TICK_MS);
  }
}
