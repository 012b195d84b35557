// Server cost from the kernel's own accounting: utime+stime and VmRSS, summed over the server process
// and its descendants (a server may fork workers). Linux only.
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ on Linux is 100 regardless of the kernel's HZ (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  parentPid: number;
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited meanwhile
  }
  // The command name (field 2) may contain spaces and parentheses; the fields after its last ")" are fixed.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // After the name: state(3) ppid(4) ... utime(14) stime(15), so index = field number - 3.
  return { pid, parentPid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

function processTree(rootPid: number): number[] {
  const stats = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const stat of stats) if (stat.parentPid === tree[i]) tree.push(stat.pid);
  }
  return tree;
}

/** CPU time (user + system) used so far by the process and its descendants, in microseconds. */
export function cpuMicroseconds(rootPid: number): number {
  const ticks = processTree(rootPid).reduce((sum, pid) => sum + (readStat(pid)?.cpuTicks ?? 0), 0);
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of the process and its descendants, in bytes. */
export function rssBytes(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return sum + (match ? Number(match[1]) * 1024 : 0);
    } catch {
      return sum;
    }
  }, 0);
}
