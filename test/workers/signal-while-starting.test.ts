// A SIGTERM that arrives while a node of workers is still starting (one worker already serves, the
// primary has not finished) stops the node as one that serves: its workers drain and it exits 0,
// instead of the signal's default action ending the primary and leaving its workers behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { test } from "node:test";
import { tempDir } from "../ops/ops-support.js";
import { freePort, nylonBin, repoRoot, writeTempConfig } from "../support/nylon-process.js";

test("SIGTERM when the first worker serves, before the node does: the node stops and exits 0", async () => {
  const dir = tempDir();
  try {
    const port = await freePort();
    const configFile = writeTempConfig(
      [
        "workers: 2",
        'http: ["127.0.0.1:{{PORT}}"]',
        "services:",
        '  - { name: web, service_type: static, static: { root: "{{ROOT}}/web" } }',
        "routes:",
        '  - { name: web, route: { type: host, value: "*" }, paths: [{ path: "/{*path}", service: { name: web } }] }',
      ].join("\n"),
      port,
      dir,
    );
    const child = spawn(process.execPath, [nylonBin, "run", "--config", configFile], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let signalled = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const onOutput = (chunk: Buffer) => {
      output += chunk;
      // A worker's line says "nylon is serving"; the primary's, later, "nylon node is serving".
      if (!signalled && output.includes('"msg":"nylon is serving"')) {
        signalled = true;
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    assert.ok(signalled, `no worker served:\n${output}`);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, output);
    assert.match(output, /"msg":"stopped"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
