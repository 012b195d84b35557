import type { Socket } from "node:net";

// Frames written to one socket during one turn of the event loop leave in one writev instead of one
// syscall each. Under load a single read carries many messages (a busy publisher, a pipelining
// client), so the batching grows exactly when writes are the bottleneck; when idle it costs one
// cork/uncork pair. Sockets are uncorked after the current callback, before any I/O is polled.

/** Sockets corked this turn, with the bytes written to them since. */
const corked = new Map<Socket, number>();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  for (const socket of corked.keys()) socket.uncork();
  corked.clear();
}

export function writeCoalesced(socket: Socket, data: Buffer): void {
  const corkedBytes = corked.get(socket);
  if (corkedBytes === undefined) {
    socket.cork();
    corked.set(socket, data.length);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(flush);
    }
  } else corked.set(socket, corkedBytes + data.length);
  socket.write(data);
}

/**
 * Bytes held back by the cork this turn. They have not been offered to the kernel yet, so they say
 * nothing about whether the peer reads: the slow-consumer policy must not count them.
 */
export function bytesCorkedThisTurn(socket: Socket): number {
  return corked.get(socket) ?? 0;
}
