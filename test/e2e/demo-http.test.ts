// The demo's HTTP side: host routing to an upstream service through middleware, and the static site.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { useDemoProxy } from "../support/demo-proxy.js";

// The demo's health checks run every 300 ms here (5 s in nylon.yaml), and the access log shows them.
const demo = useDemoProxy({ healthCheckInterval: "300ms", accessLog: true });

/** The access lines of the health checks the demo's api service sent to its upstream so far. */
function healthChecks(): { route: string; status: number }[] {
  return demo()
    .logs()
    .split("\n")
    .filter((line) => line.includes('"path":"/health.json"'))
    .map((line) => JSON.parse(line) as { route: string; status: number });
}

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

test("the API still answers once the health check has probed its upstream enough times to take it out", async () => {
  // Two intervals, and at least the unhealthy threshold (3): a failing check would have taken the
  // only endpoint out by then, and every api request would answer 502.
  const deadline = Date.now() + 30_000;
  while (healthChecks().length < 3) {
    assert.ok(Date.now() < deadline, "the health check did not run 3 times within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(new Set(healthChecks().map(({ route, status }) => `${route} ${status}`)), new Set(["backend 200"]), "the check reaches the upstream's route");
  const res = await get("/users.json", "api.localhost");
  assert.equal(res.status, 200);
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
