import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { waitForLog } from "../ops/ops-support.js";
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
    assert.equal(await refusal(wsUrl(proxy)), "NYLON_E_UPSTREAM");
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
    assert.equal(await refusal(wsUrl(proxy)), "NYLON_E_UPSTREAM");
    for (const endpoint of proxy.pools.get("s")!.endpoints) assert.equal(endpoint.health.isHealthy(), false, endpoint.id);
  });

  it("does not retry once the connection was established: the upgrade may have reached the upstream", async () => {
    const { upstream, seen } = await echoUpstream();
    const dropper = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, "127.0.0.1", resolve));
    open.push({ close: () => new Promise<void>((resolve) => dropper.close(() => resolve())) });
    const proxy = await proxyToPorts([(dropper.address() as AddressInfo).port, upstream.port]);
    assert.equal(await refusal(wsUrl(proxy)), "NYLON_E_UPSTREAM");
    assert.equal(seen.length, 0, "the second endpoint never saw the upgrade");
  });
});

function wsUrl(proxy: ProxyHarness): string {
  return `ws://127.0.0.1:${proxy.port}/ws/x`;
}

/** Opens a WebSocket that must be refused with `status`; the error code of the JSON body. */
async function refusal(url: string, status = 502): Promise<string> {
  const client = new WebSocket(url);
  client.on("error", () => {});
  client.once("upgrade", () => client.terminate());
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    client.once("unexpected-response", (_request, res: IncomingMessage) => resolve(res));
    client.once("upgrade", () => reject(new assert.AssertionError({ message: `the upgrade went through instead of a ${status}` })));
  });
  assert.equal(response.statusCode, status);
  let body = "";
  for await (const chunk of response) body += String(chunk);
  return (JSON.parse(body) as { error: string }).error;
}

describe("WebSocket tunnel connect timeout (a real nylon)", () => {
  const CONNECT_TIMEOUT_MS = 300;
  let nylon: NylonProcess;
  let hanging: { port: number; close(): Promise<void> };
  let refusedPort: number;
  let echo: Awaited<ReturnType<typeof echoUpstream>>;

  before(async () => {
    hanging = await hangingEndpoint();
    open.push(hanging);
    refusedPort = await closedPort();
    echo = await echoUpstream();
    // Round robin tries each service's endpoints in the order listed; each path has its own service,
    // so the passive health of one test's endpoints does not decide another's.
    const service = (name: string, ports: number[]) =>
      `  - name: ${name}\n    service_type: http\n    connect_timeout_ms: ${CONNECT_TIMEOUT_MS}\n    timeout_ms: 10000\n` +
      `    endpoints: [${ports.map((port) => `{ ip: 127.0.0.1, port: ${port} }`).join(", ")}]\n`;
    nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
services:
${service("hang-then-up", [hanging.port, echo.upstream.port])}${service("hang", [hanging.port])}${service("refused-then-hang", [refusedPort, hanging.port])}${service("hang-then-refused", [hanging.port, refusedPort])}
routes:
  - name: r
    route: { type: host, value: "*" }
    paths:
      - { path: /hang-then-up, service: { name: hang-then-up } }
      - { path: /hang, service: { name: hang } }
      - { path: /refused-then-hang, service: { name: refused-then-hang } }
      - { path: /hang-then-refused, service: { name: hang-then-refused } }
`);
    open.push({ close: async () => void (await nylon.stop()) });
  });

  it("gives up a connect that hangs after connect_timeout_ms, counts it against the endpoint and opens the tunnel on the next", async () => {
    const started = Date.now();
    const client = new WebSocket(`${nylon.wsUrl}/hang-then-up`);
    const inbox = messages(client);
    const [upgrade] = (await once(client, "upgrade")) as [IncomingMessage];
    const took = Date.now() - started;
    assert.equal(upgrade.statusCode, 101);
    assert.ok(took >= CONNECT_TIMEOUT_MS - 50 && took < 2000, `the upgrade took ${took} ms`);
    assert.equal(String((await inbox.next()).data), "hello from upstream");
    await waitForLog(nylon, new RegExp(`"service":"hang-then-up","endpoint":"127.0.0.1:${hanging.port}","healthy":false`), 2000);
    client.close();
    await once(client, "close");
  });

  it("answers 504 NYLON_E_UPSTREAM_TIMEOUT after connect_timeout_ms, not timeout_ms, when the only endpoint hangs", async () => {
    const started = Date.now();
    assert.equal(await refusal(`${nylon.wsUrl}/hang`, 504), "NYLON_E_UPSTREAM_TIMEOUT");
    const took = Date.now() - started;
    assert.ok(took >= CONNECT_TIMEOUT_MS - 50 && took < 2000, `the 504 took ${took} ms (timeout_ms is 10000)`);
  });

  it("once every endpoint failed, answers the last failure: 504 after a connect timeout, 502 after a refusal", async () => {
    assert.equal(await refusal(`${nylon.wsUrl}/refused-then-hang`, 504), "NYLON_E_UPSTREAM_TIMEOUT");
    assert.equal(await refusal(`${nylon.wsUrl}/hang-then-refused`, 502), "NYLON_E_UPSTREAM");
  });
});

/**
 * A loopback port whose connects hang: the SYN is never answered, as with a firewalled upstream.
 * A non-routable address such as 10.255.255.1 does that on most Linux hosts, but not in every sandbox
 * (this one answered it at once), so: a listener in a child process that never accepts - its event
 * loop is blocked in Atomics.wait right after listen() - whose accept queue (backlog 1) is filled
 * here. Linux then drops further SYNs (with the default net.ipv4.tcp_abort_on_overflow=0), so a
 * connect stays in SYN_SENT until its caller gives up. Checked below before it is used.
 */
async function hangingEndpoint(): Promise<{ port: number; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const server = require("node:net").createServer();
       server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
         process.stdout.write(server.address().port + "\\n");
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
       });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const port = Number(String(line).trim());
  const fillers: Socket[] = [];
  const close = async (): Promise<void> => {
    for (const socket of fillers) socket.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  };
  // Connect until one does not complete: the queue is full from then on.
  for (let i = 0; i < 10; i++) {
    const socket = connect(port, "127.0.0.1");
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once("connect", () => (clearTimeout(timer), resolve(true)));
      socket.once("error", () => (clearTimeout(timer), resolve(false)));
    });
    if (!connected && !socket.destroyed) return { port, close };
    if (!connected) break;
  }
  await close();
  throw new Error(`could not make port ${port} hang: its connects were answered or refused`);
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
