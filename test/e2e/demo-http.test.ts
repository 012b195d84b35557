// The demo's HTTP side: host routing to an upstream service through middleware, and the static site.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { useDemoProxy } from "../support/demo-proxy.js";

const demo = useDemoProxy();

function get(path: string, host: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: demo().port, path, headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
  });
}

test("api.localhost reaches the upstream service through the middleware group", async () => {
  const res = await get("/users.json", "api.localhost");
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(res.body), [
    { id: 1, name: "Ada" },
    { id: 2, name: "Grace" },
  ]);
  // The security-headers plugin ran in the response filter.
  assert.equal(res.headers["x-content-type-options"], "nosniff");
  assert.equal(res.headers["x-frame-options"], "DENY");
});

test("an unknown path on the upstream comes back as the upstream's 404, unchanged", async () => {
  const res = await get("/nope.json", "api.localhost");
  assert.equal(res.status, 404);
});

test("the static site serves the index and the chat page", async () => {
  const index = await get("/", "127.0.0.1");
  assert.equal(index.status, 200);
  assert.match(index.headers["content-type"] ?? "", /text\/html/);
  const chat = await get("/chat.html", "127.0.0.1");
  assert.equal(chat.status, 200);
  assert.match(chat.body, /id="messages"/);
});
