// What only a Go plugin can do wrong, in a real nylon beside a healthy plugin, inline and in a worker
// thread: block with every goroutine asleep, sleep, exit; and a panic's text in the log.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HOSTILE_PLUGIN, LIMITS, misbehaveOverHttp, recovers } from "./hostile-scenarios.js";
import { eventually, failures, get, waitForFailures, withHostileNeighbour as withNeighbour } from "./sandbox-fixtures.js";
import { logRecords } from "../phases/phase-fixtures.js";

for (const isolation of ["inline", "worker"] as const) {
describe(`hostile Go plugins, Go's own failures (isolation: ${isolation})`, { concurrency: false }, () => {
  const withGoHostile = (hostile: string, body: Parameters<typeof withNeighbour>[2]) => withNeighbour(HOSTILE_PLUGIN.Go(hostile), LIMITS, body, isolation);

  it("block-forever: select {} fails the call with Go's deadlock message instead of hanging it", async () => {
    await withGoHostile("block-forever", async (nylon) => {
      await misbehaveOverHttp(nylon, ["trap"]);
      assert.match(failures(nylon)[0]!.reason, /fatal error: all goroutines are asleep - deadlock!/);
      await recovers(nylon, "ok block-forever");
    });
  });

  it("sleep-forever: time.Sleep in a callback runs into the deadline", async () => {
    await withGoHostile("sleep-forever", async (nylon) => {
      assert.equal((await get(`${nylon.url}/hostile?misbehave=1`)).status, 500);
      // Nothing here can block: the sleep polls the host's clock, which is work on the callback's
      // clocks, so it meets the deadline as a spin does.
      assert.equal((await waitForFailures(nylon, 1))[0]!.kind, "deadline");
      await recovers(nylon, "ok sleep-forever");
    });
  });

  it("exit: os.Exit(3) fails the call with the exit code, then the plugin works again", async () => {
    await withGoHostile("exit", async (nylon) => {
      await misbehaveOverHttp(nylon, ["exit"]);
      assert.match(failures(nylon)[0]!.reason, /exited with code 3/);
      await recovers(nylon, "ok exit");
    });
  });

  it("throw: a panic's text and stack reach the plugin's log at error level", async () => {
    await withGoHostile("throw", async (nylon) => {
      assert.equal((await get(`${nylon.url}/hostile?misbehave=1`)).status, 500);
      await eventually(async () => nylon.logs().includes("hostile plugin panics"), 5_000);
      const logged = logRecords(nylon.logs()).find((r) => r["plugin"] === "hostile" && String(r["msg"]).includes("hostile plugin panics"))!;
      assert.equal(logged["level"], 50, "logged at error");
      assert.match(String(logged["msg"]), /^entry "hostile" request-filter failed: panic: hostile plugin panics\n[\s\S]*goroutine \d+ \[running\]/);
      assert.deepEqual(failures(nylon), []);
    });
  });
});
}
