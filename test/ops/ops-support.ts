// Helpers for the operations tests: Prometheus scrapes, waiting on a process's log, WebSocket clients
// that keep their close code.
import { once } from "node:events";
import fs from "node:fs";
import http, { type IncomingMessage } from "node:http";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import type { NylonProcess } from "../support/nylon-process.js";

/** `name{labels}` -> value, from a /metrics scrape. */
export async function scrape(metricsUrl: string): Promise<Map<string, number>> {
  const response = await fetch(`${metricsUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const series = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

/** How much each series moved between two scrapes (absent series count as 0). */
export function delta(before: Map<string, number>, after: Map<string, number>, series: string): number {
  return (after.get(series) ?? 0) - (before.get(series) ?? 0);
}

/** A GET over a connection of its own (no keep-alive pool): its status and body. */
export function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      })
      .on("error", reject);
  });
}

export async function waitForLog(nylon: NylonProcess, pattern: RegExp, timeoutMs = 20_000, from = 0): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = nylon.logs().slice(from).split("\n").find((line) => pattern.test(line));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern} within ${timeoutMs} ms\n--- nylon output ---\n${nylon.logs()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitForExit(nylon: NylonProcess, timeoutMs: number): Promise<number | null> {
  if (nylon.child.exitCode !== null) return nylon.child.exitCode;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nylon did not exit within ${timeoutMs} ms\n${nylon.logs()}`)), timeoutMs);
    nylon.child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Opens a WebSocket that must be refused; returns the status it was answered. */
export async function refusedUpgrade(url: string): Promise<number> {
  const client = new WebSocket(url);
  client.on("error", () => {}); // ws reports the refusal as an error too
  const [, response] = (await once(client, "unexpected-response")) as [unknown, IncomingMessage];
  response.resume();
  client.terminate();
  return response.statusCode ?? 0;
}

/** Retries `check` until it passes or `timeoutMs` is over (then its last failure is thrown). */
export async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A plugin source (TypeScript) whose `hello` entry answers every request with `answer`, which `declaration` declares. */
export function helloPluginSource(declaration: string): string {
  return `import { NylonPlugin } from "@nylon/sdk";

${declaration}

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hello", (phase) => {
  phase.requestFilter((ctx) => {
    ctx.response().bodyText(String(answer));
    ctx.end();
  });
});
`;
}

/** helloPluginSource answering `text`. */
export function pluginAnswering(text: string): string {
  return helloPluginSource(`const answer: string = ${JSON.stringify(text)};`);
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "nylon-ops-"));
}

/** Stops `nylon` (if it was started) and removes the test's tempDir() even when stopping fails; returns the exit code. */
export async function stopAndRemove(nylon: NylonProcess | undefined, dir: string): Promise<number | null | undefined> {
  try {
    return await nylon?.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A WebSocket client that records every text message and how the connection closed. */
export class RecordingClient {
  readonly messages: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => this.messages.push(data.toString("utf8")));
    this.closed = new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })));
  }

  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<RecordingClient> {
    const client = new RecordingClient(new WebSocket(url, options));
    await new Promise<void>((resolve, reject) => {
      client.socket.once("open", resolve);
      client.socket.on("error", reject);
    });
    return client;
  }

  /** Waits until `count` messages arrived (in total) and returns them all. */
  async received(count: number, timeoutMs = 5_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.messages;
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}
