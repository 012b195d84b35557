import { NylonError } from "../errors.js";
import { resolveStep, runPluginPhase, runResponseSidePhase, type MiddlewareStep } from "../http/middleware-step.js";
import type { RequestContext } from "../http/request-context.js";
import { errorResponse, type ServiceResponse } from "../http/service-response.js";
import type { PluginHost } from "../plugin/plugin-host.js";
import { chain, settled, type Maybe } from "./maybe-async.js";

/** How the entry's request filter decided. */
export type ExchangeOutcome = "ended" | "continued" | "upgraded" | "failed";

/** What the upstream answers when the entry continues (a test's stand-in for a real service). */
export interface FakeUpstream {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

type PluginStep = Extract<MiddlewareStep, { kind: "plugin" }>;

/**
 * One request through one entry's phases, the way the proxy runs a plugin step
 * (runtime/http/request-pipeline.ts): request filter; then the plugin's answer (end), the upstream's
 * (next) or the error answer (failure) through the response filter and body filter; then logging and
 * end of request. An upgraded request skips the response phases, as in the proxy; a streamed response
 * skips them too and its request finishes when the plugin ends the stream (`finishStream`). It comes
 * back at once, or as a promise when the plugin leaves a phase pending.
 */
export function runExchange(host: PluginHost, ctx: RequestContext, entry: string, payload: unknown, upstream: FakeUpstream): Maybe<{ outcome: ExchangeOutcome; thrown: unknown }> {
  const step = resolveStep({ plugin: host.name, entry, payload }, new Map([[host.name, host]]));
  if (step.kind !== "plugin") throw new Error(`${host.name} is the name of a built-in plugin; load the harness with another name`);
  return chain(
    settled(() => runPluginPhase(step, ctx, "request-filter")),
    (filter) => {
      let outcome: ExchangeOutcome;
      let thrown: unknown = null;
      let answer: ServiceResponse | null = null;
      if (filter.ok) {
        outcome = ctx.upgrade ? "upgraded" : filter.value === "end" || ctx.response.streaming !== "no" ? "ended" : "continued";
        if (outcome === "continued") answer = upstreamResponse(upstream);
      } else {
        outcome = "failed";
        thrown = filter.error;
        answer = errorResponse(filter.error instanceof NylonError ? filter.error : new NylonError("NYLON_E_PLUGIN_FAILED", String(filter.error)));
      }
      const responded = outcome !== "upgraded" && ctx.response.streaming === "no" ? respond(host, step, ctx, answer) : undefined;
      return chain(responded, () => {
        const finish = (): Maybe<void> => chain(runResponseSidePhase(step, ctx, "logging"), () => host.endRequest(ctx));
        if (ctx.response.streaming === "open") {
          finishStream.set(ctx, finish);
          return { outcome, thrown };
        }
        return chain(finish(), () => ({ outcome, thrown }));
      });
    },
  );
}

/** The answer (the plugin's, the upstream's or the error's) through the response filter and body filter. */
function respond(host: PluginHost, step: PluginStep, ctx: RequestContext, answer: ServiceResponse | null): Maybe<void> {
  const r = ctx.response;
  if (answer) {
    r.status = answer.status;
    // As in the pipeline: headers a request filter set before next() apply to the service's answer.
    r.headers = new Map([...Object.entries(answer.headers), ...r.headers]);
    r.body = answer.body as Buffer;
  }
  r.body ??= Buffer.alloc(0);
  return chain(runResponseSidePhase(step, ctx, "response-filter"), () =>
    chain(host.handles(step.entry, "response-body-filter") ? runResponseSidePhase(step, ctx, "response-body-filter") : undefined, () => {
      r.bytesSent = r.body?.length ?? 0;
    }),
  );
}

/** Requests whose plugin is still streaming: their logging phase and end run when the stream ends. */
export const finishStream = new WeakMap<RequestContext, () => Maybe<void>>();

function upstreamResponse(upstream: FakeUpstream): ServiceResponse {
  const body = upstream.body === undefined ? Buffer.alloc(0) : Buffer.from(upstream.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream.headers ?? {})) headers[name.toLowerCase()] = value;
  return { status: upstream.status ?? 200, headers, body };
}
