// The servers a benchmark compares, each in its own process on the server core, addressed the same way.
import { freePort } from "./free-port.js";
import { nylonUnavailableReason, startNylon, type NylonPluginRoute } from "./nylon-server.js";
import { compiledScriptPath } from "./repo-paths.js";
import { spawnServer } from "./spawn-server.js";

export interface ServerUnderTest {
  name: string;
  pid: number;
  /** ws:// URL of the benchmarked endpoint. */
  url: string;
  stop(): Promise<void>;
}

/** Runs one of bench/servers/*.ts (compiled), which listens on the port given as its argument. */
export async function startScriptServer(name: string, script: string, path: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const server = await spawnServer({ command: process.execPath, args: [compiledScriptPath(script), String(port)], port });
  return { name, pid: server.pid, url: `ws://127.0.0.1:${port}${path}`, stop: server.stop };
}

/** nylon serving one plugin route, or the reason it can't run yet (benchmarks then report it as pending). */
export async function startNylonServer(route: NylonPluginRoute, workers = 1): Promise<ServerUnderTest | string> {
  const unavailable = nylonUnavailableReason([route]);
  if (unavailable) return unavailable;
  try {
    const server = await startNylon([route], workers);
    return { name: "nylon", pid: server.pid, url: `ws://127.0.0.1:${server.port}${route.path}`, stop: server.stop };
  } catch (error) {
    return (error as Error).message;
  }
}
