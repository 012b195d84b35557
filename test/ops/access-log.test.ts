// The access line of a request or an upgrade that ends in the pipeline's last-resort 500 (RequestPipeline.crash).
// Nothing reachable from outside gets there any more (its only known trigger was fixed), so this is
// a unit test: a RequestPipeline on a real HTTP server, with a state whose router throws standing in
// for the next bug. The other access lines are checked through a real nylon in metrics.test.ts.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { ClientAddress } from "../../runtime/http/client-address.js";
import type { ProxyState } from "../../runtime/http/proxy-state.js";
import { RequestPipeline } from "../../runtime/http/request-pipeline.js";
import { refusedUpgrade } from "../support/ws-test-client.js";
import { memoryLogger } from "../websocket/adapter-nodes.js";

/** A RequestPipeline whose router throws (the stand-in for the next bug), its log lines and what it counted. */
function crashingPipeline(): { pipeline: RequestPipeline; lines: string[]; finished: [string, string, number][] } {
  const { logger, lines } = memoryLogger();
  const finished: [string, string, number][] = [];
  // Only what run() and crash() read before the router throws.
  const state = {
    router: {
      match: () => {
        throw new Error("a bug in the router");
      },
    },
    logger,
    accessLog: true,
    clientAddress: new ClientAddress([]),
  } as unknown as ProxyState;
  const pipeline = new RequestPipeline(() => state, {
    requestFinished: (route, method, status) => finished.push([route, method, status]),
    tunnelSettled() {},
    tunnelClosed() {},
  });
  return { pipeline, lines, finished };
}

/** The one access line, its timing fields checked and dropped. */
function onlyAccessLine(lines: string[]): Record<string, unknown> {
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(records.some((r) => r["msg"] === "request failed"), "the error itself is logged too");
  const access = records.filter((r) => r["access"] !== undefined);
  assert.equal(access.length, 1);
  const { level, time, pid, hostname, ms, ...rest } = access[0]!;
  assert.ok(typeof ms === "number" && ms >= 0);
  return rest;
}

test("a request that ends in the last-resort 500 is access-logged (and counted) once, as a 500", async () => {
  const { pipeline, lines, finished } = crashingPipeline();
  const server = createServer((req, res) => pipeline.handleRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom?x=1`);
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.equal((JSON.parse(body) as { error: string }).error, "NYLON_E_INTERNAL");
    assert.deepEqual(onlyAccessLine(lines), { access: "http", route: "", method: "GET", path: "/boom", status: 500, bytes: Buffer.byteLength(body), client: "127.0.0.1", msg: "request" });
    assert.deepEqual(finished, [["", "GET", 500]]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test("an upgrade that ends in the last-resort 500 gets that 500 on its socket, access-logged and counted once", async () => {
  const { pipeline, lines, finished } = crashingPipeline();
  const server = createServer();
  server.on("upgrade", (req, socket, head) => pipeline.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const refused = await refusedUpgrade(`ws://127.0.0.1:${port}/boom`);
    assert.equal(refused.status, 500);
    assert.equal((JSON.parse(refused.body) as { error: string }).error, "NYLON_E_INTERNAL");
    assert.deepEqual(onlyAccessLine(lines), { access: "http", route: "", method: "GET", path: "/boom", status: 500, bytes: Buffer.byteLength(refused.body), client: "127.0.0.1", msg: "request" });
    assert.deepEqual(finished, [["", "GET", 500]]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
