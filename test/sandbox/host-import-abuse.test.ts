// Issue 6 item 4: absurd arguments to host functions come back to the plugin as error values (the
// plugin and its connection carry on), and a flood of calls is cut off by the deadline. The proxy
// and the healthy neighbour carry on throughout.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closed, failures, get, nextText, openWs, waitForFailures, withHostileNeighbour } from "./sandbox-fixtures.js";

// In a worker thread every host call is a round trip to the event loop: the same outcomes, and the
// flood of round trips is cut off by the deadline too.
for (const isolation of ["inline", "worker"] as const)
describe(`host import abuse (isolation: ${isolation})`, () => {
  it("a CR/LF header value, a 10 MB room name, too many rooms and a foreign connection id return errors; a million calls hit the deadline", async () => {
    // Building and copying the 10 MB room name takes 150-450 ms of CPU (the most on cold code); a
    // million refused calls take tens of seconds. 3 s, not 1 s: in a worker the 2,000 calls below are
    // round trips through an event loop that the healthy traffic keeps busy, and on a loaded machine
    // they outlasted the thread's wall-clock cap for 1 s (11 s).
    await withHostileNeighbour("abuse-host-imports", "{ deadline_ms: 3000 }", async (nylon) => {
      const reply = await get(`${nylon.url}/hostile?abuse=1`);
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.text), { header: "NYLON_E_INVALID_HEADER" });
      assert.equal(reply.headers["set-cookie"], undefined);

      const ws = await openWs(`${nylon.wsUrl}/hostile`);
      ws.send("abuse:2000");
      // In a worker each of these 2,000 host calls is a round trip to the event loop, which the
      // healthy traffic keeps busy: on a loaded machine the answer takes seconds.
      assert.deepEqual(JSON.parse(await nextText(ws, 60_000)), {
        hugeRoom: "NYLON_E_INVALID_ARGUMENT",
        joined: 1000,
        refused: "NYLON_E_INVALID_ARGUMENT",
        foreign: "NYLON_E_UNKNOWN_CONNECTION",
      });
      ws.send("still there?");
      assert.equal(await nextText(ws), "echo: still there?");
      assert.deepEqual(failures(nylon), []);

      // Each refused call is cheap, but a million of them is more work than one callback may do.
      // A deadline counts CPU time as well as wall time: on a busy machine 1 s of CPU takes longer.
      const wsClosed = closed(ws, 60_000);
      ws.send("abuse:1000000");
      assert.equal((await wsClosed).code, 1011);
      assert.deepEqual((await waitForFailures(nylon, 1)).map((f) => f.kind), ["deadline"]);
    }, isolation);
  });
});
