// Every answer is access-logged once, with the status the client saw: answers nylon gives on the
// raw socket to bytes that never parsed, refusals before routing, CONNECT, and a request whose
// chunked body broke after it was already being forwarded (the client saw 400, not a 502).
import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { waitForLog } from "../ops/ops-support.js";
import { accessLines, useEdgeProxy } from "../support/edge-proxy.js";
import { finals, rawExchange } from "../support/raw-http.js";

const edge = useEdgeProxy({ extraYaml: "request_header_timeout_ms: 1000" });

let markers = 0;

/**
 * Sends a request of its own and waits for its access line: every line written before it is then
 * in the log (one process writes them in order), so counting lines after it is exact.
 */
async function settled(): Promise<Record<string, unknown>[]> {
  const path = `/api/marker-${++markers}`;
  await rawExchange(edge.port, `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`, { responses: 1 });
  await waitForLog(edge.nylon, new RegExp(`"path":"${path}"`));
  return accessLines(edge.nylon);
}

function statusesOf(lines: Record<string, unknown>[], path: string): unknown[] {
  return lines.filter((l) => l["path"] === path).map((l) => l["status"]);
}

describe("access log", () => {
  it("logs each answer nylon or the upstream gave once, with its status", async () => {
    const cases: [string, string, number][] = [
      ["GET /api/log-200 HTTP/1.1\r\nHost: a\r\n\r\n", "/api/log-200", 200],
      ["GET /nothing-log HTTP/1.1\r\nHost: api.example\r\n\r\n", "/nothing-log", 404],
      ["GET /api/log%zz HTTP/1.1\r\nHost: a\r\n\r\n", "/api/log%zz", 400],
      ["GET /api/log-host HTTP/1.1\r\nHost: [::1\r\n\r\n", "/api/log-host", 400],
      ["GET /api/log-hosts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "/api/log-hosts", 400],
      ["POST /api/log-501 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "/api/log-501", 501],
      ["GET /api/log-505 HTTP/2.0\r\nHost: a\r\n\r\n", "/api/log-505", 505],
      ["TRACE /api/log-405 HTTP/1.1\r\nHost: a\r\n\r\n", "/api/log-405", 405],
      ["OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "*", 200],
      ["POST /nothing-expect HTTP/1.1\r\nHost: api.example\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n", "/nothing-expect", 404],
      ["CONNECT log.example:443 HTTP/1.1\r\nHost: log.example:443\r\n\r\n", "log.example:443", 405],
    ];
    for (const [request] of cases) await rawExchange(edge.port, request, { responses: 1 });
    const lines = await settled();
    for (const [request, path, status] of cases) assert.deepEqual(statusesOf(lines, path), [status], request);
  });

  it("logs bytes Node's parser refused, and header timeouts, once each with the status sent and the parser's code", async () => {
    const before = accessLines(edge.nylon).filter((l) => l["method"] === "-").length;
    const sent: [string, number, string][] = [
      ["BROKEN LINE\r\n\r\n", 400, "HPE_INVALID_METHOD"],
      [`GET /api/x HTTP/1.1\r\nHost: a\r\nX-Big: ${"x".repeat(20_000)}\r\n\r\n`, 431, "HPE_HEADER_OVERFLOW"],
      ["GET /api/x HTTP/1.1\r\nHost: a\r\n", 408, "ERR_HTTP_REQUEST_TIMEOUT"],
    ];
    for (const [bytes, status] of sent) assert.deepEqual(finals(await rawExchange(edge.port, bytes)).map((r) => r.status), [status]);
    const lines = (await settled()).filter((l) => l["method"] === "-").slice(before);
    assert.deepEqual(
      lines.map((l) => [l["status"], l["error"], l["route"], l["client"]]),
      sent.map(([, status, code]) => [status, code, "", "127.0.0.1"]),
    );
  });

  it("a pipelined good request and the junk after it: two lines, 200 then 400", async () => {
    const before = accessLines(edge.nylon).length;
    await rawExchange(edge.port, "GET /api/log-pipelined HTTP/1.1\r\nHost: a\r\n\r\nBROKEN LINE\r\n\r\n");
    const lines = (await settled()).slice(before).filter((l) => !String(l["path"]).startsWith("/api/marker-"));
    assert.deepEqual(lines.map((l) => [l["path"], l["status"]]), [["/api/log-pipelined", 200], ["-", 400]]);
  });

  it("a chunked body that breaks after forwarding began: the client gets 400, and the log says 400 once", async () => {
    const failures = () => edge.nylon.logs().split("\n").filter((line) => line.includes("upstream request failed")).length;
    const failuresBefore = failures();
    const arrived = once(edge.upstream.upstream.server, "request");
    const exchange = await rawExchange(edge.port, "", {
      onConnect: (socket) => {
        socket.write("POST /api/log-broken HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        void arrived.then(() => socket.write("ZZ\r\n"));
      },
    });
    assert.deepEqual(finals(exchange).map((r) => r.status), [400], exchange.raw);
    assert.ok(exchange.closed);
    assert.deepEqual(statusesOf(await settled(), "/api/log-broken"), [400]);
    assert.equal(failures(), failuresBefore, "the client's broken body is not logged as an upstream failure");
  });
});
