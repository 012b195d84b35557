// No answer carries the deprecated Keep-Alive header (an HTTP/1.0 extension, RFC 9112 appendix C.2.2;
// Node adds it by default), on any listener or route, while connections persist exactly as before:
// HTTP/1.1 without a Connection header, "Connection: close" when the server will close, and
// "Connection: keep-alive" for an HTTP/1.0 client that asked for it. Real nylon, raw sockets.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeNylon } from "./edge-nylon.js";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { freePort, type NylonProcess } from "../support/nylon-process.js";
import { RawHttpConnection, type RawAnswer } from "../support/raw-http.js";

let dir: string;
let upstream: TestUpstream;
let nylon: NylonProcess;
let metricsPort: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nylon-persist-"));
  writeFileSync(join(dir, "a.txt"), "static body");
  // An upstream that says keep-alive the HTTP/1.0 way: none of it may reach the client.
  upstream = await startUpstream((_req, res) => {
    res.setHeader("Keep-Alive", "timeout=5, max=100");
    res.end("upstream body");
  });
  metricsPort = await freePort();
  nylon = await startEdgeNylon({ root: dir, upstreamPort: upstream.port, metricsPort });
});

after(async () => {
  assert.equal(await nylon.stop(), 0, nylon.logs());
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function assertNoKeepAliveHeader(answer: RawAnswer, what: string): void {
  assert.equal(answer.header("keep-alive"), undefined, `${what}: ${JSON.stringify(answer.rawHeaders)}`);
}

const request = (path: string, extra = "", version = "1.1") => `GET ${path} HTTP/${version}\r\nHost: t\r\n${extra}\r\n`;

describe("HTTP/1.1: persistence without Connection or Keep-Alive headers", () => {
  for (const [what, path, body] of [
    ["a static file", "/static/a.txt", "static body"],
    ["a proxied answer", "/app/x", "upstream body"],
    ["a 404", "/nowhere", undefined],
  ] as const) {
    it(`${what}: no Keep-Alive, no Connection, and the connection serves the next request`, async () => {
      const connection = await RawHttpConnection.open(nylon.port);
      try {
        for (let i = 0; i < 3; i++) {
          const answer = await connection.request(request(path));
          assertNoKeepAliveHeader(answer, what);
          assert.equal(answer.header("connection"), undefined, what);
          if (body !== undefined) assert.equal(answer.body.toString(), body);
        }
        assert.equal(await connection.closesWithin(200), false, "the connection stays open");
      } finally {
        connection.destroy();
      }
    });
  }

  it("pipelined requests are all answered, none with Keep-Alive", async () => {
    const connection = await RawHttpConnection.open(nylon.port);
    try {
      connection.write(request("/static/a.txt") + request("/app/y") + request("/static/a.txt", "If-None-Match: *\r\n"));
      const answers = [await connection.next(), await connection.next(), await connection.next()];
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 304]);
      for (const answer of answers) assertNoKeepAliveHeader(answer, `pipelined ${answer.status}`);
    } finally {
      connection.destroy();
    }
  });

  it("a HEAD, and the metrics listener's /health, carry no Keep-Alive either", async () => {
    const connection = await RawHttpConnection.open(nylon.port);
    const metrics = await RawHttpConnection.open(metricsPort);
    try {
      assertNoKeepAliveHeader(await connection.request("HEAD /static/a.txt HTTP/1.1\r\nHost: t\r\n\r\n", { bodyless: true }), "HEAD");
      const health = await metrics.request(request("/health"));
      assert.equal(health.status, 200);
      assertNoKeepAliveHeader(health, "/health");
    } finally {
      connection.destroy();
      metrics.destroy();
    }
  });

  for (const spelling of ["close", "Close", "CLOSE", "x-foo, close"]) {
    it(`"Connection: ${spelling}" from the client: "Connection: close" back, and the server closes`, async () => {
      const connection = await RawHttpConnection.open(nylon.port);
      try {
        const answer = await connection.request(request("/static/a.txt", `Connection: ${spelling}\r\n`));
        assert.equal(answer.header("connection"), "close");
        assertNoKeepAliveHeader(answer, spelling);
        await connection.closed;
      } finally {
        connection.destroy();
      }
    });
  }
});

describe("HTTP/1.0", () => {
  it("without keep-alive: Connection: close, and closed after the answer", async () => {
    const connection = await RawHttpConnection.open(nylon.port);
    try {
      const answer = await connection.request(request("/static/a.txt", "", "1.0"));
      assert.equal(answer.header("connection"), "close");
      assertNoKeepAliveHeader(answer, "1.0");
      await connection.closed;
    } finally {
      connection.destroy();
    }
  });

  for (const path of ["/static/a.txt", "/app/z"]) {
    it(`with Connection: keep-alive (${path}): "Connection: keep-alive" and no Keep-Alive header; the connection persists`, async () => {
      const connection = await RawHttpConnection.open(nylon.port);
      try {
        for (let i = 0; i < 2; i++) {
          const answer = await connection.request(request(path, "Connection: keep-alive\r\n", "1.0"));
          assert.equal(answer.status, 200);
          assert.equal(answer.header("connection"), "keep-alive");
          assertNoKeepAliveHeader(answer, `1.0 keep-alive ${path}`);
        }
        assert.equal(await connection.closesWithin(200), false);
      } finally {
        connection.destroy();
      }
    });
  }
});
