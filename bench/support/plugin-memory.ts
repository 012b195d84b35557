// Resident memory one loaded plugin adds to a running nylon: two nylons serving the same route, one
// with `count` more copies of the plugin loaded, each with its own memory cap so its sandboxed modules
// differ and V8 shares no compiled code between them, as between distinct plugins.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { freePort } from "./free-port.js";
import { rssBytes } from "./proc-stats.js";
import { nylonCliPath, repoRoot } from "./repo-paths.js";
import { spawnServer } from "./spawn-server.js";

/** Long enough for the startup garbage to be collected and the process to go idle. */
const SETTLE_MS = 3000;

async function nylonRss(wasm: string, copies: number): Promise<number> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "nylon-plugin-memory-"));
  const plugins = Array.from({ length: copies + 1 }, (_, i) => ({ name: `p${i}`, type: "wasm", file: wasm, limits: { memory_mb: 64 + i } }));
  writeFileSync(
    join(dir, "nylon.yaml"),
    stringify({
      http: [`127.0.0.1:${port}`],
      plugins,
      services: [{ name: "echo", service_type: "plugin", plugin: { name: "p0", entry: "echo" } }],
      routes: [{ name: "all", route: { type: "host", value: "*" }, paths: [{ path: "/ws", service: { name: "echo" } }] }],
    }),
  );
  const server = await spawnServer({ command: process.execPath, args: [nylonCliPath, "run", "--config", join(dir, "nylon.yaml")], port, cwd: repoRoot, readyTimeoutMs: 120_000 });
  try {
    await sleep(SETTLE_MS);
    return rssBytes(server.pid);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes of resident memory per plugin beyond the first, over `count` more copies of `wasm` (an echo plugin). */
export async function rssPerLoadedPlugin(wasm: string, count: number): Promise<number> {
  const one = await nylonRss(wasm, 0);
  const many = await nylonRss(wasm, count);
  return (many - one) / count;
}
