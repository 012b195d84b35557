// A broadcast while members close: nothing is written to a connection whose close has begun, and a
// plugin's onError hears only about its connection's protocol, never about an ordinary close.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { WsTestClient } from "../support/ws-test-client.js";

const MEMBERS = 300;
const CLOSING_AT_ONCE = 20;
const ROUNDS = 5;

// The seed's chat: every close broadcasts "A user left the chat" to the room, and onError logs "[Chat] Error".
const CONFIG = `
http: ["127.0.0.1:{{PORT}}"]
log: { level: info }
plugins:
  - { name: chat, type: wasm, file: "{{ROOT}}/plugins/chat/chat.wasm" }
services:
  - { name: chat, service_type: plugin, plugin: { name: chat, entry: chat } }
routes:
  - name: chat
    route: { type: host, value: "*" }
    paths: [{ path: /chat, service: { name: chat } }]
`;

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("members closing while the room broadcasts", () => {
  let nylon: NylonProcess;
  let members: WsTestClient[] = [];

  before(async () => {
    nylon = await startNylon(CONFIG);
  });
  after(async () => {
    await Promise.all(members.map((member) => member.close().catch(() => {})));
    await nylon.stop();
  });

  const join = () => WsTestClient.connect(`${nylon.wsUrl}/chat`);

  it(`${MEMBERS} members, ${CLOSING_AT_ONCE} closing at once, ${ROUNDS} rounds: every close is ordinary, no onError`, async () => {
    for (let i = 0; i < MEMBERS; i += 50) members.push(...(await Promise.all(Array.from({ length: 50 }, join))));
    for (let round = 0; round < ROUNDS; round++) {
      const leaving = members.splice(0, CLOSING_AT_ONCE);
      const closes = await Promise.all(leaving.map(async (member) => (await member.close(1000, "bye"), member.closed)));
      assert.deepEqual(new Set(closes.map((c) => c.code)), new Set([1000]));
      members.push(...(await Promise.all(Array.from({ length: CLOSING_AT_ONCE }, join))));
    }
    // Every onClose ran (each broadcast its "left" notice into the closing crowd) before the count.
    await until(() => count(nylon.logs(), "[Chat] User left") >= CLOSING_AT_ONCE * ROUNDS, "every onClose");
    assert.equal(count(nylon.logs(), "[Chat] User left"), CLOSING_AT_ONCE * ROUNDS);
    const errors = nylon.logs().split("\n").filter((line) => line.includes("[Chat] Error"));
    assert.deepEqual(errors, [], `onError was called ${errors.length} times`);
  });
});
