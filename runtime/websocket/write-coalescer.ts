import type { Socket } from "node:net";

// Frames written to one socket during one turn of the event loop leave in one writev instead of one
// syscall each. Under load a single read carries many messages (a busy publisher, a pipelining
// client), so the batching grows exactly when writes are the bottleneck; when idle it costs one
// cork/uncork pair. Sockets are uncorked after the current callback, before any I/O is polled.

const corked: Socket[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  for (const socket of corked.splice(0)) socket.uncork();
}

export function writeCoalesced(socket: Socket, data: Buffer): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    corked.push(socket);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(flush);
    }
  }
  socket.write(data);
}
