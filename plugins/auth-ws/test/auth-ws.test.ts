// The auth-ws plugin in the sandbox harness: a token in the query opens the WebSocket
// (its end-to-end test through a proxy: test/e2e/auth-ws.test.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/auth-ws/test/: the .wasm files are in the source folders. The same tests run
// against the TypeScript build and the Go one (plugins/auth-ws-go).
const BUILDS = ["auth-ws", "auth-ws-go"].map((build) => ({
  build,
  wasm: fileURLToPath(new URL(`../../../../plugins/${build}/${build}.wasm`, import.meta.url)),
}));

for (const { build, wasm } of BUILDS)
describe(`auth-ws plugin (${build})`, () => {
  let auth: PluginHarness;
  before(async () => {
    auth = await loadPlugin(wasm, { config: { tokens: ["t0ken"] } });
  });
  after(() => auth.close());

  it("accepts a client with a valid token and puts it in the authenticated room", () => {
    const ws = auth.connect({ entry: "auth-ws", path: "/secure", query: { token: "t0ken" } });
    assert.ok(ws.accepted);
    assert.deepEqual(ws.texts(), ["Authenticated"]);
    assert.deepEqual(ws.rooms(), ["authenticated-room"]);
    ws.close();
  });

  it("refuses a missing or wrong token with 401 and opens nothing", () => {
    for (const query of [{}, { token: "wrong" }] as Record<string, string>[]) {
      const ws = auth.connect({ entry: "auth-ws", query });
      assert.equal(ws.accepted, false);
      assert.equal(ws.handshake.status, 401);
      assert.equal(ws.handshake.text, "Unauthorized");
    }
  });

  it("fails to load without its tokens config", async () => {
    await assert.rejects(loadPlugin(wasm), /tokens/);
  });
});
