// The seed's connection limit through the demo: 5 connections per client IP (all tests connect from
// 127.0.0.1), the 6th is refused with 429 before any upgrade, and closing one frees a slot.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { demoGuests } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import { connectOnceSlotFrees, connectRateLimited } from "../support/seed-clients.js";
import { closeAll, refusedUpgrade, WsTestClient } from "../support/ws-test-client.js";

for (const guest of demoGuests("rate-limited-ws"))
describe(`the seed's connection limit (${guest})`, () => {
  const nylon = useDemoProxy({ guest });
  const LIMIT = 5;

  async function connectLimit(): Promise<WsTestClient[]> {
    const clients: WsTestClient[] = [];
    for (let i = 0; i < LIMIT; i++) clients.push(await connectRateLimited(nylon().wsUrl));
    return clients;
  }

  test("five connections open, the sixth is refused with 429 \"Too many connections\"", async () => {
    const clients = await connectLimit();
    assert.deepEqual(await refusedUpgrade(`${nylon().wsUrl}/rate-limited-ws`), { status: 429, body: "Too many connections" });
    await closeAll(clients);
  });

  test("closing a connection frees its slot for a new one", async () => {
    const [first, ...rest] = await connectLimit();
    await first!.close();
    const replacement = await connectOnceSlotFrees(nylon().wsUrl);
    await closeAll([...rest, replacement]);
  });
});
