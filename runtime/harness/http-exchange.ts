import { NylonError } from "../errors.js";
import { resolveStep, runPluginPhase, runResponseSidePhase } from "../http/middleware-step.js";
import type { RequestContext } from "../http/request-context.js";
import { errorResponse, type ServiceResponse } from "../http/service-response.js";
import type { PluginHost } from "../plugin/plugin-host.js";

/** How the entry's request filter decided. */
export type ExchangeOutcome = "ended" | "continued" | "upgraded" | "failed";

/** What the upstream answers when the entry continues (a test's stand-in for a real service). */
export interface FakeUpstream {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * One request through one entry's phases, the way the proxy runs a plugin step
 * (runtime/http/request-pipeline.ts): request filter; then the plugin's answer (end), the upstream's
 * (next) or the error answer (failure) through the response filter and body filter; then logging and
 * end of request. An upgraded request skips the response phases, as in the proxy; a streamed response
 * skips them too and its request finishes when the plugin ends the stream (`finishStream`).
 */
export function runExchange(host: PluginHost, ctx: RequestContext, entry: string, payload: unknown, upstream: FakeUpstream): { outcome: ExchangeOutcome; thrown: unknown } {
  const step = resolveStep({ plugin: host.name, entry, payload }, new Map([[host.name, host]]));
  if (step.kind !== "plugin") throw new Error(`${host.name} is the name of a built-in plugin; load the harness with another name`);
  let outcome: ExchangeOutcome;
  let thrown: unknown = null;
  let answer: ServiceResponse | null = null;
  try {
    const decision = inline(runPluginPhase(step, ctx, "request-filter"));
    outcome = ctx.upgrade ? "upgraded" : decision === "end" || ctx.response.streaming !== "no" ? "ended" : "continued";
    if (outcome === "continued") answer = upstreamResponse(upstream);
  } catch (err) {
    outcome = "failed";
    thrown = err;
    answer = errorResponse(err instanceof NylonError ? err : new NylonError("NYLON_E_PLUGIN_FAILED", String(err)));
  }
  if (outcome !== "upgraded" && ctx.response.streaming === "no") {
    const r = ctx.response;
    if (answer) {
      r.status = answer.status;
      // As in the pipeline: headers a request filter set before next() apply to the service's answer.
      r.headers = new Map([...Object.entries(answer.headers), ...r.headers]);
      r.body = answer.body as Buffer;
    }
    r.body ??= Buffer.alloc(0);
    inline(runResponseSidePhase(step, ctx, "response-filter"));
    if (host.handles(entry, "response-body-filter")) inline(runResponseSidePhase(step, ctx, "response-body-filter"));
    r.bytesSent = r.body?.length ?? 0;
  }
  const finish = () => {
    inline(runResponseSidePhase(step, ctx, "logging"));
    host.endRequest(ctx);
  };
  if (ctx.response.streaming === "open") finishStream.set(ctx, finish);
  else finish();
  return { outcome, thrown };
}

/** Requests whose plugin is still streaming: their logging phase and end run when the stream ends. */
export const finishStream = new WeakMap<RequestContext, () => void>();

function upstreamResponse(upstream: FakeUpstream): ServiceResponse {
  const body = upstream.body === undefined ? Buffer.alloc(0) : Buffer.from(upstream.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream.headers ?? {})) headers[name.toLowerCase()] = value;
  return { status: upstream.status ?? 200, headers, body };
}

/** The harness runs plugins inline (its clock and transports are synchronous), so no phase answers later. */
function inline<T>(result: T | Promise<T>): T {
  if (result instanceof Promise) throw new Error("the sandbox harness runs plugins inline; isolation: worker is for nylon run");
  return result;
}
