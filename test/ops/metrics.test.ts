// The metrics listener: counters move by exactly the traffic sent, upstream health is visible, labels
// never carry a connection or a room, /health answers 200 while serving.
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, test } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { freePort, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { closedPort, startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { delta, eventually, RecordingClient, refusedUpgrade, scrape, waitForLog } from "./ops-support.js";

let nylon: NylonProcess;
let upstream: TestUpstream;
/** A `ws` echo server on /tunnel; an upgrade to any other path gets its 400. */
let wsUpstream: TestUpstream;
let metricsUrl: string;

before(async () => {
  upstream = await startUpstream((_req, res) => res.end("upstream"));
  wsUpstream = await startUpstream((_req, res) => res.writeHead(426).end());
  new WebSocketServer({ server: wsUpstream.server, path: "/tunnel" }).on("connection", (socket) =>
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary })),
  );
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
log: { access_log: true }
plugins:
  - { name: chat, type: wasm, file: "{{ROOT}}/plugins/chat/chat.wasm" }
services:
  - { name: chat, service_type: plugin, plugin: { name: chat, entry: chat } }
  - { name: web, service_type: static, static: { root: "{{ROOT}}/web" } }
  - name: api
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: ${upstream.port} }, { ip: 127.0.0.1, port: ${await closedPort()} }]
    health_check: { path: /, interval: 100ms, timeout: 100ms, unhealthy_threshold: 1, healthy_threshold: 1 }
  - { name: ws, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${wsUpstream.port} }] }
  - { name: ws-dead, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${await closedPort()} }] }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /chat, service: { name: chat } }
      - { path: /, service: { name: web } }
      - { path: "/api/{*rest}", service: { name: api } }
      - { path: [/tunnel, /tunnel-refused], service: { name: ws } }
      - { path: /tunnel-dead, service: { name: ws-dead } }
      # A value with CR/LF (from the query) is refused by the modifier: the client gets that error's
      # answer instead of the service's (and the modifier is not run again on it).
      - path: /echo-query
        middleware: [{ plugin: ResponseHeaderModifier, payload: { set: [{ name: x-echo, value: "\${query(v)}" }] } }]
        service: { name: web }
`);
});

after(async () => {
  await nylon.stop();
  await upstream.close();
  await wsUpstream.close();
});

test("request counters and the latency histogram move by the requests sent, by route, method and status", async () => {
  const before = await scrape(metricsUrl);
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${nylon.url}/`)).status, 200);
  for (let i = 0; i < 2; i++) assert.equal((await fetch(`${nylon.url}/no-such-path`)).status, 404);
  const after = await scrape(metricsUrl);
  assert.equal(delta(before, after, 'nylon_http_requests_total{route="site",method="GET",status="200"}'), 3);
  assert.equal(delta(before, after, 'nylon_http_requests_total{route="",method="GET",status="404"}'), 2);
  assert.equal(delta(before, after, 'nylon_http_request_duration_seconds_count{route="site",method="GET"}'), 3);
  assert.equal(delta(before, after, 'nylon_http_request_duration_seconds_bucket{le="+Inf",route="site",method="GET"}'), 3);
  await waitForLog(nylon, /"access":"http","route":"site","method":"GET","path":"\/","status":200,"bytes":\d+,"ms":[\d.]+,"client":"127.0.0.1"/);
});

test("a header modifier that refuses a client-supplied value answers its error, counted once as a 500 of its route", async () => {
  const before = await scrape(metricsUrl);
  const response = await fetch(`${nylon.url}/echo-query?v=a%0Ab`);
  assert.equal(response.status, 500);
  assert.equal(((await response.json()) as { error: string }).error, "NYLON_E_INVALID_HEADER");
  assert.equal(response.headers.get("x-echo"), null, "the refused value is never written");
  const after = await scrape(metricsUrl);
  assert.equal(delta(before, after, 'nylon_http_requests_total{route="site",method="GET",status="500"}'), 1);
  assert.equal(delta(before, after, 'nylon_http_request_duration_seconds_count{route="site",method="GET"}'), 1);
  // Not also as the 404 the static service answered before the modifier refused the header.
  assert.equal(delta(before, after, 'nylon_http_requests_total{route="site",method="GET",status="404"}'), 0);
  // A value without CR/LF is set as usual.
  assert.equal((await fetch(`${nylon.url}/echo-query?v=fine`)).headers.get("x-echo"), "fine");
});

