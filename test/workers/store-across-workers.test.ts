// A node of two workers (`workers: 2`) with the memory store: the store is the node's, kept by the
// primary, so plugins/rate-limited-ws-store's count spans both workers: with connections spread over
// them, the 6th from one client is refused, as it is on a single process.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NylonProcess } from "../support/nylon-process.js";
import { connectRateLimited } from "../support/seed-clients.js";
import { closeAll, refusedUpgrade, type WsTestClient } from "../support/ws-test-client.js";
import { eventually } from "../ops/ops-support.js";
import { startNode } from "./node-support.js";

describe("a node of two workers sharing the memory store", () => {
  let nylon: NylonProcess;

  before(async () => {
    nylon = await startNode(`
http: ["127.0.0.1:{{PORT}}"]
workers: 2
log: { access_log: true }
plugins:
  - { name: limiter, type: wasm, file: "{{ROOT}}/plugins/rate-limited-ws-store/rate-limited-ws-store.wasm" }
services:
  - { name: limited, service_type: plugin, plugin: { name: limiter, entry: rate-limited-ws } }
routes:
  - name: main
    route: { type: host, value: "*" }
    paths:
      - { path: /rate-limited-ws, service: { name: limited } }
`);
  });

  after(async () => {
    await nylon?.stop();
  });

  it("five connections over both workers take the five slots: the sixth is refused with 429", async () => {
    const from = nylon.logs().length;
    const clients: WsTestClient[] = [];
    for (let i = 0; i < 5; i++) clients.push(await connectRateLimited(nylon.wsUrl));
    // Twice, so that whichever worker the first refusal reached, the other is tried too.
    for (let i = 0; i < 2; i++) assert.deepEqual(await refusedUpgrade(`${nylon.wsUrl}/rate-limited-ws`), { status: 429, body: "Too many connections" });
    await closeAll(clients);
    // Each upgrade's access line names its worker: both workers took some of the five.
    const upgradeWorkers = () =>
      nylon
        .logs()
        .slice(from)
        .split("\n")
        .filter((line) => line.includes('"access":"http"') && line.includes('"status":101'))
        .map((line) => (JSON.parse(line) as { worker: number }).worker);
    await eventually(async () => assert.equal(upgradeWorkers().length, 5), 30_000);
    assert.deepEqual([...new Set(upgradeWorkers())].sort(), [1, 2]);
  });
});
