// The seed's echo server through the demo: text comes back prefixed, binary comes back as it is. The
// same tests run against each build of the example (TypeScript, Rust, Go).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { demoGuests } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import { refusedUpgrade, WsTestClient } from "../support/ws-test-client.js";

for (const guest of demoGuests("echo"))
describe(`echo example (${guest})`, () => {
  const nylon = useDemoProxy({ guest });

  it("a text message comes back as \"Echo: <text>\"", async () => {
    const client = await WsTestClient.connect(`${nylon().wsUrl}/ws`);
    client.send("hi");
    assert.equal(await client.nextText(), "Echo: hi");
    await client.close();
  });

  it("a binary message comes back byte for byte", async () => {
    const client = await WsTestClient.connect(`${nylon().wsUrl}/ws`);
    const bytes = Uint8Array.from([0x01, 0x02, 0x03, 0x00, 0xff]);
    client.send(bytes);
    assert.deepEqual(new Uint8Array(await client.nextBinary()), bytes);
    await client.close();
  });

  it("a handshake on a path no plugin serves is refused with 404", async () => {
    // The demo sends every other path to the static site, which has no such file.
    const answer = await refusedUpgrade(`${nylon().wsUrl}/no-such-socket`);
    assert.equal(answer.status, 404);
  });
});
