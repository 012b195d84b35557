import assert from "node:assert/strict";
import { once } from "node:events";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { startProxyHarness, type ProxyHarness } from "./proxy-harness.js";
import { closedPort, startUpstream } from "./test-upstream.js";

const open: { close(): Promise<void> }[] = [];
after(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** A proxy whose service "s" has one endpoint per port, in that order (round robin tries the first first). */
async function proxyToPorts(ports: number[], rewrite?: string): Promise<ProxyHarness> {
  const proxy = await startProxyHarness({
    routes: [{ name: "r", route: { type: "host", value: "*" }, paths: [{ path: "/ws/{*rest}", service: { name: "s", rewrite } }] }],
    services: [{ service_type: "http", name: "s", endpoints: ports.map((port) => ({ ip: "127.0.0.1", port })) }],
  });
  open.push(proxy);
  return proxy;
}

function proxyToPort(port: number, rewrite?: string): Promise<ProxyHarness> {
  return proxyToPorts([port], rewrite);
}

/** A `ws` echo upstream that also says hello first and records the upgrade request. */
async function echoUpstream() {
  const upstream = await startUpstream((_req, res) => res.writeHead(426).end());
  open.push(upstream);
  const wss = new WebSocketServer({ server: upstream.server });
  const seen: { headers: IncomingHttpHeaders; url: string }[] = [];
  const closes: number[] = [];
  wss.on("connection", (socket, req: IncomingMessage) => {
    seen.push({ headers: req.headers, url: req.url ?? "" });
    socket.send("hello from upstream");
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on("close", (code) => closes.push(code));
  });
  return { upstream, wss, seen, closes };
}

describe("WebSocket tunnel", () => {
  it("passes the 101 through and carries messages both ways; a client close reaches the upstream", async () => {
    const { upstream, seen, closes } = await echoUpstream();
    const proxy = await proxyToPort(upstream.port, "/socket");
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/ws/room?x=1`, ["chat"], { headers: { "x-forwarded-for": "198.51.100.7" } });
    const inbox = messages(client);
    const [upgrade] = (await once(client, "upgrade")) as [IncomingMessage];
    assert.equal(upgrade.statusCode, 101);
    assert.ok(upgrade.headers["sec-websocket-accept"]);
    assert.equal(upgrade.headers["sec-websocket-protocol"], "chat");
    assert.equal(String((await inbox.next()).data), "hello from upstream");

    client.send("ping text");
    assert.equal(String((await inbox.next()).data), "ping text");
    client.send(Buffer.from([1, 2, 3]));
    const binary = await inbox.next();
    assert.equal(binary.isBinary, true);
    assert.deepEqual([...(binary.data as Buffer)], [1, 2, 3]);

    assert.equal(seen[0]!.url, "/socket/room?x=1", "rewrite applies to the upgrade request");
    assert.equal(seen[0]!.headers["x-forwarded-for"], "198.51.100.7, 127.0.0.1");
    assert.equal(seen[0]!.headers["x-forwarded-proto"], "http");
    assert.equal(seen[0]!.headers["x-forwarded-host"], `127.0.0.1:${proxy.port}`);

    client.close(4001, "bye");
    const [code] = await once(client, "close");
    assert.equal(code, 4001);
    await waitFor(() => closes.includes(4001));
  });

  it("an upstream close reaches the client", async () => {
    const { upstream, wss } = await echoUpstream();
    const proxy = await proxyToPort(upstream.port);
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/ws/x`);
    await messages(client).next();
    for (const socket of wss.clients) socket.close(4002, "server says bye");
    const [code, reason] = await once(client, "close");
    assert.equal(code, 4002);
    assert.equal(String(reason), "server says bye");
  });

  it("relays an upstream's refusal of the upgrade", async () => {
    const upstream = await startUpstream((_req, res) => res.end());
    open.push(upstream);
    upstream.server.on("upgrade", (_req, socket) => {
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 4\r\nx-why: policy\r\n\r\nnope");
    });
    const proxy = await proxyToPort(upstream.port);
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/ws/x`);
    client.on("error", () => {});
    const [, response] = (await once(client, "unexpected-response")) as [unknown, IncomingMessage];
    assert.equal(response.statusCode, 403);
    assert.equal(response.headers["x-why"], "policy");
    let body = "";
    for await (const chunk of response) body += String(chunk);
    assert.equal(body, "nope");
  });

  it("answers 502 when the upstream is down", async () => {
    const proxy = await proxyToPort(await closedPort());
    assert.equal(await refusal(proxy), "NYLON_E_UPSTREAM");
  });

  it("tries the next endpoint when the connection to the first is refused", async () => {
    const { upstream, seen } = await echoUpstream();
    const proxy = await proxyToPorts([await closedPort(), upstream.port]);
    const [down, up] = proxy.pools.get("s")!.endpoints;
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/ws/x`);
    const inbox = messages(client);
    const [upgrade] = (await once(client, "upgrade")) as [IncomingMessage];
    assert.equal(upgrade.statusCode, 101);
    assert.equal(String((await inbox.next()).data), "hello from upstream");
    client.send("through the second");
    assert.equal(String((await inbox.next()).data), "through the second");
    assert.equal(seen.length, 1);
    assert.equal(down!.health.isHealthy(), false, "the refused endpoint was tried first and counted as failed");
    assert.equal(up!.health.isHealthy(), true);
    client.close();
    await once(client, "close");
  });

  it("answers 502 once every endpoint refused, each tried once", async () => {
    const proxy = await proxyToPorts([await closedPort(), await closedPort()]);
    assert.equal(await refusal(proxy), "NYLON_E_UPSTREAM");
    for (const endpoint of proxy.pools.get("s")!.endpoints) assert.equal(endpoint.health.isHealthy(), false, endpoint.id);
  });

  it("does not retry once the connection was established: the upgrade may have reached the upstream", async () => {
    const { upstream, seen } = await echoUpstream();
    const dropper = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, "127.0.0.1", resolve));
    open.push({ close: () => new Promise<void>((resolve) => dropper.close(() => resolve())) });
    const proxy = await proxyToPorts([(dropper.address() as AddressInfo).port, upstream.port]);
    assert.equal(await refusal(proxy), "NYLON_E_UPSTREAM");
    assert.equal(seen.length, 0, "the second endpoint never saw the upgrade");
  });
});

/** Opens a WebSocket through the proxy that must be refused with 502; the error code of the JSON body. */
async function refusal(proxy: ProxyHarness): Promise<string> {
  const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/ws/x`);
  client.on("error", () => {});
  client.once("upgrade", () => client.terminate());
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    client.once("unexpected-response", (_request, res: IncomingMessage) => resolve(res));
    client.once("upgrade", () => reject(new assert.AssertionError({ message: "the upgrade went through instead of a 502" })));
  });
  assert.equal(response.statusCode, 502);
  let body = "";
  for await (const chunk of response) body += String(chunk);
  return (JSON.parse(body) as { error: string }).error;
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Messages in arrival order; listening from the start, since a frame can arrive with the 101. */
function messages(client: WebSocket) {
  const queue: { data: unknown; isBinary: boolean }[] = [];
  const waiting: ((m: { data: unknown; isBinary: boolean }) => void)[] = [];
  client.on("message", (data, isBinary) => {
    const message = { data, isBinary };
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return {
    next: () => new Promise<{ data: unknown; isBinary: boolean }>((resolve) => {
      const message = queue.shift();
      if (message) resolve(message);
      else waiting.push(resolve);
    }),
  };
}
