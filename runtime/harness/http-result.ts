import type { RequestContext } from "../http/request-context.js";
import type { ExchangeOutcome } from "./http-exchange.js";
import type { LogRecord } from "./log-recorder.js";
import type { SandboxFailure } from "./sandbox-failure.js";

/** What a request through an entry came to, as the client (and the upstream) would have seen it. */
export interface HttpResult {
  /** ended: the plugin answered; continued: it called next() (the upstream answered); upgraded: it took a WebSocket; failed: the sandbox or the handler failed. */
  outcome: ExchangeOutcome;
  status: number;
  /** Lower-case names; several values joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The body as UTF-8. */
  text: string;
  /** The request headers as they would go upstream, after the plugin's changes. */
  upstreamHeaders: Record<string, string>;
  failed: SandboxFailure | null;
  /** Lines logged while the request ran (the plugin's own have `plugin` set). */
  logs: LogRecord[];
  /** A streamed response (server-sent events), which goes on as time advances; null otherwise. */
  stream: StreamRecord | null;
}

/** What the client of a streamed response has received so far. */
export interface StreamRecord {
  readonly chunks: Buffer[];
  ended: boolean;
  text(): string;
}

export function httpResult(
  ctx: RequestContext,
  outcome: ExchangeOutcome,
  body: Buffer,
  failed: SandboxFailure | null,
  logs: LogRecord[],
  stream: StreamRecord | null,
): HttpResult {
  return {
    outcome,
    status: ctx.response.status,
    headers: flatten(ctx.response.headers),
    body,
    text: body.toString("utf8"),
    upstreamHeaders: flatten(Object.entries(ctx.headers)),
    failed,
    logs,
    stream,
  };
}

function flatten(headers: Iterable<[string, string | string[] | undefined]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}
