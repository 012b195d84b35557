// Runs `nylon run --config <temp yaml>` serving WebSocket plugins, for the benchmarks and the conformance
// target. The config shape is the one the seed documents (plugin service on a path route).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "./free-port.js";
import { nylonCliPath, pluginWasmPath, repoRoot } from "./repo-paths.js";
import { spawnServer, type SpawnedServer } from "./spawn-server.js";

/** One WebSocket path served by an entry of a compiled plugin under plugins/<plugin>/. */
export interface NylonPluginRoute {
  plugin: string;
  entry: string;
  path: string;
}

/** Why nylon can't be started yet, or undefined when its CLI and every plugin component are built. */
export function nylonUnavailableReason(routes: NylonPluginRoute[]): string | undefined {
  const missing = [nylonCliPath, ...routes.map((route) => pluginWasmPath(route.plugin))].filter((path) => !existsSync(path));
  return missing.length > 0 ? `not built: ${missing.join(", ")}` : undefined;
}

function nylonConfig(port: number, routes: NylonPluginRoute[]): string {
  const plugins = [...new Set(routes.map((route) => route.plugin))];
  return stringify({
    http: [`127.0.0.1:${port}`],
    plugins: plugins.map((name) => ({ name, type: "wasm", file: pluginWasmPath(name) })),
    services: routes.map((route) => ({
      name: `${route.plugin}-${route.entry}`,
      service_type: "plugin",
      plugin: { name: route.plugin, entry: route.entry },
    })),
    routes: [
      {
        name: "websockets",
        route: { type: "host", value: "*" },
        paths: routes.map((route) => ({ path: route.path, service: { name: `${route.plugin}-${route.entry}` } })),
      },
    ],
  });
}

/** nylon serving `routes`; with several workers, resolves once the primary says every worker serves. */
export async function startNylon(routes: NylonPluginRoute[], workers = 1): Promise<SpawnedServer> {
  const port = await freePort();
  const configDir = mkdtempSync(join(tmpdir(), "nylon-ws-"));
  const configPath = join(configDir, "nylon.yaml");
  writeFileSync(configPath, nylonConfig(port, routes));
  try {
    const server = await spawnServer({
      command: process.execPath,
      args: [nylonCliPath, "run", "--config", configPath, "--workers", String(workers)],
      port,
      cwd: repoRoot,
      ...(workers > 1 ? { readyLog: /nylon node is serving/, readyTimeoutMs: 120_000 } : {}),
    });
    return {
      ...server,
      stop: async () => {
        await server.stop();
        rmSync(configDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
}