test("a WebSocket tunnel to an http upstream: the gauge follows it, upgrades are counted by outcome", async () => {
  const before = await scrape(metricsUrl);
  // Every configured http service has its series, at 0 while no tunnel is open.
  assert.equal(before.get('nylon_websocket_tunnels{service="ws"}'), 0);
  assert.equal(before.get('nylon_websocket_tunnels{service="ws-dead"}'), 0);
  const client = new WebSocket(`${nylon.wsUrl}/tunnel`);
  await once(client, "open");
  client.send("through the tunnel");
  const [echo] = (await once(client, "message")) as [Buffer];
  assert.equal(String(echo), "through the tunnel");
  const during = await scrape(metricsUrl);
  assert.equal(during.get('nylon_websocket_tunnels{service="ws"}'), 1);
  assert.equal(delta(before, during, 'nylon_websocket_tunnel_upgrades_total{service="ws",outcome="opened"}'), 1);
  // The upgrade request counts once, with the 101 it was answered, like an accepted plugin WebSocket.
  assert.equal(delta(before, during, 'nylon_http_requests_total{route="site",method="GET",status="101"}'), 1);

  client.close();
  await once(client, "close");
  await eventually(async () => assert.equal((await scrape(metricsUrl)).get('nylon_websocket_tunnels{service="ws"}'), 0));

  assert.equal(await refusedUpgrade(`${nylon.wsUrl}/tunnel-dead`), 502); // nothing listens: failed
  assert.equal(await refusedUpgrade(`${nylon.wsUrl}/tunnel-refused`), 400); // the upstream said no: refused
  const after = await scrape(metricsUrl);
  assert.equal(delta(before, after, 'nylon_websocket_tunnel_upgrades_total{service="ws-dead",outcome="failed"}'), 1);
  assert.equal(delta(before, after, 'nylon_websocket_tunnel_upgrades_total{service="ws",outcome="refused"}'), 1);
  assert.equal(delta(before, after, 'nylon_websocket_tunnel_upgrades_total{service="ws",outcome="opened"}'), 1);
  assert.equal(after.get('nylon_websocket_tunnels{service="ws-dead"}'), 0);
  assert.equal(delta(before, after, 'nylon_http_requests_total{route="site",method="GET",status="502"}'), 1);
  assert.equal(delta(before, after, 'nylon_http_requests_total{route="site",method="GET",status="400"}'), 1);
});

interface TunnelLine {
  access: string;
  route: string;
  service: string;
  path: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  ms: number;
  client: string;
  msg: string;
}

/** The first tunnel access line for `path` written after log offset `from`, parsed. */
async function tunnelLine(path: string, from: number): Promise<TunnelLine> {
  return JSON.parse(await waitForLog(nylon, new RegExp(`"access":"tunnel",.*"path":"${path}"`), 5_000, from)) as TunnelLine;
}

test("access log: a tunnelled WebSocket session writes one line when it closes, with 101, bytes each way and its duration", async () => {
  const from = nylon.logs().length;
  const client = new WebSocket(`${nylon.wsUrl}/tunnel?room=1`);
  await once(client, "open");
  client.send("through the tunnel");
  const [echo] = (await once(client, "message")) as [Buffer];
  assert.equal(String(echo), "through the tunnel");
  await new Promise((r) => setTimeout(r, 200));
  assert.doesNotMatch(nylon.logs().slice(from), /"access":"tunnel"/, "no line while the tunnel is open");
  client.close();
  await once(client, "close");

  const line = await tunnelLine("/tunnel", from);
  assert.deepEqual(
    { access: line.access, route: line.route, service: line.service, path: line.path, status: line.status, client: line.client, msg: line.msg },
    { access: "tunnel", route: "site", service: "ws", path: "/tunnel", status: 101, client: "127.0.0.1", msg: "tunnel session" },
  );
  // At least the message frames: 18 bytes of payload, masked from the client (+6), not from the upstream (+2).
  assert.ok(line.bytes_in >= 24, `bytes_in ${line.bytes_in}`);
  assert.ok(line.bytes_out >= 20, `bytes_out ${line.bytes_out}`);
  assert.ok(line.ms >= 200, `ms ${line.ms}: from the upgrade request to the close`);
  assert.equal(nylon.logs().slice(from).match(/"access":"tunnel"/g)?.length, 1, "one line per session");
});

