// The WebSocket contract plugins rely on (issue 5, items 1–3), through a real nylon and real clients:
// the handshake and its refusal, subprotocols, callbacks and their order, close codes, and the
// methods' room semantics as sdk-wit/README.md documents them.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test, type TestContext } from "node:test";
import { buildFrame, Opcode } from "./frame-builder.js";
import { RawClient } from "./raw-client.js";
import { idOf, SEMANTICS_PLUGINS, startSemanticsNylon, Watcher, type SemanticsNylon } from "./semantics-nylon.js";
import { closeAll, refusedUpgrade, WsTestClient } from "../support/ws-test-client.js";

// Inline and in a worker thread, for a TypeScript and a Go plugin: the contract is the same
// (docs/sandbox.md, "isolation").
for (const build of Object.keys(SEMANTICS_PLUGINS) as (keyof typeof SEMANTICS_PLUGINS)[])
for (const isolation of ["inline", "worker"] as const)
describe(`WebSocket semantics (${build} plugin, isolation: ${isolation})`, () => {
  let nylon: SemanticsNylon;
  let watcher: Watcher;
  const url = () => `${nylon.wsUrl}/ws`;

  before(async () => {
    nylon = await startSemanticsNylon({}, isolation, build);
    watcher = await Watcher.connect(url());
  });

  after(async () => {
    await watcher.close();
    assert.equal(await nylon.stop(), 0, nylon.logs());
  });

  /** A raw HTTP request with hand-written headers, and the answer's status and body. */
  function rawRequest(headers: Record<string, string>, method = "GET"): Promise<{ status: number; body: string; upgraded: boolean }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${nylon.url}/ws`, { method, headers });
      req.once("upgrade", (response, socket) => {
        socket.destroy();
        resolve({ status: response.statusCode ?? 0, body: "", upgraded: true });
      });
      req.once("response", (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.once("end", () => resolve({ status: response.statusCode ?? 0, body, upgraded: false }));
      });
      req.once("error", reject);
      req.end();
    });
  }

  const VALID_HANDSHAKE = {
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    "sec-websocket-version": "13",
  };

  // ---- 1. upgrade ----------------------------------------------------------------------------------

  test("a valid handshake completes (ws checks Sec-WebSocket-Accept) and the connection talks", { timeout: 10_000 }, async () => {
    const client = await WsTestClient.connect(url());
    assert.match(await idOf(client), /^[^:]+:\d+$/);
    const raw = await RawClient.connect(url()); // checks 101 and the accept key byte for byte
    raw.destroy();
    await client.close();
  });

  test("a request that is not a valid upgrade gets the plugin's own answer, and nothing of a handshake", { timeout: 10_000 }, async () => {
    const cases: [string, Record<string, string>, string?][] = [
      ["a plain GET", {}],
      ["no Connection: Upgrade", { ...VALID_HANDSHAKE, connection: "keep-alive" }],
      ["version 8", { ...VALID_HANDSHAKE, "sec-websocket-version": "8" }],
      ["a malformed key", { ...VALID_HANDSHAKE, "sec-websocket-key": "short" }],
      ["a POST", VALID_HANDSHAKE, "POST"],
    ];
    for (const [what, headers, method] of cases) {
      const answer = await rawRequest(headers, method);
      assert.deepEqual(answer, { status: 400, body: "not a websocket: NYLON_E_NOT_UPGRADE", upgraded: false }, what);
    }
  });

  test("the plugin picks a subprotocol the client offered; one it did not offer is refused as not an upgrade", { timeout: 10_000 }, async () => {
    const client = await WsTestClient.connect(url(), ["chat.v1", "chat.v2"]);
    assert.equal(client.protocol, "chat.v2");
    await client.close();
    const plain = await WsTestClient.connect(url());
    assert.equal(plain.protocol, "");
    await plain.close();
    assert.deepEqual(await refusedUpgrade(`${url()}?want=chat.v9`), { status: 400, body: "not a websocket: NYLON_E_NOT_UPGRADE" });
  });

  // ---- 2. callbacks --------------------------------------------------------------------------------

  test("callbacks run in the order the events happened, and onClose gets the client's code and reason", { timeout: 10_000 }, async () => {
    const client = await WsTestClient.connect(url());
    const id = await idOf(client);
    client.send("hello");
    assert.equal(await client.nextText(), "unknown hello");
    client.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await client.nextBinary())], [1, 2, 3]);
    await client.close(4000, "bye");
    // The close event reaches the watcher by a broadcast issued inside onClose.
    assert.deepEqual(await watcher.events(id, 5), ["open", "text 2", "text 5", "binary 3", "close 4000 bye"]);
  });

  /** A raw connection and its id (asked with the plugin's "id" command). */
  async function rawWithId(t: TestContext): Promise<{ client: RawClient; id: string }> {
    const client = await RawClient.connect(url());
    t.after(() => client.destroy());
    await client.send(buildFrame({ opcode: Opcode.text, payload: "id" }));
    await client.waitUntil((o) => o.some((e) => e.kind === "message"), 5_000);
    const answer = client.outcomes.find((e) => e.kind === "message");
    assert.ok(answer?.kind === "message", "no answer to id");
    return { client, id: answer.payload.toString().slice(3) };
  }

  for (const [what, frame, code, error, reason] of [
    ["invalid UTF-8", buildFrame({ opcode: Opcode.text, payload: Buffer.from([0xff, 0xfe]) }), 1007, /^error .*UTF-8/, "Invalid WebSocket frame: invalid UTF-8 sequence"],
    ["an unmasked client frame", buildFrame({ opcode: Opcode.text, payload: "x", mask: false }), 1002, /^error .*MASK/, "Invalid WebSocket frame: MASK must be set"],
  ] as const) {
    test(`a protocol error (${what}) calls onError, then onClose with the code and reason nylon sent (${code})`, async (t) => {
      const { client, id } = await rawWithId(t);
      await client.send(frame);
      assert.ok(await client.waitUntil((o) => o.some((e) => e.kind === "close"), 5_000), "no close frame");
      const sent = client.outcomes.find((e) => e.kind === "close") as { code: number; reason: Buffer };
      assert.equal(sent.code, code);
      assert.equal(sent.reason.toString(), reason);
      const events = await watcher.events(id, 4);
      assert.deepEqual([events[0], events[1]], ["open", "text 2"]);
      assert.match(events[2]!, error);
      assert.equal(events[3], `close ${code} ${reason}`);
    });
  }

  test("a socket error (the client resets the connection) calls onError, then onClose with 1006", { timeout: 10_000 }, async (t) => {
    const { client, id } = await rawWithId(t);
    client.reset();
    const events = await watcher.events(id, 4);
    assert.deepEqual([events[0], events[1]], ["open", "text 2"]);
    assert.match(events[2]!, /^error .*ECONNRESET/);
    assert.equal(events[3], "close 1006 ");
  });

  test("close from the plugin: default 1000, or the given code and reason; a forbidden code is an error value", { timeout: 10_000 }, async () => {
    const plain = await WsTestClient.connect(url());
    plain.send("close 1005");
    assert.equal(await plain.nextText(), "err NYLON_E_INVALID_ARGUMENT");
    plain.send("close");
    assert.deepEqual(await plain.closed, { code: 1000, reason: "" });

    const coded = await WsTestClient.connect(url());
    const id = await idOf(coded);
    coded.send("close 4001 done for today");
    assert.deepEqual(await coded.closed, { code: 4001, reason: "done for today" });
    assert.equal(await watcher.closeOf(id), "close 4001 done for today");
  });

  test("a callback that throws closes its connection with 1011; onClose still runs; the plugin serves on", { timeout: 10_000 }, async () => {
    const client = await WsTestClient.connect(url());
    const id = await idOf(client);
    client.send("throw");
    assert.deepEqual(await client.closed, { code: 1011, reason: "plugin error" });
    assert.equal(await watcher.closeOf(id), "close 1011 plugin error");
    const next = await WsTestClient.connect(url());
    assert.match(await idOf(next), /:\d+$/);
    await next.close();
  });

  // ---- 3. methods and rooms ------------------------------------------------------------------------

  test("a broadcast reaches every member including the sender; excludeSelf leaves the sender out", { timeout: 10_000 }, async () => {
    const [alice, bob] = [await WsTestClient.connect(url()), await WsTestClient.connect(url())];
    for (const c of [alice, bob]) {
      c.send("join lobby");
      assert.equal(await c.nextText(), "ok");
    }
    alice.send("bcast lobby hi all");
    assert.equal(await alice.nextText(), "hi all");
    assert.equal(await bob.nextText(), "hi all");
    alice.send("bcastx lobby not to me");
    assert.equal(await bob.nextText(), "not to me");
    alice.send("id"); // nothing else is queued for alice before this answer
    assert.match(await alice.nextText(), /^id /);

    alice.send("bin lobby AB");
    assert.deepEqual([...(await alice.nextBinary())], [65, 66]);
    assert.deepEqual([...(await bob.nextBinary())], [65, 66]);
    alice.send("binx lobby C");
    assert.deepEqual([...(await bob.nextBinary())], [67]);
    alice.send("id");
    assert.match(await alice.nextText(), /^id /);
    await closeAll([alice, bob]);
  });

  test("broadcasting to a room one is not in is allowed and reaches its members", { timeout: 10_000 }, async () => {
    const [member, outsider] = [await WsTestClient.connect(url()), await WsTestClient.connect(url())];
    member.send("join stage");
    assert.equal(await member.nextText(), "ok");
    outsider.send("bcast stage from outside");
    assert.equal(await member.nextText(), "from outside");
    outsider.send("rooms");
    assert.equal(await outsider.nextText(), "rooms "); // it did not join by broadcasting
    await closeAll([member, outsider]);
  });

  test("joining twice is harmless; rooms() lists each room once; leave removes it; sizes follow", { timeout: 10_000 }, async () => {
    const [a, b] = [await WsTestClient.connect(url()), await WsTestClient.connect(url())];
    a.send("twice r1");
    assert.equal(await a.nextText(), "ok");
    a.send("join r2");
    assert.equal(await a.nextText(), "ok");
    b.send("join r1");
    assert.equal(await b.nextText(), "ok");
    a.send("rooms");
    assert.equal(await a.nextText(), "rooms r1,r2");
    a.send("size r1");
    assert.equal(await a.nextText(), "size 2");
    a.send("size nobody-here");
    assert.equal(await a.nextText(), "size 0");
    a.send("leave r1");
    assert.equal(await a.nextText(), "ok");
    a.send("leave never-joined");
    assert.equal(await a.nextText(), "ok");
    a.send("rooms");
    assert.equal(await a.nextText(), "rooms r2");
    b.send("size r1");
    assert.equal(await b.nextText(), "size 1");
    b.send("bcast r1 only b"); // a left: only b gets it
    assert.equal(await b.nextText(), "only b");
    a.send("id");
    assert.match(await a.nextText(), /^id /);
    await closeAll([a, b]);
  });

  test("a closed connection leaves every room, and its onClose broadcast reaches the rest", { timeout: 10_000 }, async () => {
    const [leaver, stayer] = [await WsTestClient.connect(url()), await WsTestClient.connect(url())];
    const leaverId = await idOf(leaver);
    for (const room of ["x1", "x2"]) {
      leaver.send(`join ${room}`);
      assert.equal(await leaver.nextText(), "ok");
    }
    stayer.send("join x1");
    assert.equal(await stayer.nextText(), "ok");
    await leaver.close();
    assert.equal(await watcher.closeOf(leaverId), "close 1005 ");
    for (const [room, size] of [["x1", 1], ["x2", 0]] as const) {
      stayer.send(`size ${room}`);
      assert.equal(await stayer.nextText(), `size ${size}`);
    }
    await stayer.close();
  });

  test("the connection id reaches that connection with sendTextTo; an unknown id is an error value", { timeout: 10_000 }, async () => {
    const [a, b] = [await WsTestClient.connect(url()), await WsTestClient.connect(url())];
    const bId = await idOf(b);
    a.send(`to ${bId} psst`);
    assert.equal(await b.nextText(), "psst");
    const [node] = bId.split(":");
    a.send(`to ${node}:999999 lost`);
    assert.equal(await a.nextText(), "err NYLON_E_UNKNOWN_CONNECTION");
    await closeAll([a, b]);
  });
});
