// The footer-injector plugin in the sandbox harness: a footer before </body> of HTML only.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/footer-injector/test/: the .wasm is in the source folder.
const WASM = fileURLToPath(new URL("../../../../plugins/footer-injector/footer-injector.wasm", import.meta.url));

describe("footer-injector plugin", () => {
  let footer: PluginHarness;
  before(async () => {
    footer = await loadPlugin(WASM);
  });
  after(() => footer.close());

  const payload = { footer: "<footer>hi</footer>" };

  it("inserts the payload's footer before </body> of an HTML response", () => {
    const res = footer.request({
      entry: "footer",
      payload,
      upstream: { headers: { "Content-Type": "text/html" }, body: "<html><body><p>page</p></body></html>" },
    });
    assert.equal(res.text, "<html><body><p>page</p><footer>hi</footer></body></html>");
  });

  it("leaves other content types and compressed bodies alone", () => {
    const json = footer.request({ entry: "footer", payload, upstream: { headers: { "Content-Type": "application/json" }, body: "{}" } });
    assert.equal(json.text, "{}");
    const gzipped = footer.request({
      entry: "footer",
      payload,
      upstream: { headers: { "Content-Type": "text/html", "Content-Encoding": "gzip" }, body: "<body></body>" },
    });
    assert.equal(gzipped.text, "<body></body>");
  });
});