test("access log: an upgrade that opens no tunnel writes its line at once, with the upstream's refusal or nylon's 502", async () => {
  const from = nylon.logs().length;
  assert.equal(await refusedUpgrade(`${nylon.wsUrl}/tunnel-refused`), 400);
  const refused = await tunnelLine("/tunnel-refused", from);
  assert.equal(refused.service, "ws");
  assert.equal(refused.status, 400);
  assert.equal(refused.bytes_in + refused.bytes_out, 0);

  assert.equal(await refusedUpgrade(`${nylon.wsUrl}/tunnel-dead`), 502);
  const failed = await tunnelLine("/tunnel-dead", from);
  assert.equal(failed.service, "ws-dead");
  assert.equal(failed.status, 502);
  assert.equal(failed.route, "site");
});

test("WebSocket gauges and counters follow a chat session; plugin callbacks are timed", async () => {
  const before = await scrape(metricsUrl);
  const alice = await RecordingClient.connect(`${nylon.wsUrl}/chat`);
  await alice.received(2); // its join notice, the welcome
  const bob = await RecordingClient.connect(`${nylon.wsUrl}/chat`);
  await bob.received(2);
  await alice.received(3); // bob's join notice
  alice.socket.send("hi");
  await alice.received(4);
  await bob.received(3);
  const during = await scrape(metricsUrl);
  assert.equal(delta(before, during, "nylon_websocket_connections"), 2);
  assert.equal(during.get("nylon_websocket_rooms"), 1);
  assert.equal(delta(before, during, "nylon_websocket_connections_opened_total"), 2);
  assert.equal(delta(before, during, "nylon_websocket_messages_received_total"), 1);
  // joins: 1 + 2 copies, the message: 2 copies; plus one welcome each.
  assert.equal(delta(before, during, "nylon_websocket_broadcast_deliveries_total"), 5);
  assert.equal(delta(before, during, "nylon_websocket_messages_sent_total"), 7);
  assert.ok(delta(before, during, 'nylon_plugin_callback_duration_seconds_count{plugin="chat"}') >= 5);
  for (const series of during.keys()) assert.doesNotMatch(series, /general|[0-9a-f]{8}-[0-9a-f]{4}-/, `a per-room or per-connection label: ${series}`);

  await bob.close();
  await alice.received(5); // "A user left the chat"
  await alice.close();
  // The server sees the close a moment after the client does.
  await eventually(async () => {
    const after = await scrape(metricsUrl);
    assert.equal(after.get("nylon_websocket_connections"), before.get("nylon_websocket_connections"));
    assert.equal(after.get("nylon_websocket_rooms"), 0);
  });
  await waitForLog(nylon, /"access":"websocket","route":"site","plugin":"chat","code":\d+,"bytes_in":\d+,"bytes_out":\d+/);
  // The upgrade request itself is logged with the status the handshake answered.
  assert.match(nylon.logs(), /"access":"http","route":"site","method":"GET","path":"\/chat","status":101,/);
  assert.doesNotMatch(nylon.logs(), /"path":"\/chat","status":200,/);
});

test("upstream endpoint health: the live endpoint is 1, the one nothing listens on drops to 0", async () => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await scrape(metricsUrl);
    const health = [...now].filter(([series]) => series.startsWith('nylon_upstream_endpoint_healthy{service="api"'));
    const live = health.find(([series]) => series.includes(`:${upstream.port}"`));
    const dead = health.find(([series]) => !series.includes(`:${upstream.port}"`));
    if (live?.[1] === 1 && dead?.[1] === 0) break;
    if (Date.now() > deadline) assert.fail(`endpoint health never settled: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test("/health answers 200 while serving; other paths on the metrics listener are 404", async () => {
  const health = await fetch(`${metricsUrl}/health`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), "ok\n");
  assert.equal((await fetch(`${metricsUrl}/other`)).status, 404);
  const metrics = await fetch(`${metricsUrl}/metrics`);
  assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain; version=0.0.4/);
});
