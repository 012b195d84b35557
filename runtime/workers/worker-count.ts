import os from "node:os";

/** `workers: auto` is one worker per core this process may run on (its CPU affinity, cgroup limits aside). */
export function resolveWorkerCount(setting: "auto" | number): number {
  return setting === "auto" ? os.availableParallelism() : setting;
}

/** `--workers` as typed: "auto" or a whole number of 1 or more; undefined when it is neither. */
export function parseWorkerCount(text: string): "auto" | number | undefined {
  if (text === "auto") return "auto";
  return /^[1-9]\d*$/.test(text) ? Number(text) : undefined;
}
