import { compilePayload, renderPayload, type CompiledPayload } from "../config/template.js";
import { errorBody, NylonError } from "../errors.js";
import type { Phase, PhaseResult } from "../plugin/guest-exports.js";
import type { PluginHost } from "../plugin/plugin-host.js";
import type { RequestContext } from "./request-context.js";
import { templateContextFor } from "./template-context-for.js";

/** One resolved middleware item: a plugin entry or a built-in header modifier, with its payload compiled. */
export type MiddlewareStep =
  | { kind: "plugin"; plugin: PluginHost; entry: string; payload: CompiledPayload | null }
  | { kind: "request-header-modifier" | "response-header-modifier"; payload: CompiledPayload | null };

export interface MiddlewareItemLike {
  plugin?: string | undefined;
  entry?: string | undefined;
  payload?: unknown;
}

export function resolveStep(item: MiddlewareItemLike, plugins: Map<string, PluginHost>): MiddlewareStep {
  const payload = item.payload === undefined ? null : compilePayload(item.payload);
  if (item.plugin === "RequestHeaderModifier") return { kind: "request-header-modifier", payload };
  if (item.plugin === "ResponseHeaderModifier") return { kind: "response-header-modifier", payload };
  const plugin = plugins.get(item.plugin ?? "");
  if (!plugin) throw new NylonError("NYLON_E_CONFIG", `middleware names plugin ${JSON.stringify(item.plugin)}, which is not loaded`);
  const entry = item.entry ?? "";
  if (!plugin.hasEntry(entry)) {
    throw new NylonError(
      "NYLON_E_CONFIG",
      `plugin ${plugin.name} has no entry ${JSON.stringify(entry)} (it registers: ${plugin.entryNames().join(", ") || "none"})`,
    );
  }
  return { kind: "plugin", plugin, entry, payload };
}

export function renderStepPayload(payload: CompiledPayload | null, ctx: RequestContext): unknown {
  return payload === null ? undefined : renderPayload(payload, templateContextFor(ctx));
}

export type Decision = "next" | "end";

/**
 * Runs a plugin step's phase with its payload made available to `get-payload`. A plugin in a worker
 * thread answers with a promise; inline plugins answer at once.
 */
export function runPluginPhase(step: Extract<MiddlewareStep, { kind: "plugin" }>, ctx: RequestContext, phase: Phase): Decision | Promise<Decision> {
  if (!step.plugin.handles(step.entry, phase)) return "next";
  const rendered = renderStepPayload(step.payload, ctx);
  ctx.currentPayload = rendered === undefined ? undefined : JSON.stringify(rendered);
  const result = step.plugin.runPhase(ctx, step.entry, phase);
  return result instanceof Promise ? result.then(decisionOf) : decisionOf(result);
}

function decisionOf(result: PhaseResult): Decision {
  return result === "end" ? "end" : "next";
}

/**
 * A response-side phase (response filter, body filter, logging): a failure there is recorded on the
 * response and does not stop the request; in a filter it replaces the response with a 500.
 */
export function runResponseSidePhase(step: Extract<MiddlewareStep, { kind: "plugin" }>, ctx: RequestContext, phase: Phase): void | Promise<void> {
  const failed = (err: unknown): void => {
    ctx.response.error = (err as Error).message;
    if (phase === "response-filter" || phase === "response-body-filter") {
      // A phase left pending too long answers as it would in a request filter (504); any other failure is the plugin's (500).
      const timedOut = err instanceof NylonError && err.code === "NYLON_E_PENDING_TIMEOUT";
      replaceWithError(ctx, timedOut ? err : new NylonError("NYLON_E_PLUGIN_FAILED", (err as Error).message));
    }
  };
  try {
    const decision = runPluginPhase(step, ctx, phase);
    if (decision instanceof Promise) return decision.then(() => undefined, failed);
  } catch (err) {
    failed(err);
  }
}

/**
 * A response-side step failed (a plugin filter, or a ResponseHeaderModifier whose template rendered
 * an invalid value from client input): the client gets that error's answer instead of the response,
 * and the later steps run on it. The failing step is not run again on its own error answer.
 */
export function replaceWithError(ctx: RequestContext, error: NylonError): void {
  ctx.response.error = error.message;
  ctx.response.status = error.status;
  ctx.response.body = Buffer.from(errorBody(error.status, error.code, error.message));
  ctx.response.headers = new Map([["content-type", "application/json"]]);
}
