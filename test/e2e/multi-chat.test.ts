// The seed's multi-room chat through the demo: /join moves a connection between rooms, and messages
// stay in the room they were sent to. The same tests run against each build of the example
// (TypeScript, Rust, Go).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { demoGuests } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import { joinMultiChat, joinRoom } from "../support/seed-clients.js";
import { closeAll } from "../support/ws-test-client.js";

for (const guest of demoGuests("multi-chat"))
describe(`multi-chat example (${guest})`, () => {
  const nylon = useDemoProxy({ guest });

  it("a message sent in tech reaches tech members only", async () => {
    const alice = await joinMultiChat(nylon().wsUrl);
    const carol = await joinMultiChat(nylon().wsUrl);
    const bob = await joinMultiChat(nylon().wsUrl); // stays in general
    await joinRoom(alice, "tech");
    await joinRoom(carol, "tech");

    alice.send("tech talk");
    assert.equal(await alice.nextText(), "tech talk");
    assert.equal(await carol.nextText(), "tech talk");

    // Had bob received "tech talk", it would be queued before his own general message.
    bob.send("general chatter");
    assert.equal(await bob.nextText(), "general chatter");
    await closeAll([alice, bob, carol]);
  });

  it("joining an unknown room answers \"Room not found\" and keeps the current room", async () => {
    const alice = await joinMultiChat(nylon().wsUrl);
    alice.send("/join nowhere");
    assert.equal(await alice.nextText(), "Room not found");
    alice.send("still in general");
    assert.equal(await alice.nextText(), "still in general");
    await alice.close();
  });
});
