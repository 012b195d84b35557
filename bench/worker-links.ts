// How worker processes of one node can pass room traffic to each other: one sender pushes N messages
// to one receiver as fast as the channel takes them, and the run reports messages/s and the CPU µs per
// message of every process involved (summed). The in-node room adapter uses the winner.
//
//   node dist/bench/worker-links.js [--messages 100000] [--sizes 32,1024]
//
// Channels measured:
//   unix socket   processes, a Unix domain socket from sender to receiver, length-prefixed frames,
//                 writes of one turn in one writev (runtime/websocket/adapters/frame-stream.ts)
//   cluster IPC   processes, node:cluster's channel (advanced serialization); the primary relays
//                 every message, as it must: workers have no IPC channel to each other
//   MessageChannel threads of one process (not processes): what worker_threads would give, for reference
// Shared memory between processes is not on the list: Node has no API to map memory into two
// processes (SharedArrayBuffer crosses threads only), and no native addon for it is installed.
import cluster from "node:cluster";
import { fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { lengthPrefixed, readFrames, writeFrame } from "../runtime/websocket/adapters/frame-stream.js";
import { benchOptions } from "./support/bench-options.js";
import { machineLoad } from "./support/machine-load.js";

/** Messages handed to the channel per turn of the sender's event loop. */
const BATCH = 256;
const script = fileURLToPath(import.meta.url);

interface Job {
  messages: number;
  size: number;
}

/** Sends job.messages payloads, BATCH per turn, through `send`; `drained` resolves when it may go on. */
async function sendAll(job: Job, send: (payload: Buffer) => boolean, drained: () => Promise<void>): Promise<void> {
  const payload = Buffer.alloc(job.size, 0x61);
  for (let sent = 0; sent < job.messages; ) {
    let open = true;
    for (let i = 0; i < BATCH && sent < job.messages; i++, sent++) open = send(payload) && open;
    await (open ? new Promise((resolve) => setImmediate(resolve)) : drained());
  }
}

// ---- the roles, each started by the bench in a process or thread of its own -------------------------

/** A child process answers "cpu" with the CPU µs it used since it called this (when it was ready). */
function answerCpuRequests(): void {
  const since = process.cpuUsage();
  process.on("message", (m) => {
    if (m !== "cpu") return;
    const used = process.cpuUsage(since);
    process.send!({ cpu: used.user + used.system });
  });
}

async function unixSender(job: Job, path: string): Promise<void> {
  const socket = net.connect(path);
  await once(socket, "connect");
  answerCpuRequests();
  process.send!("ready");
  await messageFrom(process, "go");
  await sendAll(
    job,
    (payload) => {
      writeFrame(socket, lengthPrefixed(payload));
      return socket.writableLength < 1 << 20;
    },
    () => once(socket, "drain").then(() => undefined),
  );
}

async function unixReceiver(job: Job, path: string): Promise<void> {
  const server = net.createServer((socket) => {
    let received = 0;
    readFrames(socket, () => {
      if (++received === job.messages) process.send!("done");
    });
  });
  server.listen(path, () => {
    answerCpuRequests();
    process.send!("listening");
  });
}

function ipcWorker(job: Job): void {
  answerCpuRequests();
  if (process.env.ROLE === "sender") {
    void messageFrom(process, "go").then(() =>
      sendAll(
        job,
        (payload) => process.send!(payload),
        () => new Promise((resolve) => setImmediate(resolve)),
      ),
    );
  } else {
    let received = 0;
    process.on("message", (m) => {
      if (m instanceof Uint8Array && ++received === job.messages) process.send!("done");
    });
  }
  process.send!("ready");
}

function threadRole(job: Job, role: string, port: MessagePort, report: (m: string) => void): void {
  if (role === "sender") {
    void sendAll(
      job,
      (payload) => (port.postMessage(payload), true),
      () => new Promise((resolve) => setImmediate(resolve)),
    );
  } else {
    let received = 0;
    port.on("message", () => {
      if (++received === job.messages) report("done");
    });
  }
}

// ---- the bench ---------------------------------------------------------------------------------------

interface Measured {
  channel: string;
  size: number;
  perSecond: number;
  cpuMicrosPerMessage: number;
}

interface Child {
  on(event: "message", listener: (m: unknown) => void): unknown;
  off(event: "message", listener: (m: unknown) => void): unknown;
  send(m: string): unknown;
}

/**
 * Runs `run` (which resolves when the receiver has everything); the CPU is this process's (threads
 * included) plus what each child process reports it used since it was ready.
 */
async function timed(job: Job, channel: string, children: Child[], run: () => Promise<void>): Promise<Measured> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(cpuBefore);
  const reported = await Promise.all(
    children.map((child) => {
      const answer = messageFrom(child, (m) => typeof m === "object" && m !== null && "cpu" in m);
      child.send("cpu");
      return answer.then((m) => (m as { cpu: number }).cpu);
    }),
  );
  const cpu = own.user + own.system + reported.reduce((a, b) => a + b, 0);
  return { channel, size: job.size, perSecond: job.messages / seconds, cpuMicrosPerMessage: cpu / job.messages };
}

