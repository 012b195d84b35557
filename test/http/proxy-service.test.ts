import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestListener } from "node:http";
import { PassThrough } from "node:stream";
import { after, describe, it } from "node:test";
import { request } from "undici";
import { startProxyHarness, type ProxyHarness } from "./proxy-harness.js";
import { closedPort, startUpstream } from "./test-upstream.js";

const open: { close(): Promise<void> }[] = [];
after(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** One upstream behind the harness proxy; every path goes to it. */
async function proxyTo(handler: RequestListener, service: { timeout_ms?: number; rewrite?: string } = {}): Promise<ProxyHarness> {
  const upstream = await startUpstream(handler);
  open.push(upstream);
  return proxyToPort(upstream.port, service);
}

async function proxyToPort(port: number, service: { timeout_ms?: number; rewrite?: string } = {}): Promise<ProxyHarness> {
  const proxy = await startProxyHarness({
    routes: [{ name: "r", route: { type: "host", value: "*" }, paths: [{ path: "/api/{*rest}", service: { name: "s", rewrite: service.rewrite } }, { path: ["/", "/{*p}"], service: { name: "s" } }] }],
    services: [{ service_type: "http", name: "s", endpoints: [{ ip: "127.0.0.1", port }], timeout_ms: service.timeout_ms }],
  });
  open.push(proxy);
  return proxy;
}

const url = (proxy: ProxyHarness, path: string) => `http://127.0.0.1:${proxy.port}${path}`;

describe("proxy service: passthrough", () => {
  it("passes upstream statuses, headers and bodies unchanged (Nylon G1 rewrote them to 200)", async () => {
    const proxy = await proxyTo((req, res) => {
      switch (req.url) {
        case "/missing":
          return res.writeHead(404, { "content-type": "text/plain", "x-upstream": "yes" }).end("not here");
        case "/boom":
          return res.writeHead(500, { "content-type": "application/json" }).end('{"e":1}');
        case "/moved":
          return res.writeHead(302, { location: "/elsewhere" }).end();
        case "/cached":
          return req.headers["if-none-match"] === '"v1"' ? res.writeHead(304, { etag: '"v1"' }).end() : res.writeHead(200, { etag: '"v1"' }).end("fresh");
        default:
          res.setHeader("set-cookie", ["a=1", "b=2"]);
          return res.end("ok");
      }
    });
    const missing = await request(url(proxy, "/missing"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers["x-upstream"], "yes");
    assert.equal(missing.headers["content-type"], "text/plain");
    assert.equal(await missing.body.text(), "not here");

    const boom = await request(url(proxy, "/boom"));
    assert.equal(boom.statusCode, 500);
    assert.equal(await boom.body.text(), '{"e":1}');

    const moved = await request(url(proxy, "/moved"));
    assert.equal(moved.statusCode, 302);
    assert.equal(moved.headers.location, "/elsewhere");
    await moved.body.dump();

    const cached = await request(url(proxy, "/cached"), { headers: { "if-none-match": '"v1"' } });
    assert.equal(cached.statusCode, 304);
    assert.equal(cached.headers.etag, '"v1"');
    assert.equal(await cached.body.text(), "");

    const cookies = await request(url(proxy, "/"));
    assert.deepEqual(cookies.headers["set-cookie"], ["a=1", "b=2"]);
    await cookies.body.dump();
  });

  it("streams the response: a chunk reaches the client before the upstream finished", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const proxy = await proxyTo((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first;");
      void released.then(() => res.end("second"));
    });
    const response = await request(url(proxy, "/stream"));
    const iterator = response.body[Symbol.asyncIterator]();
    const first = await Promise.race([iterator.next(), new Promise((_, reject) => setTimeout(() => reject(new Error("no chunk before the upstream ended: buffered")), 3000))]);
    assert.equal(String((first as IteratorResult<Buffer>).value), "first;");
    release();
    let rest = "";
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest += String(next.value);
    assert.equal(rest, "second");
  });

  it("streams the request body: the upstream reads a chunk before the client sent the rest", async () => {
    const proxy = await proxyTo((req, res) => {
      res.writeHead(200, { "x-te": String(req.headers["transfer-encoding"]) });
      req.pipe(res); // echo as it arrives
    });
    const upload = new PassThrough();
    upload.write("part1,");
    const response = await request(url(proxy, "/echo"), { method: "POST", body: upload });
    assert.equal(response.headers["x-te"], "chunked");
    const iterator = response.body[Symbol.asyncIterator]();
    assert.equal(String((await iterator.next()).value), "part1,");
    upload.end("part2");
    let rest = "";
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest += String(next.value);
    assert.equal(rest, "part2");

    const sized = await request(url(proxy, "/echo"), { method: "PUT", body: "sized body" });
    assert.equal(await sized.body.text(), "sized body");
  });
});

describe("proxy service: headers", () => {
  it("removes hop-by-hop headers both ways, and those the Connection header lists", async () => {
    let seen: IncomingHttpHeaders = {};
    const proxy = await proxyTo((req, res) => {
      seen = req.headers;
      res.setHeader("keep-alive", "timeout=5");
      res.setHeader("proxy-authenticate", "Basic");
      res.setHeader("x-hop", "drop me");
      res.setHeader("connection", "x-hop");
      res.setHeader("trailer", "x-never");
      res.setHeader("x-kept", "kept");
      res.end("ok");
    });
    // node:http, because undici refuses to send some of these request headers.
    const response = await rawGet(proxy.port, {
      connection: "keep-alive, x-secret",
      "x-secret": "s",
      "keep-alive": "timeout=9",
      "proxy-authorization": "Basic x",
      te: "trailers",
      "x-normal": "n",
    });
    for (const name of ["x-secret", "keep-alive", "proxy-authorization", "te", "upgrade"]) assert.equal(seen[name], undefined, `${name} reached the upstream`);
    assert.equal(seen["x-normal"], "n");
    for (const name of ["x-hop", "proxy-authenticate", "trailer"]) assert.equal(response.headers[name], undefined, `${name} reached the client`);
    assert.equal(response.headers["x-kept"], "kept");
  });

  it("adds X-Forwarded-For/-Proto/-Host and passes Host through", async () => {
    let seen: IncomingHttpHeaders = {};
    const proxy = await proxyTo((req, res) => {
      seen = req.headers;
      res.end();
    });
    const response = await request(url(proxy, "/"), { headers: { host: "shop.example:8080", "x-forwarded-for": "203.0.113.9" } });
    await response.body.dump();
    assert.equal(seen.host, "shop.example:8080");
    assert.equal(seen["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
    assert.equal(seen["x-forwarded-proto"], "http");
    assert.equal(seen["x-forwarded-host"], "shop.example:8080");
  });
});

describe("proxy service: failures and rewrite", () => {
  it("answers 502 when the upstream is down", async () => {
    const proxy = await proxyToPort(await closedPort());
    const response = await request(url(proxy, "/"));
    assert.equal(response.statusCode, 502);
    assert.equal(response.headers["content-type"], "application/json");
    const body = (await response.body.json()) as { status: number; error: string };
    assert.equal(body.status, 502);
    assert.match(body.error, /^NYLON_E_(NO_)?UPSTREAM$/);
  });

  it("answers 504 when the upstream is slower than timeout_ms", async () => {
    const proxy = await proxyTo((_req, res) => setTimeout(() => res.end("late"), 1000).unref(), { timeout_ms: 150 });
    const started = Date.now();
    const response = await request(url(proxy, "/"));
    assert.equal(response.statusCode, 504);
    assert.equal(((await response.body.json()) as { error: string }).error, "NYLON_E_UPSTREAM_TIMEOUT");
    assert.ok(Date.now() - started < 900, "answered before the upstream did");
  });

  it("rewrites the literal prefix of the matched pattern, keeping the rest and the query", async () => {
    const proxy = await proxyTo((req, res) => res.end(req.url), { rewrite: "/v2" });
    assert.equal(await (await request(url(proxy, "/api/users/7?x=1&y=2"))).body.text(), "/v2/users/7?x=1&y=2");
    assert.equal(await (await request(url(proxy, "/api/"))).body.text(), "/v2/");
    assert.equal(await (await request(url(proxy, "/other?q"))).body.text(), "/other?q", "entries without rewrite are untouched");
  });
});

function rawGet(port: number, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/", headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res));
    });
    req.on("error", reject);
    req.end();
  });
}
