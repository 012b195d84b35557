// The seed's JSON protocol through the demo: echo, broadcast to the lobby, and the two error answers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { demoGuests } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import { closeAll, WsTestClient } from "../support/ws-test-client.js";

for (const guest of demoGuests("json-ws"))
describe(`the seed's JSON protocol (${guest})`, () => {
  const nylon = useDemoProxy({ guest });
  const connect = () => WsTestClient.connect(`${nylon().wsUrl}/json-ws`);

  test("an echo message comes back as JSON of the same type and data", async () => {
    const client = await connect();
    client.send(JSON.stringify({ type: "echo", data: "hello" }));
    assert.deepEqual(JSON.parse(await client.nextText()), { type: "echo", data: "hello" });
    await client.close();
  });

  test("a broadcast message's data reaches every connection in the lobby", async () => {
    const alice = await connect();
    const bob = await connect();
    alice.send(JSON.stringify({ type: "broadcast", data: "hi lobby" }));
    assert.equal(await alice.nextText(), "hi lobby");
    assert.equal(await bob.nextText(), "hi lobby");
    await closeAll([alice, bob]);
  });

  test("text that is not JSON is answered \"Invalid JSON\"", async () => {
    const client = await connect();
    client.send("{not json");
    assert.equal(await client.nextText(), "Invalid JSON");
    await client.close();
  });

  test("an unknown type is answered \"Unknown message type\"", async () => {
    const client = await connect();
    client.send(JSON.stringify({ type: "shout", data: "x" }));
    assert.equal(await client.nextText(), "Unknown message type");
    await client.close();
  });
});
