// TRACE is refused (405) unless a route lists it; Max-Forwards is honoured for TRACE and OPTIONS
// (RFC 9110 §7.6.2): 0 makes nylon the final recipient, a larger value is decremented. CONNECT is
// refused too: nylon is not a forward proxy.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useEdgeProxy } from "../support/edge-proxy.js";
import { finals, header, rawExchange, type RawResponse } from "../support/raw-http.js";

const edge = useEdgeProxy();

async function send(request: string): Promise<{ response: RawResponse; seen: (typeof edge.upstream.seen)[number] | undefined }> {
  const before = edge.upstream.seen.length;
  const exchange = await rawExchange(edge.port, request, { responses: 1 });
  const response = finals(exchange)[0];
  assert.ok(response, exchange.raw);
  const seen = edge.upstream.seen.slice(before);
  assert.ok(seen.length <= 1);
  return { response, seen: seen[0] };
}

const CREDENTIALS = "Cookie: session=abc\r\nAuthorization: Bearer tok\r\n";

describe("TRACE", () => {
  it("is refused with 405 on paths that do not list it, with or without credentials, body or absolute-form", async () => {
    for (const request of [
      `TRACE /anything HTTP/1.1\r\nHost: a\r\n${CREDENTIALS}\r\n`,
      `TRACE / HTTP/1.1\r\nHost: a\r\n\r\n`,
      `TRACE http://a/admin/x HTTP/1.1\r\nHost: a\r\n${CREDENTIALS}\r\n`,
      `TRACE /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody`,
      `TRACE /anything HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n`,
    ]) {
      const { response, seen } = await send(request);
      assert.equal(response.status, 405, request);
      assert.equal(seen, undefined, `${request} reached the upstream`);
      const allow = header(response, "allow") ?? "";
      assert.match(allow, /GET/);
      assert.doesNotMatch(allow, /TRACE/);
      assert.doesNotMatch(response.body.toString(), /session=abc|Bearer/);
    }
  });

  it("on a path that lists it, is forwarded without Cookie, Authorization or a body; Max-Forwards is decremented", async () => {
    const { response, seen } = await send(`TRACE /trace/x HTTP/1.1\r\nHost: a\r\n${CREDENTIALS}Max-Forwards: 3\r\nx-keep: 1\r\n\r\n`);
    assert.equal(response.status, 200);
    assert.equal(seen?.method, "TRACE");
    assert.equal(seen?.headers.cookie, undefined);
    assert.equal(seen?.headers.authorization, undefined);
    assert.equal(seen?.headers["max-forwards"], "2");
    assert.equal(seen?.headers["x-keep"], "1");
    const withBody = await send("TRACE /trace/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody");
    assert.equal(withBody.response.status, 400);
    assert.equal(withBody.seen, undefined);
  });

  it("with Max-Forwards: 0, nylon answers it itself: the request echoed as message/http, credentials left out", async () => {
    for (const maxForwards of ["Max-Forwards: 0", "max-forwards: 0", "MAX-FORWARDS: 00"]) {
      const { response, seen } = await send(`TRACE /trace/x?q=1 HTTP/1.1\r\nHost: a\r\n${CREDENTIALS}${maxForwards}\r\nX-Probe: 42\r\n\r\n`);
      assert.equal(response.status, 200, maxForwards);
      assert.equal(seen, undefined, `${maxForwards}: forwarded`);
      assert.equal(header(response, "content-type"), "message/http");
      const echo = response.body.toString();
      assert.match(echo, /^TRACE \/trace\/x\?q=1 HTTP\/1\.1\r\n/);
      assert.match(echo, /X-Probe: 42/);
      assert.doesNotMatch(echo, /session=abc|Bearer|Cookie|Authorization/i);
    }
  });
});

describe("OPTIONS and Max-Forwards", () => {
  it("Max-Forwards: 0 makes nylon answer with the path's methods; 1 is forwarded as 0", async () => {
    const final = await send("OPTIONS /api/x HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n");
    assert.equal(final.response.status, 200);
    assert.equal(final.seen, undefined);
    assert.equal(header(final.response, "allow"), "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
    const traced = await send("OPTIONS /trace/x HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n");
    // /trace/{*p} lists TRACE, GET, OPTIONS; the catch-all takes the other methods (not TRACE).
    assert.equal(header(traced.response, "allow"), "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE");
    const forwarded = await send("OPTIONS /api/x HTTP/1.1\r\nHost: a\r\nMax-Forwards: 1\r\n\r\n");
    assert.equal(forwarded.seen?.headers["max-forwards"], "0");
    const plain = await send("OPTIONS /api/x HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(plain.seen?.method, "OPTIONS");
    assert.equal(plain.seen?.headers["max-forwards"], undefined);
  });

  it("other methods forward Max-Forwards unchanged", async () => {
    const { seen } = await send("GET /api/x HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n");
    assert.equal(seen?.headers["max-forwards"], "0");
  });

  it("OPTIONS * is answered by nylon with the methods it routes; * is refused for other methods", async () => {
    for (const request of ["OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "OPTIONS * HTTP/1.1\r\nHost: unknown.example\r\nMax-Forwards: 5\r\n\r\n"]) {
      const { response, seen } = await send(request);
      assert.equal(response.status, 200, request);
      assert.equal(header(response, "allow"), "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
      assert.equal(header(response, "content-length"), "0");
      assert.equal(seen, undefined);
    }
    const exchange = await rawExchange(edge.port, "GET * HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(finals(exchange)[0]?.status, 400);
  });
});

describe("CONNECT", () => {
  it("is answered 405 and the connection closed; nothing is tunnelled", async () => {
    for (const request of ["CONNECT upstream.example:443 HTTP/1.1\r\nHost: upstream.example:443\r\n\r\n", `CONNECT 127.0.0.1:${edge.upstream.port} HTTP/1.1\r\nHost: a\r\n\r\n`]) {
      const before = edge.upstream.seen.length;
      const exchange = await rawExchange(edge.port, request);
      const response = finals(exchange)[0];
      assert.equal(response?.status, 405, exchange.raw);
      assert.ok(header(response!, "allow"));
      assert.ok(exchange.closed);
      assert.equal(edge.upstream.seen.length, before);
    }
  });
});
