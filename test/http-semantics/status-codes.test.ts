// The status each failure at the edge gets: 431 for oversized headers, 408 for headers or a body
// that stop arriving, 400 for a broken Host (never an internal assertion), 502 bodies without the
// upstream's address unless the operator asks, long uploads not cut by timeout_ms, and
// Expect: 100-continue answered with the final status when nylon knows it without the body.
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { describe, it } from "node:test";
import { waitForLog } from "../ops/ops-support.js";
import { accessLines, useEdgeProxy } from "../support/edge-proxy.js";
import { finals, header, rawExchange } from "../support/raw-http.js";

// Short deadlines so the tests do not wait a minute; the upload test's gaps stay far below them.
const BODY_TIMEOUT_MS = 3000;
const edge = useEdgeProxy({
  extraYaml: `request_header_timeout_ms: 1000\nrequest_body_timeout_ms: ${BODY_TIMEOUT_MS}`,
  timeoutMs: 1000,
});
const exposing = useEdgeProxy({ extraYaml: "expose_upstream_address: true" });

describe("oversized headers", () => {
  it("answer 431 (request line or header fields), alone or pipelined after a good request", async () => {
    const big = "x".repeat(20_000);
    const cookies = `Cookie: c=${"y".repeat(1000)}\r\n`.repeat(20);
    for (const request of [`GET /api/x HTTP/1.1\r\nHost: a\r\nX-Big: ${big}\r\n\r\n`, `GET /api/${big} HTTP/1.1\r\nHost: a\r\n\r\n`, `GET /api/x HTTP/1.1\r\nHost: a\r\n${cookies}\r\n`]) {
      const alone = await rawExchange(edge.port, request);
      assert.deepEqual(finals(alone).map((r) => r.status), [431], alone.raw.slice(0, 300));
      assert.ok(alone.closed);
      const pipelined = await rawExchange(edge.port, "GET /api/first HTTP/1.1\r\nHost: a\r\n\r\n" + request);
      assert.deepEqual(finals(pipelined).map((r) => r.status), [200, 431]);
    }
  });
});

