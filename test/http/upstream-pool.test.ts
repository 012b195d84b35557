import assert from "node:assert/strict";
import { once } from "node:events";
import { after, describe, it } from "node:test";
import { request } from "undici";
import { NylonError } from "../../runtime/errors.js";
import { forward } from "../../runtime/http/proxy-service.js";
import { UpstreamPool } from "../../runtime/http/upstream-pool.js";
import { startProxyHarness } from "./proxy-harness.js";
import { closedPort, startUpstream, type TestUpstream } from "./test-upstream.js";

const open: { close(): Promise<void> }[] = [];
after(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function named(name: string, healthStatus = () => 200): Promise<TestUpstream> {
  const upstream = await startUpstream((req, res) => {
    if (req.url === "/health") return res.writeHead(healthStatus()).end();
    res.end(name);
  });
  open.push(upstream);
  return upstream;
}

const getRequest = (clientIp = "127.0.0.1") => ({ method: "GET", target: "/", headers: {}, body: null, clientIp, tls: false, host: "app.test" });

describe("upstream pool: distribution through a real proxy", () => {
  for (const algorithm of ["round_robin", "random", "consistent", "weighted"] as const) {
    it(`${algorithm} over three live upstreams`, async () => {
      const ups = await Promise.all(["a", "b", "c"].map((n) => named(n)));
      const proxy = await startProxyHarness({
        routes: [{ name: "r", route: { type: "host", value: "*" }, paths: [{ path: "/{*p}", service: { name: "s" } }] }],
        services: [{ service_type: "http", name: "s", algorithm, endpoints: ups.map((u, i) => ({ ip: "127.0.0.1", port: u.port, weight: i === 0 ? 2 : 1 })) }],
      });
      open.push(proxy);
      const counts = new Map<string, number>();
      for (let i = 0; i < 400; i++) {
        const res = await request(`http://127.0.0.1:${proxy.port}/`);
        const body = await res.body.text();
        counts.set(body, (counts.get(body) ?? 0) + 1);
      }
      if (algorithm === "consistent") {
        assert.equal(counts.size, 1, "one client IP always lands on the same endpoint");
      } else if (algorithm === "random") {
        assert.ok(counts.get("a")! > 140 && counts.get("a")! < 260, `a got ${counts.get("a")}`);
      } else {
        assert.deepEqual(Object.fromEntries(counts), { a: 200, b: 100, c: 100 });
      }
    });
  }
});

describe("upstream pool: health", () => {
  it("active checks take a stopped endpoint out and bring it back when it returns", async () => {
    const a = await named("a");
    let b = await named("b");
    const changes: string[] = [];
    const pool = new UpstreamPool(
      {
        name: "s",
        endpoints: [{ ip: "127.0.0.1", port: a.port }, { ip: "127.0.0.1", port: b.port }],
        health_check: { enabled: true, path: "/health", interval: 100, timeout: 200, healthy_threshold: 2, unhealthy_threshold: 2 },
      },
      { onHealthChange: (_service, endpoint, healthy) => changes.push(`${endpoint} ${healthy ? "up" : "down"}`) },
    );
    open.push(pool);
    const bId = `127.0.0.1:${b.port}`;
    await b.close();
    await waitFor(() => changes.includes(`${bId} down`), 3000);
    for (let i = 0; i < 20; i++) assert.equal(pool.select("127.0.0.1").port, a.port);

    b = await startUpstream((req, res) => res.end(req.url === "/health" ? "" : "b"), b.port);
    open.push(b);
    await waitFor(() => changes.includes(`${bId} up`), 3000);
    const seen = new Set(Array.from({ length: 10 }, () => pool.select("127.0.0.1").port));
    assert.deepEqual(seen, new Set([a.port, b.port]));
  });

  it("counts non-2xx/3xx health answers as failures", async () => {
    let status = 200;
    const a = await named("a", () => status);
    const changes: boolean[] = [];
    const pool = new UpstreamPool(
      { name: "s", endpoints: [{ ip: "127.0.0.1", port: a.port }], health_check: { enabled: true, path: "/health", interval: 50, timeout: 200, healthy_threshold: 1, unhealthy_threshold: 1 } },
      { onHealthChange: (_s, _e, healthy) => changes.push(healthy) },
    );
    open.push(pool);
    status = 302;
    await sleep(200);
    assert.deepEqual(changes, [], "3xx is healthy");
    status = 503;
    await waitFor(() => changes.length === 1, 2000);
    assert.throws(() => pool.select("127.0.0.1"), (e: unknown) => e instanceof NylonError && e.code === "NYLON_E_NO_UPSTREAM" && e.status === 502);
    status = 200;
    await waitFor(() => changes.length === 2, 2000);
    assert.equal(pool.select("127.0.0.1").port, a.port);
  });

  it("a check sends its Host and headers and counts only the expected statuses as healthy", async () => {
    // Like a virtual host behind a header route: the right Host and header get 418, anything else 404.
    const probes: string[] = [];
    const upstream = await startUpstream((req, res) => {
      probes.push(`${req.headers.host} ${req.headers["x-route"]} ${req.headers["user-agent"]}`);
      res.writeHead(req.headers.host === "app.internal" && req.headers["x-route"] === "app" ? 418 : 404).end();
    });
    open.push(upstream);
    const check = { enabled: true, path: "/health", interval: 50, timeout: 500, healthy_threshold: 1, unhealthy_threshold: 1 };
    const pool = (health_check: object, changes: boolean[]) =>
      new UpstreamPool({ name: "s", endpoints: [{ ip: "127.0.0.1", port: upstream.port }], health_check }, { onHealthChange: (_s, _e, up) => changes.push(up) });
    const reaching: boolean[] = [];
    const missing: boolean[] = [];
    open.push(pool({ ...check, host: "app.internal", headers: { "x-route": "app" }, expected_statuses: [{ from: 418, to: 418 }] }, reaching));
    open.push(pool(check, missing));
    // The check without Host and header fails at once (404); wait for as many probes again from the other.
    await waitFor(() => missing.length === 1, 5000);
    const seen = probes.length;
    await waitFor(() => probes.length >= seen + 4, 5000);
    assert.deepEqual(missing, [false]);
    assert.deepEqual(reaching, [], "418 was expected: the endpoint stayed healthy");
    assert.ok(probes.includes("app.internal app nylon-health-check"), probes.join("\n"));
    assert.ok(probes.includes(`127.0.0.1:${upstream.port} undefined nylon-health-check`), "without host, the endpoint's ip:port");
  });

  it("passive: a refused connection takes the endpoint out and the request goes to another", async () => {
    const a = await named("a");
    const dead = await closedPort();
    const pool = new UpstreamPool({ name: "s", endpoints: [{ ip: "127.0.0.1", port: dead }, { ip: "127.0.0.1", port: a.port }] });
    open.push(pool);
    const response = await forward(getRequest(), pool);
    assert.equal(response.status, 200);
    assert.equal(await readAll(response.body), "a");
    for (let i = 0; i < 10; i++) assert.equal(pool.select("127.0.0.1").port, a.port, "the refused endpoint stays out");
  });

  it("no endpoint at all -> NYLON_E_UPSTREAM on refusal, then NYLON_E_NO_UPSTREAM", async () => {
    const pool = new UpstreamPool({ name: "s", endpoints: [{ ip: "127.0.0.1", port: await closedPort() }] });
    open.push(pool);
    await assert.rejects(forward(getRequest(), pool), (e: unknown) => e instanceof NylonError && e.code === "NYLON_E_UPSTREAM" && e.status === 502);
    await assert.rejects(forward(getRequest(), pool), (e: unknown) => e instanceof NylonError && e.code === "NYLON_E_NO_UPSTREAM");
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readAll(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  const stream = body as NodeJS.ReadableStream;
  stream.on("data", (c: Buffer) => chunks.push(c));
  await once(stream, "end");
  return Buffer.concat(chunks).toString();
}
