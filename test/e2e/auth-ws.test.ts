// The seed's authenticated WebSocket through the demo (valid token "secret-token", from the plugin's
// config in nylon.yaml): bad tokens are refused with 401 before any upgrade.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { demoGuests } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import { connectAuthenticated } from "../support/seed-clients.js";
import { closeAll, refusedUpgrade } from "../support/ws-test-client.js";

for (const guest of demoGuests("auth-ws"))
describe(`the seed's authenticated WebSocket (${guest})`, () => {
  const nylon = useDemoProxy({ guest });
  test("a handshake without a token is refused with 401 \"Unauthorized\"", async () => {
    assert.deepEqual(await refusedUpgrade(`${nylon().wsUrl}/auth-ws`), { status: 401, body: "Unauthorized" });
  });

  test("a handshake with an unknown token is refused with 401 \"Unauthorized\"", async () => {
    assert.deepEqual(await refusedUpgrade(`${nylon().wsUrl}/auth-ws?token=guess`), { status: 401, body: "Unauthorized" });
  });

  test("a valid token opens the connection with \"Authenticated\"", async () => {
    const client = await connectAuthenticated(nylon().wsUrl);
    await client.close();
  });

  test("a message is broadcast to every authenticated connection", async () => {
    const alice = await connectAuthenticated(nylon().wsUrl);
    const bob = await connectAuthenticated(nylon().wsUrl);
    alice.send("for the authenticated");
    assert.equal(await alice.nextText(), "for the authenticated");
    assert.equal(await bob.nextText(), "for the authenticated");
    await closeAll([alice, bob]);
  });
});
