// A real nylon serving one hostile plugin on /hostile and a healthy one on /healthy, traffic that keeps
// the healthy route busy meanwhile, and small HTTP/WebSocket helpers for the sandbox tests.
import assert from "node:assert/strict";
import http from "node:http";
import WebSocket from "ws";
import { ensurePluginBuilt, logRecords } from "../phases/phase-fixtures.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      })
      .on("error", reject);
  });
}

export async function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

export function closed(ws: WebSocket, timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
    ws.once("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

export function nextText(ws: WebSocket, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
    ws.once("message", (data) => {
      clearTimeout(timer);
      resolve(String(data));
    });
  });
}

/** Retries `attempt` until it returns true (the plugin is back after its restart hold-off). */
export async function eventually(attempt: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`still failing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The "plugin failed; instance discarded" log records of the hostile plugin. */
export function failures(nylon: NylonProcess): { kind: string; reason: string; call: string }[] {
  return logRecords(nylon.logs())
    .filter((r) => r["plugin"] === "hostile" && r["msg"] === "plugin failed; instance discarded")
    .map((r) => ({ kind: String(r["kind"]), reason: String(r["reason"]), call: String(r["call"]) }));
}

/** Waits until `count` failures are logged (the log pipe may deliver them after the response). */
export async function waitForFailures(nylon: NylonProcess, count: number): Promise<ReturnType<typeof failures>> {
  await eventually(async () => failures(nylon).length >= count, 5_000);
  return failures(nylon);
}

/**
 * Keeps the healthy route busy: back-to-back HTTP requests and a WebSocket echo every 10 ms, and
 * checks at the end that every request got 200 and every message its echo.
 */
class HealthyTraffic {
  private running = true;
  private readonly statuses: number[] = [];
  private sent = 0;
  private echoed = 0;
  private slowestMs = 0;
  /** When each healthy request was sent and answered (performance.now()). */
  private readonly spans: { sent: number; answered: number }[] = [];
  private loop: Promise<void> = Promise.resolve();
  private ws!: WebSocket;
  private ticker!: NodeJS.Timeout;

  async start(nylon: NylonProcess): Promise<void> {
    this.ws = await openWs(`${nylon.wsUrl}/healthy`);
    this.ws.on("message", () => this.echoed++);
    this.ticker = setInterval(() => {
      this.ws.send(`m${this.sent++}`);
    }, 10);
    this.loop = (async () => {
      while (this.running) {
        const sent = performance.now();
        const reply = await get(`${nylon.url}/healthy`).catch(() => ({ status: 0, text: "" }));
        const answered = performance.now();
        this.slowestMs = Math.max(this.slowestMs, answered - sent);
        this.spans.push({ sent, answered });
        this.statuses.push(reply.status);
      }
    })();
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.running = false;
    await this.loop;
  }

  /** The slowest healthy HTTP request so far, in ms. */
  get slowestRequestMs(): number {
    return this.slowestMs;
  }

  /** How many healthy HTTP requests were both sent and answered between `from` and `to` (performance.now()). */
  answeredWithin(from: number, to: number): number {
    return this.spans.filter((s) => s.sent >= from && s.answered <= to).length;
  }

  async stopAndCheck(): Promise<void> {
    await this.stop();
    await eventually(async () => this.echoed === this.sent, 5_000).catch(() => {});
    assert.ok(this.statuses.length > 0, "the healthy route was exercised");
    assert.deepEqual(
      this.statuses.filter((s) => s !== 200),
      [],
      `every healthy request answered 200 (${this.statuses.length} requests, slowest ${this.slowestMs.toFixed(0)} ms)`,
    );
    assert.equal(this.echoed, this.sent, "every healthy WebSocket message was echoed");
    assert.equal(this.ws.readyState, WebSocket.OPEN, "the healthy WebSocket stayed open");
    this.ws.close();
  }
}

export type Isolation = "inline" | "worker";

/** A hostile plugin: a folder under test/plugins, or one with the plugin config that picks its misbehaviour. */
export type HostilePlugin = string | { folder: string; config: Record<string, unknown> };

/**
 * Runs `body` against a nylon serving the hostile plugin on /hostile (limits and isolation as given)
 * and the healthy plugin on /healthy under constant traffic; then checks the proxy and the neighbour
 * survived. `body` can read the healthy traffic's slowest request so far.
 */
export async function withHostileNeighbour(
  hostile: HostilePlugin,
  limits: string,
  body: (nylon: NylonProcess, healthy: Pick<HealthyTraffic, "slowestRequestMs" | "answeredWithin">) => Promise<void>,
  isolation: Isolation = "inline",
): Promise<void> {
  const { folder, config } = typeof hostile === "string" ? { folder: hostile, config: {} } : hostile;
  await ensurePluginBuilt(`test/plugins/${folder}`);
  await ensurePluginBuilt("test/plugins/healthy");
  const nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: hostile, type: wasm, file: "{{ROOT}}/test/plugins/${folder}/${folder}.wasm", limits: ${limits}, isolation: ${isolation}, config: ${JSON.stringify(config)} }
  - { name: healthy, type: wasm, file: "{{ROOT}}/test/plugins/healthy/healthy.wasm" }
services:
  - { name: hostile, service_type: plugin, plugin: { name: hostile, entry: hostile } }
  - { name: healthy, service_type: plugin, plugin: { name: healthy, entry: healthy } }
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
      - { path: /hostile, service: { name: hostile } }
      - { path: /healthy, service: { name: healthy } }
`);
  const traffic = new HealthyTraffic();
  try {
    await traffic.start(nylon);
    await body(nylon, traffic);
    await traffic.stopAndCheck();
    assert.equal(nylon.child.exitCode, null, "the proxy process is still running");
  } catch (err) {
    (err as Error).message += `\n--- nylon output (tail) ---\n${nylon.logs().slice(-4000)}`;
    throw err;
  } finally {
    await traffic.stop();
    await nylon.stop();
  }
}
