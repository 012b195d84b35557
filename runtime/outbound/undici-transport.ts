import type { Agent } from "undici";
import { opFailure } from "../plugin/op-failure.js";
import type { OutboundOutcome, OutboundRequest, OutboundTransport } from "./outbound-request.js";

/** Connections kept per origin: plugins' calls to one service share them (keep-alive). */
const CONNECTIONS_PER_ORIGIN = 64;

/**
 * Outbound calls through an undici Agent (a keep-alive pool per origin). undici is imported only when
 * a plugin is allowed to call out, so a configuration without outbound hosts never loads it.
 */
export class UndiciTransport implements OutboundTransport {
  private constructor(private readonly agent: Agent) {}

  static async create(connectTimeoutMs: number): Promise<UndiciTransport> {
    const { Agent } = await import("undici");
    return new UndiciTransport(new Agent({ connections: CONNECTIONS_PER_ORIGIN, connect: { timeout: connectTimeoutMs } }));
  }

  send(request: OutboundRequest, maxResponseBytes: number, done: (outcome: OutboundOutcome) => void): () => void {
    const abort = new AbortController();
    this.exchange(request, maxResponseBytes, abort.signal).then(done, (error: unknown) => {
      if (!abort.signal.aborted) done(failureOf(request, error));
    });
    return () => abort.abort();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async exchange(request: OutboundRequest, maxResponseBytes: number, signal: AbortSignal): Promise<OutboundOutcome> {
    const headers: string[] = [];
    for (const h of request.headers) headers.push(h.name, h.value);
    const response = await this.agent.request({
      origin: request.url.origin,
      path: request.url.pathname + request.url.search,
      method: request.method,
      headers,
      body: request.body === null ? null : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.length),
      signal,
    });
    const tooLarge = () => opFailure("NYLON_E_OUTBOUND_TOO_LARGE", `the response of ${request.url.origin} is over ${maxResponseBytes} bytes (limits.max_outbound_response_bytes)`);
    if (Number(response.headers["content-length"] ?? 0) > maxResponseBytes) {
      response.body.destroy();
      return tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxResponseBytes) {
        response.body.destroy();
        return tooLarge();
      }
      chunks.push(chunk);
    }
    const list: { name: string; value: string }[] = [];
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) list.push({ name, value: v });
    }
    return { kind: "response", status: response.statusCode, headers: list, body: Buffer.concat(chunks) };
  }
}

function failureOf(request: OutboundRequest, error: unknown): OutboundOutcome {
  const e = error as { code?: string; message?: string };
  const reason = e.code === "ECONNREFUSED" ? "connection refused" : (e.message ?? String(error));
  if (e.code === "UND_ERR_INVALID_ARG") return opFailure("NYLON_E_INVALID_ARGUMENT", `${request.method} ${request.url.origin}: ${reason}`);
  return opFailure("NYLON_E_OUTBOUND_FAILED", `${request.method} ${request.url.origin} failed: ${reason}`);
}
