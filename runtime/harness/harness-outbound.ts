import { opFailure } from "../plugin/op-failure.js";
import type { PluginClock } from "../plugin/plugin-clock.js";
import type { OutboundOutcome, OutboundRequest, OutboundTransport } from "../outbound/outbound-request.js";
import { UndiciTransport } from "../outbound/undici-transport.js";

/**
 * A canned answer for the plugin's outbound calls. `url` matches exactly, or every URL it starts
 * with when it ends with "*"; `method` matches any method when absent. The first stub that matches
 * answers, after `delayMs` of the harness's clock: with `response`, or failing with `fail` (the
 * message of a NYLON_E_OUTBOUND_FAILED, as a refused connection gives).
 */
export interface HttpStub {
  method?: string;
  url: string;
  response?: { status?: number; headers?: Record<string, string>; body?: string | Uint8Array };
  fail?: string;
  delayMs?: number;
}

/** One call the plugin made, as the harness saw it. */
export interface OutboundCallRecord {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** "stub" when a stub answered, "network" when it went to a real server. */
  answeredBy: "stub" | "network";
}

/**
 * Outbound calls in the harness: stubs first, the real network (a local server the test started)
 * otherwise, through the same transport as the proxy. Calls to the network are counted, so the
 * harness can wait for their answers.
 */
export class HarnessOutbound implements OutboundTransport {
  readonly calls: OutboundCallRecord[] = [];
  private network: Promise<UndiciTransport> | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly stubs: readonly HttpStub[],
    private readonly clock: PluginClock,
  ) {}

  /** Calls still waiting for a real server. */
  get waitingForNetwork(): number {
    return this.inFlight.size;
  }

  /** Resolves when one of the calls to a real server has its answer. */
  nextNetworkAnswer(): Promise<void> {
    return Promise.race(this.inFlight);
  }

  send(request: OutboundRequest, maxResponseBytes: number, done: (outcome: OutboundOutcome) => void): () => void {
    const url = request.url.href;
    const stub = this.stubs.find((s) => (s.method === undefined || s.method.toUpperCase() === request.method.toUpperCase()) && urlMatches(s.url, url));
    this.calls.push({
      method: request.method,
      url,
      headers: Object.fromEntries(request.headers.map((h) => [h.name, h.value])),
      body: Buffer.from(request.body ?? []),
      answeredBy: stub ? "stub" : "network",
    });
    return stub ? this.answerFromStub(stub, maxResponseBytes, done) : this.sendToNetwork(request, maxResponseBytes, done);
  }

  async close(): Promise<void> {
    if (this.network) await (await this.network).close();
  }

  private answerFromStub(stub: HttpStub, maxResponseBytes: number, done: (outcome: OutboundOutcome) => void): () => void {
    const answer = (): void => done(stubOutcome(stub, maxResponseBytes));
    if (!stub.delayMs) {
      answer();
      return () => {};
    }
    const timer = this.clock.setTimeout(answer, stub.delayMs);
    return () => this.clock.clearTimeout(timer);
  }

  private sendToNetwork(request: OutboundRequest, maxResponseBytes: number, done: (outcome: OutboundOutcome) => void): () => void {
    let cancel: (() => void) | null = null;
    let abandoned = false;
    const settled = (async () => {
      this.network ??= UndiciTransport.create(5_000);
      const transport = await this.network;
      if (abandoned) return;
      await new Promise<void>((resolve) => {
        cancel = transport.send(request, maxResponseBytes, (outcome) => {
          done(outcome);
          resolve();
        });
      });
    })().finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
    return () => {
      abandoned = true;
      cancel?.();
      this.inFlight.delete(settled);
    };
  }
}

function urlMatches(pattern: string, url: string): boolean {
  if (pattern.endsWith("*")) return url.startsWith(pattern.slice(0, -1));
  // "http://auth.test" names the same URL as "http://auth.test/", as a plugin's request would have it.
  return url === pattern || url === URL.parse(pattern)?.href;
}

function stubOutcome(stub: HttpStub, maxResponseBytes: number): OutboundOutcome {
  if (stub.fail !== undefined) return opFailure("NYLON_E_OUTBOUND_FAILED", stub.fail);
  const body = Buffer.from(stub.response?.body ?? "");
  if (body.length > maxResponseBytes) return opFailure("NYLON_E_OUTBOUND_TOO_LARGE", `the stubbed response is over ${maxResponseBytes} bytes (limits.max_outbound_response_bytes)`);
  const headers = Object.entries(stub.response?.headers ?? {}).map(([name, value]) => ({ name: name.toLowerCase(), value }));
  return { kind: "response", status: stub.response?.status ?? 200, headers, body };
}
