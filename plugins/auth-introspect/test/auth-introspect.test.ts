// The auth-introspect plugin in the sandbox harness: introspection answered by the scenario's stubs,
// the verdict cached in the harness's store for its TTL on the harness clock, and the same as a
// `nylon test` scenario that seeds the store and asserts its contents.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";
import { testCommand } from "../../../cli/test-command.js";

const wasm = fileURLToPath(new URL("../../../../plugins/auth-introspect/auth-introspect.wasm", import.meta.url));
const IDP = "http://idp.test";
const ACTIVE = JSON.stringify({ active: true, sub: "alice" });

describe("auth-introspect plugin", () => {
  let auth: PluginHarness;
  before(async () => {
    auth = await loadPlugin(wasm, {
      config: { introspection_url: `${IDP}/introspect`, cache_ttl_ms: 60_000 },
      allowedOutboundHosts: [IDP],
      httpStubs: [{ method: "POST", url: `${IDP}/introspect`, response: { status: 200, headers: { "content-type": "application/json" }, body: ACTIVE } }],
    });
  });
  after(() => auth.close());

  it("asks the endpoint once per TTL: the verdict is cached in the store, and gone after the TTL", async () => {
    const first = await auth.requestAsync({ entry: "auth", headers: { authorization: "Bearer t1" } });
    assert.equal(first.outcome, "continued");
    assert.equal(first.upstreamHeaders["x-auth-subject"], "alice");
    assert.equal(auth.store.get("token:t1"), JSON.stringify({ active: true, sub: "alice" }));
    const second = await auth.requestAsync({ entry: "auth", headers: { authorization: "Bearer t1" } });
    assert.equal(second.upstreamHeaders["x-auth-subject"], "alice");
    assert.equal(auth.outboundCalls.length, 1);
    auth.advanceTime(60_001);
    assert.equal(auth.store.get("token:t1"), undefined);
    await auth.requestAsync({ entry: "auth", headers: { authorization: "Bearer t1" } });
    assert.equal(auth.outboundCalls.length, 2);
  });

  it("a cached inactive verdict is a 401 without a call", async () => {
    auth.store.set("token:revoked", JSON.stringify({ active: false }));
    const calls = auth.outboundCalls.length;
    const res = await auth.requestAsync({ entry: "auth", headers: { authorization: "Bearer revoked" } });
    assert.equal(res.status, 401);
    assert.equal(auth.outboundCalls.length, calls);
  });
});

describe("auth-introspect as a nylon test scenario", () => {
  it("seeds the store, stubs the endpoint, and asserts the store after the steps (the cached verdict expires on the scenario clock)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-auth-introspect-"));
    const file = path.join(dir, "auth.scenario.yaml");
    fs.writeFileSync(
      file,
      `
config: { introspection_url: "${IDP}/introspect" }
allowed_outbound_hosts: ["${IDP}"]
http_stubs:
  - request: { method: POST, url: "${IDP}/introspect" }
    response: { status: 200, body: '${ACTIVE}' }
store:
  "token:known": '{"active":true,"sub":"bob"}'
steps:
  - request: { entry: auth, path: /, headers: { authorization: "Bearer fresh" } }
    expect: { outcome: continued, store: { "token:fresh": '{"active":true,"sub":"alice"}', "token:known": '{"active":true,"sub":"bob"}' } }
  - request: { entry: auth, path: / }
    expect: { outcome: ended, status: 401 }
  - advance_ms: 60001
    expect: { store: { "token:fresh": null, "token:known": '{"active":true,"sub":"bob"}' } }
`,
    );
    const out = new PassThrough();
    let report = "";
    out.on("data", (chunk: Buffer) => (report += chunk.toString()));
    assert.equal(await testCommand(wasm, file, out), 0, report);
  });
});
