// Framing that must be refused (RFC 9112 §3.2, §6.1, §6.3): nothing of it reaches the upstream, and
// the connection closes after the answer, since where the next request starts is unreliable.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useEdgeProxy } from "../support/edge-proxy.js";
import { finals, header, rawExchange } from "../support/raw-http.js";

const edge = useEdgeProxy();

/** Sends `request` (twice pipelined when `pipelined`), expects `status` then a close, and no upstream request. */
async function refused(request: string, status: number, pipelined = false): Promise<void> {
  const before = edge.upstream.seen.length;
  const exchange = await rawExchange(edge.port, pipelined ? request + "GET /api/after HTTP/1.1\r\nHost: a\r\n\r\n" : request);
  const answers = finals(exchange);
  assert.equal(answers[0]?.status, status, `${JSON.stringify(request.slice(0, 120))}: ${exchange.raw.slice(0, 400)}`);
  assert.equal(answers.length, 1, `${JSON.stringify(request.slice(0, 120))}: the connection went on after the refusal`);
  assert.equal(header(answers[0]!, "connection"), "close");
  assert.ok(exchange.closed);
  assert.equal(edge.upstream.seen.length, before, `${JSON.stringify(request.slice(0, 120))} reached the upstream`);
}

describe("framing nylon refuses", () => {
  it("HTTP/1.0 with Transfer-Encoding: 400, and the connection closes", async () => {
    for (const te of ["Transfer-Encoding: chunked", "transfer-encoding: CHUNKED", "Transfer-Encoding: gzip, chunked"]) {
      for (const pipelined of [false, true]) await refused(`POST /api/x HTTP/1.0\r\nHost: a\r\n${te}\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, 400, pipelined);
    }
  });

  it("a transfer coding other than one final chunked: 501 (400 for chunked twice)", async () => {
    const cases: [string, number][] = [
      ["Transfer-Encoding: gzip, chunked", 501],
      ["Transfer-Encoding: identity, chunked", 501],
      ["transfer-encoding: GZIP, Chunked", 501],
      ["Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked", 501],
      ["Transfer-Encoding: x-custom ,chunked", 501],
      ["Transfer-Encoding: chunked, chunked", 400],
      ["Transfer-Encoding: chunked, gzip", 400],
    ];
    for (const [te, status] of cases) {
      for (const pipelined of [false, true]) await refused(`POST /api/x HTTP/1.1\r\nHost: a\r\n${te}\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, status, pipelined);
    }
  });

  it("more than 1000 header lines: 431, with or without a body; exactly 1000 pass whole", async () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `x-h${i}: v\r\n`).join("");
    await refused(`POST /api/x HTTP/1.1\r\nHost: a\r\n${lines(1000)}Content-Length: 3\r\n\r\nabc`, 431);
    await refused(`GET /api/x HTTP/1.1\r\nHost: a\r\n${lines(1001)}\r\n`, 431);
    await refused(`GET /api/x HTTP/1.1\r\n${lines(1000)}Host: a\r\n\r\n`, 431, true);
    const before = edge.upstream.seen.length;
    const exchange = await rawExchange(edge.port, `POST /api/x HTTP/1.1\r\nHost: a\r\n${lines(997)}Content-Length: 3\r\nx-last: 1\r\n\r\nabc`, { responses: 1 });
    assert.equal(finals(exchange)[0]?.status, 200);
    const seen = edge.upstream.seen[before]!;
    assert.equal(seen.body.toString(), "abc");
    assert.equal(seen.headers["x-last"], "1");
  });

  it("two Host headers, an HTTP/1.1 request without Host, or a Host that is not host[:port]: 400", async () => {
    for (const hosts of ["Host: a\r\nHost: a", "Host: a\r\nhost: b", "HOST: a\r\nHost: other.example", "Host: \r\nHost: a"]) {
      for (const pipelined of [false, true]) await refused(`GET /api/x HTTP/1.1\r\n${hosts}\r\n\r\n`, 400, pipelined);
    }
    await refused("GET /api/x HTTP/1.1\r\nx-no-host: 1\r\n\r\n", 400);
    for (const host of ["[::1", "a b", "a:b:c", "[::1]x", "a/b", "a@b", "a\\b"]) await refused(`GET /api/x HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400);
  });

  it("HTTP/1.0 without Host is served (Host is optional there)", async () => {
    const exchange = await rawExchange(edge.port, "GET /api/ten HTTP/1.0\r\n\r\n");
    assert.equal(finals(exchange)[0]?.status, 200);
  });

  it("a request line without an HTTP version: 400; a version other than 1.x: 505", async () => {
    for (const line of ["GET /admin/panel", "GET /api/x", "GET http://a/admin/panel"]) {
      await refused(`${line}\r\nHost: a\r\n\r\n`, 400);
      await refused(`${line}\r\n\r\n`, 400);
    }
    await refused("GET /api/x HTTP/2.0\r\nHost: a\r\n\r\n", 505);
  });
});
