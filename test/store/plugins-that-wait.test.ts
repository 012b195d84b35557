// Plugins that wait, through real `nylon run` processes: plugins/auth-introspect checks bearer tokens
// against a real local introspection server and caches the verdict in the store; what the client gets
// when the call times out or goes to a host the plugin may not call; and a store held at 1 s latency
// (a delaying TCP proxy in front of a real redis-server) while another route keeps answering.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { closedPort, startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { connectOnceSlotFrees, connectRateLimited } from "../support/seed-clients.js";
import { RedisServer } from "../cluster/redis-server.js";

/** The process's log lines reach its pipe after its answer: wait for the line. */
async function untilLogged(nylon: NylonProcess, line: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!line.test(nylon.logs())) {
    if (Date.now() > deadline) assert.fail(`no log line matching ${line} within ${timeoutMs} ms:\n${nylon.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("auth-introspect: bearer tokens checked by an introspection endpoint, verdicts cached in the store", () => {
  let idp: TestUpstream;
  let upstream: TestUpstream;
  let nylon: NylonProcess;
  const introspected: string[] = [];

  before(async () => {
    idp = await startUpstream((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        // /hang never answers: the plugin's deadline must end the wait.
        if (req.url === "/hang") return;
        const token = new URLSearchParams(body).get("token") ?? "";
        introspected.push(token);
        res.setHeader("content-type", "application/json");
        const active = token.startsWith("good-");
        res.end(JSON.stringify(active ? { active, sub: `user-${token.slice(5)}`, exp: Math.floor(Date.now() / 1000) + 3600 } : { active }));
      });
    });
    upstream = await startUpstream((req, res) => res.end(`hello ${req.headers["x-auth-subject"] ?? "nobody"}`));
    const elsewhere = await closedPort();
    const idpOrigin = `http://127.0.0.1:${idp.port}`;
    // Only the call meant to time out has a short deadline: a loaded machine must not fail the others.
    const auth = (name: string, url: string, timeoutMs = 30_000) =>
      `  - { name: ${name}, type: wasm, file: "{{ROOT}}/plugins/auth-introspect/auth-introspect.wasm", allowed_outbound_hosts: ["${idpOrigin}"], config: { introspection_url: "${url}", timeout_ms: ${timeoutMs} } }`;
    const route = (path: string, plugin: string) => `      - { path: ${path}, middleware: [{ plugin: ${plugin}, entry: auth }], service: { name: upstream } }`;
    nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
log: { level: warn }
plugins:
${auth("auth", `${idpOrigin}/introspect`)}
${auth("auth-hang", `${idpOrigin}/hang`, 300)}
${auth("auth-elsewhere", `http://127.0.0.1:${elsewhere}/introspect`)}
services:
  - { name: upstream, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${upstream.port} }] }
routes:
  - name: main
    route: { type: host, value: "*" }
    paths:
${route("/api", "auth")}
${route("/hang", "auth-hang")}
${route("/elsewhere", "auth-elsewhere")}
`);
  });

  after(async () => {
    await nylon?.stop();
    await idp?.close();
    await upstream?.close();
  });

  const call = (path: string, token?: string) => fetch(`${nylon.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("an active token reaches the upstream with its subject, and is introspected once while cached", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await call("/api", "good-alice");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "hello user-alice");
    }
    assert.deepEqual(introspected.filter((t) => t === "good-alice"), ["good-alice"]);
  });

  it("an inactive token and a missing one get 401 and never reach the upstream", async () => {
    const bad = await call("/api", "bad-token");
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { message: string }).message, "invalid bearer token");
    const none = await call("/api");
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { message: string }).message, "a bearer token is required");
  });

  it("an introspection call past its deadline: the client gets the plugin's 503, not a hung request", async () => {
    const res = await call("/hang", "good-bob");
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: string }).error, "unavailable");
    await untilLogged(nylon, /"plugin":"auth-hang","msg":"introspection failed: NYLON_E_OUTBOUND_TIMEOUT/);
  });

  it("a host the plugin may not call: refused before any connection, the client gets the plugin's 503", async () => {
    const res = await call("/elsewhere", "good-carol");
    assert.equal(res.status, 503);
    await untilLogged(nylon, /"plugin":"auth-elsewhere","msg":"introspection failed: NYLON_E_OUTBOUND_REFUSED [^"]*allowed_outbound_hosts/);
  });
});

/** A TCP proxy that hands every chunk from the server back to the client `delayMs` late, in order. */
async function delayingProxy(targetPort: number, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const target = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, target]) {
      sockets.add(s);
      s.on("error", () => s.destroy());
      s.on("close", () => (client.destroy(), target.destroy()));
    }
    client.on("data", (chunk) => target.write(chunk));
    target.on("data", (chunk) => setTimeout(() => client.writable && client.write(chunk), delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("a store at 1 s latency holds only the requests that wait for it", () => {
  let redis: RedisServer;
  let proxy: Awaited<ReturnType<typeof delayingProxy>>;
  let upstream: TestUpstream;
  let nylon: NylonProcess;

  before(async () => {
    redis = await RedisServer.start();
    proxy = await delayingProxy(redis.port, 1000);
    upstream = await startUpstream((_req, res) => res.end("plain"));
    nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
log: { level: warn }
websocket:
  redis: { host: 127.0.0.1, port: ${proxy.port}, connect_timeout_ms: 10000 }
store: { backend: redis, timeout_ms: 10000 }
plugins:
  - { name: limiter, type: wasm, file: "{{ROOT}}/plugins/rate-limited-ws-store/rate-limited-ws-store.wasm" }
services:
  - { name: limited, service_type: plugin, plugin: { name: limiter, entry: rate-limited-ws } }
  - { name: upstream, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${upstream.port} }] }
routes:
  - name: main
    route: { type: host, value: "*" }
    paths:
      - { path: /rate-limited-ws, service: { name: limited } }
      - { path: /plain, service: { name: upstream } }
`);
  });

  after(async () => {
    await nylon?.stop();
    await proxy?.close();
    await redis?.stop();
    await upstream?.close();
  });

  it("while a connection waits for its slot from the slow store, the plain route answers request after request", async () => {
    // The store connects through the slow proxy in the background; until then the plugin answers 503.
    await (await connectOnceSlotFrees(nylon.wsUrl, 30_000)).close();
    let settled = false;
    const waiting = connectRateLimited(nylon.wsUrl).finally(() => (settled = true));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${nylon.url}/plain`);
      assert.equal(await res.text(), "plain");
    }
    assert.equal(settled, false, "the store's answer came after the three plain answers");
    await (await waiting).close();
  });
});
