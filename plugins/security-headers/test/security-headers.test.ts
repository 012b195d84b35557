// The security-headers plugin in the sandbox harness: security headers on every answer, CORS.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/security-headers/test/: the .wasm is in the source folder.
const WASM = fileURLToPath(new URL("../../../../plugins/security-headers/security-headers.wasm", import.meta.url));

describe("security-headers plugin", () => {
  let security: PluginHarness;
  before(async () => {
    security = await loadPlugin(WASM);
  });
  after(() => security.close());

  it("adds the security headers and removes Server and X-Powered-By", () => {
    const res = security.request({
      entry: "security",
      payload: { hsts_max_age: 60 },
      upstream: { headers: { Server: "apache", "X-Powered-By": "php" } },
    });
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["x-frame-options"], "DENY");
    assert.equal(res.headers["strict-transport-security"], "max-age=60; includeSubDomains");
    assert.equal(res.headers["server"], undefined);
    assert.equal(res.headers["x-powered-by"], undefined);
  });

  it("answers a CORS preflight from an allowed origin with 204, and from another with 403", () => {
    const payload = { allowed_origins: ["https://app.example"], allowed_methods: ["GET", "POST"] };
    const preflight = (origin: string) =>
      security.request({ entry: "cors", method: "OPTIONS", payload, headers: { Origin: origin, "Access-Control-Request-Method": "POST" } });
    const allowed = preflight("https://app.example");
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers["access-control-allow-origin"], "https://app.example");
    assert.equal(allowed.headers["access-control-allow-methods"], "GET, POST");
    assert.equal(preflight("https://evil.example").status, 403);
  });

  it("adds Access-Control-Allow-Origin to an ordinary response for an allowed origin", () => {
    const res = security.request({ entry: "cors", payload: { allowed_origins: ["*"] }, headers: { Origin: "https://x.example" } });
    assert.equal(res.outcome, "continued");
    assert.equal(res.headers["access-control-allow-origin"], "*");
  });
});
