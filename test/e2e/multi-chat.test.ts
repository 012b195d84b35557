// The seed's multi-room chat through the demo: /join moves a connection between rooms, and messages
// stay in the room they were sent to.
import assert from "node:assert/strict";
import { test } from "node:test";
import { useDemoProxy } from "../support/demo-proxy.js";
import { joinMultiChat, joinRoom } from "../support/seed-clients.js";
import { closeAll } from "../support/ws-test-client.js";

const nylon = useDemoProxy();

test("a message sent in tech reaches tech members only", async () => {
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

test("joining an unknown room answers \"Room not found\" and keeps the current room", async () => {
  const alice = await joinMultiChat(nylon().wsUrl);
  alice.send("/join nowhere");
  assert.equal(await alice.nextText(), "Room not found");
  alice.send("still in general");
  assert.equal(await alice.nextText(), "still in general");
  await alice.close();
});
