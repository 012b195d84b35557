// RFC 9112 §3.2.2: absolute-form targets are routed on their path, always forwarded in origin-form,
// and their authority replaces Host (routing, the Host sent upstream, X-Forwarded-Host).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STYLE_CSS, useEdgeProxy } from "../support/edge-proxy.js";
import { finals, header, rawExchange } from "../support/raw-http.js";

const edge = useEdgeProxy();

/** One request on its own connection; returns the answer and what the upstream got (if anything). */
async function send(requestLine: string, headers: string[] = ["Host: a"]) {
  const before = edge.upstream.seen.length;
  const exchange = await rawExchange(edge.port, `${requestLine}\r\n${headers.map((h) => h + "\r\n").join("")}\r\n`, { responses: 1 });
  const [response] = finals(exchange);
  assert.ok(response, `no answer to ${requestLine}: ${exchange.raw}`);
  const seen = edge.upstream.seen.slice(before);
  assert.ok(seen.length <= 1, `${requestLine} reached the upstream ${seen.length} times`);
  return { response, seen: seen[0] };
}

describe("absolute-form targets", () => {
  it("route on the path and pass the route's middleware, exactly as the origin-form request does", async () => {
    const origin = await send("GET /admin/panel HTTP/1.1");
    assert.equal(origin.seen?.url, "/admin/panel");
    assert.equal(origin.seen?.headers["x-admin-policy"], "applied");
    const variants = [
      "GET http://a/admin/panel HTTP/1.1",
      "GET HTTP://A/admin/panel HTTP/1.1",
      "GET Http://a/admin/panel HTTP/1.1",
      "GET http://a:8080/admin/panel HTTP/1.1",
      "GET https://a/admin/panel HTTP/1.1",
      "GET http://a/%61dmin/panel HTTP/1.1",
      "GET http://a/admin/./panel HTTP/1.1",
      "GET http://a/x/../admin/panel HTTP/1.1",
      "GET http://a//admin/panel HTTP/1.1",
    ];
    for (const line of variants) {
      const { response, seen } = await send(line);
      assert.equal(response.status, 200, `${line}: ${response.body}`);
      assert.equal(seen?.url, "/admin/panel", `${line} must reach the upstream in origin-form`);
      assert.equal(seen?.headers["x-admin-policy"], "applied", `${line} skipped the /admin middleware`);
    }
  });

  it("forward origin-form with the query, and an empty path as /", async () => {
    const cases: [string, string][] = [
      ["GET http://a/api/users?x=1&y=%20 HTTP/1.1", "/api/users?x=1&y=%20"],
      ["GET http://a HTTP/1.1", "/"],
      ["GET http://a?q=1 HTTP/1.1", "/?q=1"],
      ["POST http://a/api/items HTTP/1.1", "/api/items"],
    ];
    for (const [line, url] of cases) {
      const { response, seen } = await send(line, ["Host: a", "Content-Length: 0"]);
      assert.equal(response.status, 200, line);
      assert.equal(seen?.url, url, line);
      assert.doesNotMatch(seen?.url ?? "", /^http/i);
    }
  });

  it("the authority replaces Host: it picks the route, and is the Host and X-Forwarded-Host the upstream gets", async () => {
    for (const host of ["Host: a", "Host: b", "host: other.example.evil", "HOST: a:1"]) {
      const { response, seen } = await send("GET http://other.example/page HTTP/1.1", [host]);
      assert.equal(response.status, 200, host);
      assert.equal(seen?.headers["x-host-route"], "other", `${host}: routed by the Host header, not the authority`);
      assert.equal(seen?.headers.host, "other.example", host);
      assert.equal(seen?.headers["x-forwarded-host"], "other.example", host);
    }
    // And the other way round: Host says other.example, the authority does not.
    const { seen } = await send("GET http://a/page HTTP/1.1", ["Host: other.example"]);
    assert.equal(seen?.headers["x-host-route"], undefined);
    assert.equal(seen?.headers.host, "a");
  });

  it("a static route answers an absolute-form request itself; nothing reaches the upstream", async () => {
    for (const line of ["GET http://a/static/style.css HTTP/1.1", "GET http://a/static/./style.css HTTP/1.1", "GET HTTP://A/%73tatic/style.css HTTP/1.1"]) {
      const { response, seen } = await send(line);
      assert.equal(response.status, 200, line);
      assert.equal(response.body.toString(), STYLE_CSS, line);
      assert.equal(seen, undefined, `${line} reached the upstream`);
    }
  });

  it("refuses absolute-form targets that are not http(s) URLs with a valid authority", async () => {
    for (const line of [
      "GET http://user@a/admin/panel HTTP/1.1",
      "GET http://user:pw@a/ HTTP/1.1",
      "GET ftp://a/admin/panel HTTP/1.1",
      "GET http://[::1/admin HTTP/1.1",
      "GET http://a b/admin HTTP/1.1",
      "GET a/admin/panel HTTP/1.1",
    ]) {
      const before = edge.upstream.seen.length;
      const exchange = await rawExchange(edge.port, `${line}\r\nHost: a\r\n\r\n`);
      const [response] = finals(exchange);
      assert.equal(response?.status, 400, `${line}: ${exchange.raw}`);
      assert.equal(edge.upstream.seen.length, before);
      assert.ok(exchange.closed, `${line}: the connection stays open after a refused target`);
    }
  });

  it("pipelined absolute-form requests each reach the upstream in origin-form with their own middleware", async () => {
    const before = edge.upstream.seen.length;
    const pipeline = [
      "GET http://a/admin/one HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /api/two HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET http://A/static/style.css HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET HTTP://a/admin/%2E/three HTTP/1.1\r\nHost: zzz\r\n\r\n",
    ].join("");
    const exchange = await rawExchange(edge.port, pipeline, { responses: 4 });
    assert.deepEqual(finals(exchange).map((r) => r.status), [200, 200, 200, 200]);
    assert.equal(header(finals(exchange)[2]!, "content-type")?.startsWith("text/css"), true);
    const seen = edge.upstream.seen.slice(before);
    assert.deepEqual(seen.map((s) => s.url), ["/admin/one", "/api/two", "/admin/three"]);
    assert.deepEqual(seen.map((s) => s.headers["x-admin-policy"] ?? s.headers["x-api-policy"]), ["applied", "applied", "applied"]);
    assert.equal(seen[2]!.headers.host, "a");
  });
});
