// The anchors' method: server on core 0, load generator on core 1, so the two don't steal each other's
// cycles and the server's CPU time is its own. Without taskset both just float.
import { execFileSync } from "node:child_process";

const SERVER_CORE = 0;
const CLIENT_CORE = 1;

export const tasksetAvailable = (() => {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Prefixes a command so the server runs on the server core; taskset execs, so the pid stays the server's. */
export function onServerCore(command: string, args: string[]): { command: string; args: string[] } {
  return tasksetAvailable ? { command: "taskset", args: ["-c", String(SERVER_CORE), command, ...args] } : { command, args };
}

/** Moves every thread of this process to the client core; children spawned later start there too. */
export function pinThisProcessToClientCore(): string {
  if (!tasksetAvailable) return "unpinned (no taskset)";
  execFileSync("taskset", ["-a", "-p", "-c", String(CLIENT_CORE), String(process.pid)], { stdio: "ignore" });
  return `client on core ${CLIENT_CORE}, servers on core ${SERVER_CORE}`;
}
