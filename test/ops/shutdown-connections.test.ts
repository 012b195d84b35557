// SIGTERM always ends within the grace period, whatever is still connected: each kind of connection
// that can outlive a request (a plugin WebSocket whose client never answers the close, a tunnel to an
// http upstream, one half-closed by its client, server-sent events from a plugin and from an upstream,
// a slow upload, an idle keep-alive connection) gets its own nylon process and its own test. Each
// checks that the connection was ended from nylon's side and that the process exited with 0.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import { after, before, test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { rawUpgrade } from "../../bench/support/raw-upgrade.js";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { RawHttpConnection } from "../support/raw-http.js";
import { RawClient } from "../websocket/raw-client.js";
import { waitForExit } from "./ops-support.js";

const GRACE_SECONDS = 1;
/** How long past the grace period the process may take to exit: generous, for a loaded machine; a hang is forever. */
const EXIT_SLACK_MS = 8_000;

let upstream: TestUpstream;
/** Requests the upstream has begun to receive, by path. */
const arrivals = new Map<string, () => void>();

function arrived(path: string): Promise<void> {
  return new Promise((resolve) => arrivals.set(path, resolve));
}

before(async () => {
  upstream = await startUpstream((req, res) => {
    arrivals.get(req.url!)?.();
    if (req.url === "/events") {
      // Server-sent events that never end.
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      const timer = setInterval(() => res.write("data: tick\n\n"), 100);
      res.on("close", () => clearInterval(timer));
    } else if (req.url === "/upload") {
      req.resume(); // reads whatever comes; answers only once the body is complete
      req.on("end", () => res.end("uploaded"));
    } else res.end("ok");
  });
  const echo = new WebSocketServer({ noServer: true });
  upstream.server.on("upgrade", (req, socket, head) => {
    if (req.url === "/half-open") {
      // Answers 101, then never ends its side: a peer that keeps a half-closed tunnel up. When the
      // client's FIN reaches it, it still writes, which shows the tunnel is up after the FIN.
      const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      socket.on("error", () => {});
      socket.on("end", () => socket.write("still here"));
      return;
    }
    echo.handleUpgrade(req, socket, head, (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
  });
});

after(async () => {
  await upstream.close();
});

async function shutdownNylon(): Promise<NylonProcess> {
  return startNylon(`
http: ["127.0.0.1:{{PORT}}"]
shutdown: { grace_period_seconds: ${GRACE_SECONDS} }
plugins:
  - { name: sem, type: wasm, file: "{{ROOT}}/test/plugins/ws-semantics/ws-semantics.wasm" }
  - { name: clock, type: wasm, file: "{{ROOT}}/plugins/sse-clock/sse-clock.wasm" }
services:
  - { name: sem, service_type: plugin, plugin: { name: sem, entry: semantics } }
  - { name: clock, service_type: plugin, plugin: { name: clock, entry: clock, payload: { interval_ms: 100, count: 100000 } } }
  - { name: app, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${upstream.port} }] }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /ws, service: { name: sem } }
      - { path: /clock, service: { name: clock } }
      - { path: "/{*rest}", service: { name: app } }
`);
}

/** SIGTERM, then the exit: 0, within the grace period and the slack. */
async function terminate(nylon: NylonProcess): Promise<void> {
  nylon.child.kill("SIGTERM");
  const code = await waitForExit(nylon, GRACE_SECONDS * 1000 + EXIT_SLACK_MS);
  assert.equal(code, 0, nylon.logs());
  assert.match(nylon.logs(), /"msg":"stopped"/);
}

/** Runs `body` against a fresh nylon and stops it whatever happens. */
async function withNylon(body: (nylon: NylonProcess) => Promise<void>): Promise<void> {
  const nylon = await shutdownNylon();
  try {
    await body(nylon);
  } finally {
    await nylon.stop(2_000);
  }
}

test("a plugin WebSocket whose client never answers the close frame: 1001 sent, then dropped at the grace period", async () => {
  await withNylon(async (nylon) => {
    const client = await RawClient.connect(`${nylon.wsUrl}/ws`);
    await terminate(nylon);
    assert.ok(await client.waitUntil((o) => o.some((e) => e.kind === "tcp-close"), 1_000), JSON.stringify(client.outcomes));
    const close = client.outcomes.find((e) => e.kind === "close");
    assert.ok(close && "code" in close && close.code === 1001, JSON.stringify(client.outcomes));
    client.destroy();
  });
});

test("a WebSocket tunnel to an http upstream is closed at the grace period", async () => {
  await withNylon(async (nylon) => {
    const client = new WebSocket(`${nylon.wsUrl}/tunnel`);
    await once(client, "open");
    client.send("through the tunnel");
    assert.equal(String((await once(client, "message"))[0]), "through the tunnel");
    const closed = once(client, "close");
    await terminate(nylon);
    await closed;
  });
});

test("a tunnel half-closed by its client, whose upstream never ends its side, is closed at the grace period", async () => {
  await withNylon(async (nylon) => {
    const { socket } = await rawUpgrade(`${nylon.wsUrl}/half-open`);
    socket.on("error", () => {});
    const closed = once(socket, "close");
    const stillHere = once(socket, "data");
    socket.end(); // FIN from the client; its read side stays open
    assert.equal(String((await stillHere)[0]), "still here");
    await terminate(nylon);
    await closed;
  });
});

/** Opens an event stream, checks its first event, and shows SIGTERM cuts it at the grace period. */
async function streamIsCut(nylon: NylonProcess, path: string, firstEvent: RegExp): Promise<void> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(`${nylon.url}${path}`, { agent: false }, resolve).on("error", reject);
  });
  assert.equal(response.statusCode, 200);
  assert.match(String((await once(response, "data"))[0]), firstEvent);
  const ended = new Promise<void>((resolve) => response.once("close", () => resolve()));
  response.on("error", () => {});
  response.resume();
  await terminate(nylon);
  await ended;
}

test("server-sent events from a plugin are cut at the grace period", async () => {
  await withNylon((nylon) => streamIsCut(nylon, "/clock", /^: connected/));
});

test("server-sent events from an upstream that never ends are cut at the grace period", async () => {
  await withNylon((nylon) => streamIsCut(nylon, "/events", /^data: first/));
});

test("a slow upload still in progress is cut at the grace period", async () => {
  await withNylon(async (nylon) => {
    const reachedUpstream = arrived("/upload");
    const socket = net.connect(nylon.port, "127.0.0.1");
    socket.on("error", () => {});
    await once(socket, "connect");
    socket.write("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(1000));
    await reachedUpstream;
    const trickle = setInterval(() => socket.write("x"), 50);
    const closed = once(socket, "close");
    try {
      await terminate(nylon);
      await closed;
    } finally {
      clearInterval(trickle);
    }
  });
});

test("an idle keep-alive connection is closed, and does not hold the exit", async () => {
  await withNylon(async (nylon) => {
    const connection = await RawHttpConnection.open(nylon.port);
    const answer = await connection.request("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n");
    assert.equal(answer.body.toString(), "ok");
    await terminate(nylon);
    await connection.closed;
    connection.destroy();
  });
});
