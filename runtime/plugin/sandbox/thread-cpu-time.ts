import fs from "node:fs";

/**
 * CPU time of the calling thread, in milliseconds: what a guest call on this thread has really run,
 * whatever else the process and the machine do. Node >= 24 tells it (`process.threadCpuUsage`); on
 * Node 20, Linux does, in /proc/thread-self/schedstat (nanoseconds on the CPU, the first field), read
 * with pread from a descriptor kept open by each thread (a few µs). Elsewhere it falls back to the
 * process's CPU time, which also counts other threads.
 */
export const threadCpuMs: () => number = pickThreadCpuClock();

function pickThreadCpuClock(): () => number {
  const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process);
  if (threadCpuUsage) return () => usageMs(threadCpuUsage());
  const schedstat = openSchedstat();
  if (schedstat) return schedstat;
  return () => usageMs(process.cpuUsage());
}

function usageMs({ user, system }: NodeJS.CpuUsage): number {
  return (user + system) / 1000;
}

function openSchedstat(): (() => number) | null {
  let fd: number;
  try {
    // Opened when this module loads, by each thread that loads it (a worker thread loads its own
    // copy): the path resolves to the thread that opens it.
    fd = fs.openSync("/proc/thread-self/schedstat", "r");
  } catch {
    return null;
  }
  process.once("exit", () => fs.closeSync(fd));
  const buffer = Buffer.alloc(64);
  const read = (): number => {
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.indexOf(0x20);
    return Number(buffer.toString("latin1", 0, end > 0 && end < n ? end : n)) / 1e6;
  };
  return Number.isFinite(read()) ? read : null;
}
