// The seed's chat server through the demo: join notices, the welcome, room-wide messages, the farewell.
// The same tests run against each build of the example (TypeScript, Rust, Go).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { demoGuests } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import { joinChat } from "../support/seed-clients.js";
import { closeAll } from "../support/ws-test-client.js";

for (const guest of demoGuests("chat"))
describe(`chat example (${guest})`, () => {
  const nylon = useDemoProxy({ guest });

  it("a newcomer is announced to those already in the chat and welcomed", async () => {
    const alice = await joinChat(nylon().wsUrl);
    const bob = await joinChat(nylon().wsUrl);
    assert.equal(await alice.nextText(), "A user joined the chat");
    await closeAll([alice, bob]);
  });

  it("a message reaches everyone in the chat, the sender included", async () => {
    const alice = await joinChat(nylon().wsUrl);
    const bob = await joinChat(nylon().wsUrl);
    await alice.nextText(); // bob's join notice
    alice.send("hello from alice");
    assert.equal(await alice.nextText(), "hello from alice");
    assert.equal(await bob.nextText(), "hello from alice");
    await closeAll([alice, bob]);
  });

  it("when a user leaves, the others receive \"A user left the chat\"", async () => {
    const alice = await joinChat(nylon().wsUrl);
    const bob = await joinChat(nylon().wsUrl);
    await alice.nextText(); // bob's join notice
    await bob.close();
    assert.equal(await alice.nextText(), "A user left the chat");
    await alice.close();
  });

  it("a plain GET (no WebSocket handshake) is answered 400 \"WebSocket upgrade failed\"", async () => {
    const response = await fetch(`${nylon().url}/chat`);
    assert.equal(response.status, 400);
    assert.equal(await response.text(), "WebSocket upgrade failed");
  });
});
