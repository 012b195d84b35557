import { cpus, loadavg } from "node:os";

/** The 1-minute load average against the core count (not the affinity mask): throughput taken on a busy box understates. */
export function machineLoad(): string {
  return `load average ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`;
}
