// The demo with every plugin in a worker thread (isolation: worker): the seed's examples behave as
// they do inline (the other e2e files), including effects from onClose, rooms, refusals before the
// upgrade and plugin middleware on HTTP routes; the examples with a Rust or Go build run in those builds too.
import assert from "node:assert/strict";
import http from "node:http";
import { describe, it } from "node:test";
import { demoGuests, type DemoGuest } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import { connectAuthenticated, connectOnceSlotFrees, connectRateLimited, joinChat, joinMultiChat, joinRoom } from "../support/seed-clients.js";
import { closeAll, refusedUpgrade, WsTestClient } from "../support/ws-test-client.js";

for (const guest of ["TypeScript", "Rust", "Go"] satisfies DemoGuest[])
describe(`the demo's examples in worker threads (${guest} builds)`, () => {
  const nylon = useDemoProxy({ isolation: "worker", guest });
  /** A test of one example, run for each language it is built in. */
  const test = (example: string, title: string, body: () => Promise<void>) => {
    if (demoGuests(example).includes(guest)) it(title, body);
  };

  test("echo", "echo answers \"Echo: <text>\" and returns binary unchanged", async () => {
    const client = await WsTestClient.connect(`${nylon().wsUrl}/ws`);
    client.send("hi");
    assert.equal(await client.nextText(), "Echo: hi");
    const bytes = Uint8Array.from([0x01, 0x02, 0x03, 0x00, 0xff]);
    client.send(bytes);
    assert.deepEqual(new Uint8Array(await client.nextBinary()), bytes);
    await client.close();
  });

  test("chat", "chat: messages reach everyone, and the farewell from onClose reaches those who stay", async () => {
    const alice = await joinChat(nylon().wsUrl);
    const bob = await joinChat(nylon().wsUrl);
    assert.equal(await alice.nextText(), "A user joined the chat");
    bob.send("hello from bob");
    assert.equal(await alice.nextText(), "hello from bob");
    assert.equal(await bob.nextText(), "hello from bob");
    await bob.close();
    assert.equal(await alice.nextText(), "A user left the chat");
    await alice.close();
  });

  test("multi-chat", "multi-chat: a message sent in a room reaches that room only", async () => {
    const alice = await joinMultiChat(nylon().wsUrl);
    const bob = await joinMultiChat(nylon().wsUrl);
    await joinRoom(alice, "tech");
    alice.send("tech talk");
    assert.equal(await alice.nextText(), "tech talk");
    bob.send("general chatter");
    assert.equal(await bob.nextText(), "general chatter");
    await closeAll([alice, bob]);
  });

  test("json-ws", "json-ws: echo and broadcast as JSON, errors as text", async () => {
    const alice = await WsTestClient.connect(`${nylon().wsUrl}/json-ws`);
    const bob = await WsTestClient.connect(`${nylon().wsUrl}/json-ws`);
    alice.send(JSON.stringify({ type: "echo", data: "hello" }));
    assert.deepEqual(JSON.parse(await alice.nextText()), { type: "echo", data: "hello" });
    alice.send(JSON.stringify({ type: "broadcast", data: "hi lobby" }));
    assert.equal(await alice.nextText(), "hi lobby");
    assert.equal(await bob.nextText(), "hi lobby");
    bob.send("{not json");
    assert.equal(await bob.nextText(), "Invalid JSON");
    await closeAll([alice, bob]);
  });

  test("auth-ws", "auth-ws: 401 before the upgrade without a valid token, \"Authenticated\" with one", async () => {
    assert.deepEqual(await refusedUpgrade(`${nylon().wsUrl}/auth-ws?token=guess`), { status: 401, body: "Unauthorized" });
    const client = await connectAuthenticated(nylon().wsUrl);
    await client.close();
  });

  test("rate-limited-ws", "rate-limited-ws: the sixth connection gets 429, and a close frees its slot", async () => {
    const clients: WsTestClient[] = [];
    for (let i = 0; i < 5; i++) clients.push(await connectRateLimited(nylon().wsUrl));
    assert.deepEqual(await refusedUpgrade(`${nylon().wsUrl}/rate-limited-ws`), { status: 429, body: "Too many connections" });
    await clients.shift()!.close();
    // onClose releases the slot once the worker has run it.
    clients.push(await connectOnceSlotFrees(nylon().wsUrl));
    await closeAll(clients);
  });

  test("headers", "HTTP: the middleware group's plugin sets the security headers on the upstream's answer", async () => {
    // fetch() cannot set Host, which routes this request to the API.
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: nylon().port, path: "/users.json", headers: { host: "api.localhost" } }, resolve).on("error", reject);
    });
    res.resume();
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["x-frame-options"], "DENY");
  });
});
