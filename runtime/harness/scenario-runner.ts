import { isDeepStrictEqual } from "node:util";
import type { HarnessConnection } from "./harness-connection.js";
import type { StepReport } from "./harness-environment.js";
import type { HarnessNode } from "./harness-node.js";
import type { HttpResult } from "./http-result.js";
import { loadPlugin, type PluginHarness } from "./plugin-harness.js";
import type { ReceivedFrame } from "./recording-transport.js";
import type { SandboxFailure } from "./sandbox-failure.js";
import type { ExpectedFrame, Scenario, ScenarioStep } from "./scenario.js";

/** One expectation that did not hold. */
export interface Mismatch {
  /** What was compared, e.g. `status` or `received.alice`. */
  what: string;
  expected: unknown;
  actual: unknown;
}

export interface StepOutcome {
  title: string;
  mismatches: Mismatch[];
  /** The step could not run (e.g. a message to a connection that is already closed). */
  error: string | null;
}

type WsExpect = NonNullable<Extract<ScenarioStep, { send: unknown }>["expect"]>;

/** Runs a scenario against a plugin in the harness, step by step; a failing step does not stop the rest. */
export async function runScenario(wasm: string, scenario: Scenario): Promise<StepOutcome[]> {
  const limits = scenario.limits;
  const harness = await loadPlugin(wasm, {
    config: scenario.config,
    limits: {
      ...(limits?.memory_mb ? { memoryMb: limits.memory_mb } : {}),
      ...(limits?.deadline_ms ? { deadlineMs: limits.deadline_ms } : {}),
      ...(limits?.pending_timeout_ms ? { pendingTimeoutMs: limits.pending_timeout_ms } : {}),
      ...(limits?.outbound_timeout_ms ? { outboundTimeoutMs: limits.outbound_timeout_ms } : {}),
    },
    allowedOutboundHosts: scenario.allowed_outbound_hosts ?? [],
    httpStubs: (scenario.http_stubs ?? []).map((stub) => ({
      url: stub.request.url,
      ...(stub.request.method ? { method: stub.request.method } : {}),
      ...(stub.response ? { response: stub.response } : {}),
      ...(stub.fail !== undefined ? { fail: stub.fail } : {}),
      ...(stub.delay_ms ? { delayMs: stub.delay_ms } : {}),
    })),
  });
  try {
    for (const [key, value] of Object.entries(scenario.store ?? {})) harness.store.set(key, value);
    const run = new ScenarioRun(harness);
    const outcomes: StepOutcome[] = [];
    for (const step of scenario.steps) outcomes.push(await run.step(step));
    return outcomes;
  } finally {
    harness.close();
  }
}

class ScenarioRun {
  private readonly clients = new Map<string, HarnessConnection>();

  constructor(private readonly harness: PluginHarness) {}

  /** Runs one step, waits for what it set off (pending requests, calls to real servers), and compares. */
  async step(step: ScenarioStep): Promise<StepOutcome> {
    const title = step.name ?? describeStep(step);
    const mismatches: Mismatch[] = [];
    try {
      if ("request" in step) {
        const { request: r } = step;
        const result = await this.node(r.node).requestAsync({
          entry: r.entry,
          ...(r.method ? { method: r.method } : {}),
          ...(r.path ? { path: r.path } : {}),
          ...(r.query ? { query: r.query } : {}),
          ...(r.headers ? { headers: r.headers } : {}),
          ...(r.body !== undefined ? { body: r.body } : {}),
          ...(r.payload !== undefined ? { payload: r.payload } : {}),
          ...(r.params ? { params: r.params } : {}),
          ...(r.client_ip ? { clientIp: r.client_ip } : {}),
          ...(r.upstream ? { upstream: r.upstream } : {}),
        });
        if (step.expect) compareHttp(step.expect, result, mismatches);
        compareFailure(step.expect?.failed, result.failed, mismatches);
        this.compareStore(step.expect?.store, mismatches);
      } else if ("connect" in step) {
        const { connect: c } = step;
        const conn = await this.node(c.node).connectAsync({
          entry: c.entry,
          ...(c.path ? { path: c.path } : {}),
          ...(c.query ? { query: c.query } : {}),
          ...(c.headers ? { headers: c.headers } : {}),
          ...(c.payload !== undefined ? { payload: c.payload } : {}),
          ...(c.params ? { params: c.params } : {}),
          ...(c.client_ip ? { clientIp: c.client_ip } : {}),
          ...(c.protocols ? { protocols: c.protocols } : {}),
        });
        this.clients.set(c.as, conn);
        const { accepted, status, body, ...rest } = step.expect ?? {};
        expectEqual(mismatches, "accepted", accepted, conn.accepted);
        expectEqual(mismatches, "status", status, conn.handshake.status);
        expectEqual(mismatches, "body", body, conn.handshake.text);
        this.compareWs(rest, { logs: conn.handshake.logs, failed: conn.handshake.failed }, mismatches);
      } else if ("send" in step) {
        const conn = this.client(step.send.as);
        const report = "text" in step.send ? conn.sendText(step.send.text) : conn.sendBinary(Buffer.from(step.send.binary_hex, "hex"));
        this.compareWs(step.expect, await this.settled(report), mismatches);
      } else if ("close" in step) {
        const report = this.client(step.close.as).close(step.close.code, step.close.reason);
        this.compareWs(step.expect, await this.settled(report), mismatches);
      } else {
        this.compareWs(step.expect, await this.settled(this.harness.advanceTime(step.advance_ms)), mismatches);
      }
    } catch (err) {
      return { title, mismatches, error: (err as Error).message };
    }
    return { title, mismatches, error: null };
  }