describe("timeouts", () => {
  it("headers that stop arriving get 408 (request_header_timeout_ms), and the connection closes", async () => {
    for (const partial of ["GET /api/slow HTTP/1.1\r\nHost: a\r\n", "GET /api/sl", "G"]) {
      const exchange = await rawExchange(edge.port, partial);
      assert.deepEqual(finals(exchange).map((r) => r.status), [408], JSON.stringify(partial));
      assert.ok(exchange.closed);
    }
  });

  it("a connection that never sends a byte is closed without an answer", async () => {
    const exchange = await rawExchange(edge.port, "");
    assert.deepEqual(exchange.responses, []);
    assert.ok(exchange.closed);
  });

  it("an upload that keeps coming is not cut by timeout_ms, however long it takes", async () => {
    for (const chunked of [false, true]) {
      const payload = "abcdefghijklmnopqrst"; // one byte every 150 ms: ~3 s, three times timeout_ms
      const before = edge.upstream.seen.length;
      const exchange = await rawExchange(edge.port, "", {
        responses: 1,
        onConnect: (socket) => trickle(socket, payload, chunked),
      });
      assert.deepEqual(finals(exchange).map((r) => r.status), [200], exchange.raw);
      assert.equal(edge.upstream.seen[before]?.body.toString(), payload);
    }
  });

  it("an upload that stops gets 408 (request_body_timeout_ms), logged once as 408", async () => {
    const exchange = await rawExchange(edge.port, "POST /api/stalled HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    assert.deepEqual(finals(exchange).map((r) => r.status), [408], exchange.raw);
    assert.ok(exchange.closed);
    await waitForLog(edge.nylon, /"path":"\/api\/stalled"/);
    assert.deepEqual(accessLines(edge.nylon).filter((l) => l["path"] === "/api/stalled").map((l) => l["status"]), [408]);
  });

  it("an upstream that stops taking the body gets 504, not a 408 for the client", async () => {
    const exchange = await rawExchange(edge.port, "", {
      responses: 1,
      onConnect: (socket) => flood(socket, "POST /api/stall HTTP/1.1\r\nHost: a\r\nx-upstream-stall: 1\r\nContent-Length: 268435456\r\n\r\n"),
    });
    const [answer] = finals(exchange);
    assert.equal(answer?.status, 504, exchange.raw.slice(0, 300));
    assert.equal(header(answer!, "connection"), "close");
  });
});

describe("errors and their bodies", () => {
  it("Host: [::1 is a 400 from nylon, not a 502", async () => {
    for (const host of ["[::1", "[::1]:99999x", "[", "a]"]) {
      const exchange = await rawExchange(edge.port, `GET /api/x HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      const [answer] = finals(exchange);
      assert.equal(answer?.status, 400, host);
      assert.match(answer!.body.toString(), /NYLON_E_BAD_REQUEST/);
    }
  });

  it("a 502 names the service, not the endpoint's address; the log names the endpoint; expose_upstream_address puts it in the body", async () => {
    const exchange = await rawExchange(edge.port, "GET /dead/x HTTP/1.1\r\nHost: a\r\n\r\n", { responses: 1 });
    const [answer] = finals(exchange);
    assert.equal(answer?.status, 502);
    const body = answer!.body.toString();
    assert.match(body, /service dead/);
    assert.doesNotMatch(body, /127\.0\.0\.1|endpoint/);
    const line = await waitForLog(edge.nylon, /upstream request failed/);
    assert.match(line, /"endpoint":"127\.0\.0\.1:\d+"/);
    const shown = finals(await rawExchange(exposing.port, "GET /dead/x HTTP/1.1\r\nHost: a\r\n\r\n", { responses: 1 }))[0]!;
    assert.equal(shown.status, 502);
    assert.match(shown.body.toString(), /\(endpoint 127\.0\.0\.1:\d+\)/);
  });
});

describe("Expect: 100-continue", () => {
  it("gets the final status at once, without 100 Continue, when nylon knows it without the body", async () => {
    const cases: [string, number][] = [
      ["POST /nothing HTTP/1.1\r\nHost: api.example", 404],
      ["TRACE /api/x HTTP/1.1\r\nHost: a", 405],
      ["POST /api/x HTTP/1.1\r\nHost: a\r\nx: y\r\nHost: b", 400],
    ];
    for (const [head, status] of cases) {
      const before = edge.upstream.seen.length;
      const exchange = await rawExchange(edge.port, `${head}\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`);
      assert.deepEqual(exchange.responses.map((r) => r.status), [status], `${head}: ${exchange.raw}`);
      assert.ok(exchange.closed, "the body never came: the connection cannot go on");
      assert.equal(edge.upstream.seen.length, before);
    }
  });

  it("gets 100 Continue when nylon wants the body, then the upstream's answer", async () => {
    const before = edge.upstream.seen.length;
    const exchange = await rawExchange(edge.port, "", {
      responses: 1,
      onConnect: (socket) => {
        socket.write("POST /api/upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-Continue\r\n\r\n");
        socket.once("data", (chunk: Buffer) => {
          if (chunk.toString().startsWith("HTTP/1.1 100 Continue")) socket.write("hello");
        });
      },
    });
    assert.deepEqual(exchange.responses.map((r) => r.status), [100, 200], exchange.raw);
    assert.equal(edge.upstream.seen[before]?.body.toString(), "hello");
    assert.equal(edge.upstream.seen[before]?.headers.expect, undefined, "Expect is nylon's to answer, not forwarded");
  });

  it("an expectation other than 100-continue gets 417; HTTP/1.0 ignores Expect", async () => {
    const refused = await rawExchange(edge.port, "POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nExpect: 200-ok\r\n\r\n");
    assert.deepEqual(finals(refused).map((r) => r.status), [417]);
    const old = await rawExchange(edge.port, "POST /api/x HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nhi");
    assert.deepEqual(old.responses.map((r) => r.status), [200]);
  });
});

/** Writes the request's payload one byte at a time, a byte every 150 ms (the timer is the slow client). */
function trickle(socket: Socket, payload: string, chunked: boolean): void {
  socket.write(`POST /api/upload HTTP/1.1\r\nHost: a\r\n${chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${payload.length}`}\r\n\r\n`);
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    const byte = payload[sent++]!;
    socket.write(chunked ? `1\r\n${byte}\r\n` : byte);
    if (sent === payload.length) {
      clearInterval(timer);
      if (chunked) socket.write("0\r\n\r\n");
    }
  }, 150);
}

/** Writes `head` and then as much body as the connection takes, until an answer arrives. */
function flood(socket: Socket, head: string): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let answered = false;
  socket.once("data", () => (answered = true));
  socket.write(head);
  const pump = (): void => {
    while (!answered && !socket.destroyed && socket.write(chunk));
  };
  socket.on("drain", pump);
  pump();
}
