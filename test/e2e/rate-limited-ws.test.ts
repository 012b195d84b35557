// The seed's connection limit through the demo: 5 connections per client IP (all tests connect from
// 127.0.0.1), the 6th is refused with 429 before any upgrade, and closing one frees a slot.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { useDemoProxy } from "../support/demo-proxy.js";
import { closeAll, refusedUpgrade, WsTestClient } from "../support/ws-test-client.js";

const nylon = useDemoProxy();
const LIMIT = 5;

async function connect(): Promise<WsTestClient> {
  const client = await WsTestClient.connect(`${nylon().wsUrl}/rate-limited-ws`);
  assert.equal(await client.nextText(), "Connected");
  return client;
}

async function connectLimit(): Promise<WsTestClient[]> {
  const clients: WsTestClient[] = [];
  for (let i = 0; i < LIMIT; i++) clients.push(await connect());
  return clients;
}

/** The client sees its close before the proxy has necessarily run the plugin's onClose: retry briefly. */
async function connectOnceSlotFrees(timeoutMs = 3_000): Promise<WsTestClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

test("five connections open, the sixth is refused with 429 \"Too many connections\"", async () => {
  const clients = await connectLimit();
  assert.deepEqual(await refusedUpgrade(`${nylon().wsUrl}/rate-limited-ws`), { status: 429, body: "Too many connections" });
  await closeAll(clients);
});

test("closing a connection frees its slot for a new one", async () => {
  const [first, ...rest] = await connectLimit();
  await first!.close();
  const replacement = await connectOnceSlotFrees();
  await closeAll([...rest, replacement]);
});
