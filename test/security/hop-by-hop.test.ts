// The client's hop-by-hop headers (and those its Connection header names) are removed before the
// middleware runs, so a client cannot name away a header that middleware or nylon sets, nor Host,
// nor Content-Length.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useEdgeProxy } from "../support/edge-proxy.js";
import { finals, rawExchange } from "../support/raw-http.js";

const edge = useEdgeProxy();

async function send(request: string) {
  const before = edge.upstream.seen.length;
  const exchange = await rawExchange(edge.port, request, { responses: 1 });
  assert.equal(finals(exchange)[0]?.status, 200, exchange.raw);
  const seen = edge.upstream.seen.slice(before);
  assert.equal(seen.length, 1);
  return seen[0]!;
}

describe("hop-by-hop headers", () => {
  it("Connection cannot remove the headers middleware sets, whatever its spelling", async () => {
    const connections = [
      "Connection: x-role, x-request-id",
      "connection: X-Role, X-Request-Id",
      "CONNECTION: x-role\r\nConnection: x-request-id",
      "Connection: close, x-role ,x-request-id",
      "Connection: keep-alive, x-request-id, x-role, x-forwarded-for, x-forwarded-host, x-forwarded-proto",
    ];
    for (const connection of connections) {
      const seen = await send(`GET /hdr/x HTTP/1.1\r\nHost: a\r\n${connection}\r\nx-role: admin\r\n\r\n`);
      assert.equal(seen.headers["x-role"], "user", connection);
      assert.equal(seen.headers["x-request-id"], "nylon-set", connection);
      assert.equal(seen.headers["x-forwarded-for"], "127.0.0.1", connection);
      assert.equal(seen.headers["x-forwarded-proto"], "http", connection);
      assert.equal(seen.headers["x-forwarded-host"], "a", connection);
    }
  });

  it("Connection cannot name Host or Content-Length away", async () => {
    for (const connection of ["Connection: host", "Connection: Host, x-y", "connection: HOST"]) {
      const seen = await send(`GET /hdr/x HTTP/1.1\r\nHost: shop.example:8080\r\n${connection}\r\n\r\n`);
      assert.equal(seen.headers.host, "shop.example:8080", connection);
    }
    const seen = await send("POST /hdr/x HTTP/1.1\r\nHost: a\r\nConnection: content-length\r\nContent-Length: 5\r\n\r\nhello");
    assert.equal(seen.body.toString(), "hello");
    assert.equal(seen.headers["content-length"], "5");
  });

  it("the client's hop-by-hop headers, and those its Connection names, do not reach the upstream", async () => {
    const seen = await send(
      "GET /hdr/x HTTP/1.1\r\nHost: a\r\nConnection: x-private, X-Other\r\nx-private: 1\r\nX-Other: 2\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n" +
        "Trailer: x-t\r\nProxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\nx-kept: yes\r\n\r\n",
    );
    for (const name of ["x-private", "x-other", "keep-alive", "te", "trailer", "proxy-authorization", "proxy-connection", "upgrade"]) {
      assert.equal(seen.headers[name], undefined, `${name} reached the upstream`);
    }
    assert.equal(seen.headers["x-kept"], "yes");
  });

  it("a chunked request body still arrives whole once Transfer-Encoding is taken off", async () => {
    const seen = await send("POST /hdr/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: transfer-encoding\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    assert.equal(seen.body.toString(), "abcde");
  });
});

describe("header names with an underscore", () => {
  it("are dropped, so X_Role cannot pass for x-role to a CGI-style upstream", async () => {
    const seen = await send("GET /ws/x HTTP/1.1\r\nHost: a\r\nX_Role: admin\r\nx_secret: s\r\nX-Secret_: t\r\nx-kept: yes\r\n\r\n");
    assert.equal(seen.headers["x-role"], "user");
    for (const name of ["x_role", "x_secret", "x-secret_"]) assert.equal(seen.headers[name], undefined, `${name} reached the upstream`);
    assert.equal(seen.headers["x-kept"], "yes");
  });
});
