// The auth-filter plugin in the sandbox harness: bearer tokens, the subject header upstream, 401s.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";

// Compiled to dist/plugins/auth-filter/test/: the .wasm files are in the source folders. The same tests run
// against the TypeScript build and the Rust one (plugins/auth-filter-rust).
const BUILDS = ["auth-filter", "auth-filter-rust"].map((build) => ({
  build,
  wasm: fileURLToPath(new URL(`../../../../plugins/${build}/${build}.wasm`, import.meta.url)),
}));

for (const { build, wasm } of BUILDS)
describe(`auth-filter plugin (${build})`, () => {
  let auth: PluginHarness;
  before(async () => {
    auth = await loadPlugin(wasm, { config: { tokens: { "s3cret": "alice" } } });
  });
  after(() => auth.close());

  it("lets a valid bearer token through and tells the upstream who it is", () => {
    const res = auth.request({ entry: "auth", headers: { Authorization: "Bearer s3cret" } });
    assert.equal(res.outcome, "continued");
    assert.equal(res.upstreamHeaders["x-auth-subject"], "alice");
  });

  it("answers 401 with the payload's realm without a token or with a wrong one", () => {
    const missing = auth.request({ entry: "auth", payload: { realm: "api" } });
    assert.equal(missing.outcome, "ended");
    assert.equal(missing.status, 401);
    assert.equal(missing.headers["www-authenticate"], 'Bearer realm="api"');
    assert.equal((JSON.parse(missing.text) as { message: string }).message, "a bearer token is required");
    const wrong = auth.request({ entry: "auth", headers: { Authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    assert.equal((JSON.parse(wrong.text) as { message: string }).message, "invalid bearer token");
  });
});
