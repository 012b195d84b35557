import type { Readable, Writable } from "node:stream";

/**
 * Copies a worker's output to the primary's, whole lines at a time: the node's workers write one log
 * stream together, and a line of one never lands inside a line of another (each worker writes to a
 * pipe of its own; only the primary writes to the node's stderr).
 */
export function forwardLines(from: Readable, to: Writable): void {
  let partial: Buffer | undefined;
  from.on("data", (chunk: Buffer) => {
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline < 0) {
      partial = partial ? Buffer.concat([partial, chunk]) : chunk;
      return;
    }
    const complete = chunk.subarray(0, lastNewline + 1);
    to.write(partial ? Buffer.concat([partial, complete]) : complete);
    partial = lastNewline + 1 < chunk.length ? chunk.subarray(lastNewline + 1) : undefined;
  });
  // A worker that died mid-line still has its last words written, on a line of their own.
  from.on("end", () => {
    if (partial) to.write(Buffer.concat([partial, Buffer.from("\n")]));
    partial = undefined;
  });
}
