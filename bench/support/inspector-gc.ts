// A full garbage collection in another Node process, through its inspector (the process is started with
// --inspect=127.0.0.1:0). Memory "at rest" read right after a load includes garbage V8 has not collected
// yet, since an idle process rarely collects; a reading after this is the memory the process really holds.
import type { Readable } from "node:stream";
import WebSocket from "ws";

/** The argument that makes a child listen for the inspector on a free loopback port. */
export const INSPECT_ARG = "--inspect=127.0.0.1:0";

/** Watches `stderr` of a child started with INSPECT_ARG for the inspector's address and collects its garbage on demand. */
export function inspectorGc(stderr: Readable): () => Promise<void> {
  let url: string | undefined;
  let tail = "";
  stderr.on("data", (chunk: Buffer | string) => {
    if (url) return;
    tail += chunk.toString();
    url = /Debugger listening on (ws:\/\/\S+)/.exec(tail)?.[1];
    if (tail.length > 4096) tail = tail.slice(-1024);
  });
  return async () => {
    if (!url) throw new Error("the process printed no inspector address (was it started with --inspect?)");
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    await new Promise<void>((resolve, reject) => {
      socket.on("message", (data: Buffer) => {
        const reply = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
        if (reply.id !== 1) return;
        if (reply.error) reject(new Error(`HeapProfiler.collectGarbage: ${reply.error.message}`));
        else resolve();
      });
      socket.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }));
    });
    socket.close();
  };
}