  /** The step's report with what the answers of real servers it called set off. */
  private async settled(report: StepReport): Promise<StepReport> {
    const after = await this.harness.settle();
    return { logs: [...report.logs, ...after.logs], failed: report.failed ?? after.failed };
  }

  private compareStore(expect: Record<string, string | null> | undefined, mismatches: Mismatch[]): void {
    for (const [key, value] of Object.entries(expect ?? {})) expectEqual(mismatches, `store.${key}`, value, this.harness.store.get(key) ?? null);
  }

  private compareWs(expect: WsExpect | undefined, report: StepReport, mismatches: Mismatch[]): void {
    compareFailure(expect?.failed, report.failed, mismatches);
    if (!expect) return;
    this.compareStore(expect.store, mismatches);
    for (const [name, frames] of Object.entries(expect.received ?? {})) {
      expectEqual(mismatches, `received.${name}`, frames, this.client(name).takeReceived().map(asExpectedFrame));
    }
    for (const [name, code] of Object.entries(expect.closed ?? {})) {
      expectEqual(mismatches, `closed.${name}`, code, this.client(name).closed?.code ?? null);
    }
    for (const [name, rooms] of Object.entries(expect.rooms ?? {})) {
      expectEqual(mismatches, `rooms.${name}`, [...rooms].sort(), this.client(name).rooms());
    }
    for (const [room, size] of Object.entries(expect.room_sizes ?? {})) {
      expectEqual(mismatches, `room_sizes.${room}`, size, this.harness.roomSize(room));
    }
  }

  private node(index = 1): HarnessNode {
    while (this.harness.nodes.length < index) this.harness.addNode();
    return this.harness.nodes[index - 1]!;
  }

  private client(name: string): HarnessConnection {
    const conn = this.clients.get(name);
    if (!conn) throw new Error(`no client "${name}" (connect it first: connect: { as: ${name}, ... })`);
    return conn;
  }
}

function compareHttp(expect: NonNullable<Extract<ScenarioStep, { request: unknown }>["expect"]>, result: HttpResult, mismatches: Mismatch[]): void {
  expectEqual(mismatches, "outcome", expect.outcome, result.outcome);
  expectEqual(mismatches, "status", expect.status, result.status);
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    expectEqual(mismatches, `headers.${name.toLowerCase()}`, value, result.headers[name.toLowerCase()] ?? null);
  }
  for (const [name, value] of Object.entries(expect.upstream_headers ?? {})) {
    expectEqual(mismatches, `upstream_headers.${name.toLowerCase()}`, value, result.upstreamHeaders[name.toLowerCase()] ?? null);
  }
  expectEqual(mismatches, "body", expect.body, result.text);
  if (expect.json !== undefined) expectEqual(mismatches, "json", expect.json, parseJson(result.text));
}

/**
 * A step fails when the plugin failed and the step did not say it would (`failed: <reason>`), or
 * failed otherwise than it said: a throw in a WebSocket callback shows no status to compare.
 */
function compareFailure(expected: string | null | undefined, failure: SandboxFailure | null, mismatches: Mismatch[]): void {
  if (expected !== undefined) expectEqual(mismatches, "failed", expected, failure?.reason ?? null);
  else if (failure) mismatches.push({ what: "failed", expected: null, actual: `${failure.reason}: ${failure.message}` });
}

/** Records a mismatch when an expectation is given (not undefined) and does not hold. */
function expectEqual(mismatches: Mismatch[], what: string, expected: unknown, actual: unknown): void {
  if (expected !== undefined && !isDeepStrictEqual(expected, actual)) mismatches.push({ what, expected, actual });
}

function asExpectedFrame(frame: ReceivedFrame): ExpectedFrame {
  return frame.type === "text" ? frame.data : { binary_hex: frame.data.toString("hex") };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return `(not JSON) ${text}`;
  }
}

function describeStep(step: ScenarioStep): string {
  if ("request" in step) return `request ${step.request.method ?? "GET"} ${step.request.path ?? "/"} to entry ${step.request.entry}`;
  if ("connect" in step) return `${step.connect.as} connects to entry ${step.connect.entry}`;
  if ("send" in step) return "text" in step.send ? `${step.send.as} sends ${JSON.stringify(step.send.text)}` : `${step.send.as} sends ${step.send.binary_hex.length / 2} bytes`;
  if ("close" in step) return `${step.close.as} closes${step.close.code ? ` with ${step.close.code}` : ""}`;
  return `time advances ${step.advance_ms} ms`;
}
