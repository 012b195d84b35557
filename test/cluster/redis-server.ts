// A throwaway redis-server (Debian's package) on a free loopback port, stoppable and restartable on the
// same port, so tests can take Redis away from running nodes and give it back.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort, waitForPort } from "../support/nylon-process.js";

// A missing redis-server fails the tests that need it (CI installs it): a skipped test proves nothing.
const redisServerMissing = spawnSync("redis-server", ["--version"]).status !== 0;

export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    if (redisServerMissing) throw new Error("redis-server is not installed: apt-get install -y redis-server (.ci/run does)");
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  /** Starts redis-server on this port (again); no persistence, so a restart comes back empty. */
  async restart(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    this.child = child;
    await waitForPort(this.port, 10_000, () => child.exitCode === null);
  }

  /** Kills the server at once (SIGKILL: no goodbye to its clients, like a crash). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }
}