function messageFrom(child: Pick<Child, "on" | "off">, expected: string | ((m: unknown) => boolean)): Promise<unknown> {
  return new Promise((resolve) => {
    const wait = (m: unknown) => {
      if (typeof expected === "string" ? m !== expected : !expected(m)) return;
      child.off("message", wait);
      resolve(m);
    };
    child.on("message", wait);
  });
}

async function viaUnixSocket(job: Job): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), "nylon-links-"));
  const path = join(dir, "receiver.sock");
  const args = (part: string) => ["role", JSON.stringify(job), "unix", part, path];
  const receiver = fork(script, args("receiver"));
  await messageFrom(receiver, "listening");
  const sender = fork(script, args("sender"));
  try {
    await messageFrom(sender, "ready");
    const done = messageFrom(receiver, "done");
    return await timed(job, "unix socket (processes)", [sender, receiver], async () => {
      sender.send("go");
      await done;
    });
  } finally {
    sender.kill();
    receiver.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function viaClusterIpc(job: Job): Promise<Measured> {
  cluster.setupPrimary({ exec: script, args: ["role", JSON.stringify(job), "ipc"], serialization: "advanced" });
  const receiver = cluster.fork({ ROLE: "receiver" });
  const sender = cluster.fork({ ROLE: "sender" });
  await Promise.all([messageFrom(receiver, "ready"), messageFrom(sender, "ready")]);
  // The primary relays: workers of a cluster only have a channel to the primary.
  sender.on("message", (m: unknown) => m instanceof Uint8Array && receiver.send(m));
  try {
    const done = messageFrom(receiver, "done");
    return await timed(job, "cluster IPC via the primary", [sender, receiver], async () => {
      sender.send("go");
      await done;
    });
  } finally {
    sender.kill();
    receiver.kill();
  }
}

async function viaMessageChannel(job: Job): Promise<Measured> {
  const { port1, port2 } = new MessageChannel();
  const start = (role: string, port: MessagePort) =>
    new Worker(script, { argv: ["role", JSON.stringify(job), "thread", role], workerData: { port }, transferList: [port] });
  const receiver = start("receiver", port1);
  try {
    const done = messageFrom(receiver, "done");
    return await timed(job, "MessageChannel (threads)", [], async () => {
      const sender = start("sender", port2);
      await done;
      await sender.terminate();
    });
  } finally {
    await receiver.terminate();
  }
}

async function main(): Promise<void> {
  const values = benchOptions("worker-links", "Room traffic between worker processes: messages/s and CPU per message through a Unix socket, cluster IPC and a MessageChannel.", {
    messages: { default: "100000", description: "messages per run" },
    sizes: { default: "32,1024", description: "message sizes in bytes, comma-separated" },
  });
  console.log(`# worker-links: ${machineLoad()}; ${values.messages} messages per run`);
  for (const size of values.sizes.split(",").map(Number)) {
    const job = { messages: Number(values.messages), size };
    for (const channel of [viaUnixSocket, viaClusterIpc, viaMessageChannel]) {
      const m = await channel(job);
      console.log(
        `${String(m.size).padStart(5)} B  ${m.channel.padEnd(30)} ${Math.round(m.perSecond).toLocaleString("en").padStart(10)} messages/s   ` +
          `${m.cpuMicrosPerMessage.toFixed(2).padStart(6)} µs CPU/message (all processes)`,
      );
    }
  }
  console.log(`# finished; ${machineLoad()}`);
}

/** argv: role <job> unix sender|receiver <path> | role <job> ipc (part in $ROLE) | role <job> thread sender|receiver */
async function role(): Promise<void> {
  const [job, channel, part, path] = [JSON.parse(process.argv[3]!) as Job, process.argv[4], process.argv[5]!, process.argv[6]!];
  if (channel === "unix") return part === "sender" ? unixSender(job, path) : unixReceiver(job, path);
  if (channel === "ipc") return ipcWorker(job);
  const { parentPort, workerData } = await import("node:worker_threads");
  threadRole(job, part, (workerData as { port: MessagePort }).port, (m) => parentPort!.postMessage(m));
}

await (process.argv[2] === "role" ? role() : main());
