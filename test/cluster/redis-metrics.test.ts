// The Redis adapter's metrics on a real nylon process and a real redis-server: the clients' connection
// state follows Redis going away and coming back, and the failures while it is away are counted.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { freePort, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { eventually, scrape } from "../ops/ops-support.js";
import { RedisServer } from "./redis-server.js";

/** Reconnection is retried at least every MAX_RECONNECT_DELAY_MS (1 s): well within this. */
const SETTLE_MS = 15_000;

let redis: RedisServer;
let nylon: NylonProcess;
let metricsUrl: string;

before(async () => {
  redis = await RedisServer.start();
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
log: { level: warn }
websocket:
  adapter_type: redis
  redis: { host: 127.0.0.1, port: ${redis.port}, key_prefix: "metrics-test-${randomUUID()}", connect_timeout_ms: 1000 }
services:
  - { name: web, service_type: static, static: { root: "{{ROOT}}/web" } }
routes:
  - { name: site, route: { type: host, value: "*" }, paths: [{ path: /, service: { name: web } }] }
`);
});

after(async () => {
  await nylon?.stop();
  await redis?.stop();
});

function connected(series: Map<string, number>): { command: number | undefined; subscriber: number | undefined } {
  return { command: series.get('nylon_redis_connected{client="command"}'), subscriber: series.get('nylon_redis_connected{client="subscriber"}') };
}

function connectionErrors(series: Map<string, number>, role: "command" | "subscriber"): number {
  return series.get(`nylon_redis_errors_total{kind="connection (${role})"}`) ?? 0;
}

test("nylon_redis_connected and nylon_redis_errors_total follow Redis stopping and coming back", async () => {
  await eventually(async () => assert.deepEqual(connected(await scrape(metricsUrl)), { command: 1, subscriber: 1 }), SETTLE_MS);
  const up = await scrape(metricsUrl);

  await redis.stop();
  await eventually(async () => {
    const down = await scrape(metricsUrl);
    assert.deepEqual(connected(down), { command: 0, subscriber: 0 });
    // Each reconnection attempt that finds nothing listening is a counted failure.
    assert.ok(connectionErrors(down, "command") > connectionErrors(up, "command"), "no command connection error counted");
    assert.ok(connectionErrors(down, "subscriber") > connectionErrors(up, "subscriber"), "no subscriber connection error counted");
  }, SETTLE_MS);
  const down = await scrape(metricsUrl);

  await redis.restart();
  await eventually(async () => assert.deepEqual(connected(await scrape(metricsUrl)), { command: 1, subscriber: 1 }), SETTLE_MS);
  // A counter: the outage stays counted after the reconnection.
  const back = await scrape(metricsUrl);
  assert.ok(connectionErrors(back, "command") >= connectionErrors(down, "command"));
  assert.ok(connectionErrors(back, "subscriber") >= connectionErrors(down, "subscriber"));
});
