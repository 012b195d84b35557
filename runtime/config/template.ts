// `${...}` templates in payloads (reference §4): compiled once at load, rendered per request.
import { NylonError } from "../errors.js";
import { compileTemplateExpression } from "./template-functions.js";
import type { RenderString, TemplateContext } from "./template-context.js";
import { isTemplated, parseTemplate, TemplateSyntaxError } from "./template-syntax.js";

export type { TemplateContext } from "./template-context.js";
export { TEMPLATE_FUNCTION_NAMES } from "./template-functions.js";

/** Compiles one string; throws TemplateSyntaxError when it does not parse or names an unknown function. */
export function compileTemplate(text: string): RenderString {
  const pieces = parseTemplate(text).map((part) => (typeof part === "string" ? () => part : compileTemplateExpression(part)));
  if (pieces.length === 1) return pieces[0] as RenderString;
  return (context) => {
    let result = "";
    for (const piece of pieces) result += piece(context);
    return result;
  };
}

type RenderValue = (context: TemplateContext) => unknown;

/** A payload ready to render: `render` is absent when the payload has no template at all. */
export interface CompiledPayload {
  readonly value: unknown;
  readonly render: RenderValue | undefined;
}

export type PayloadPath = (string | number)[];

/** Visits every templated string leaf of a JSON-like value. */
function forEachTemplatedLeaf(value: unknown, path: PayloadPath, visit: (text: string, path: PayloadPath) => void): void {
  if (typeof value === "string") {
    if (isTemplated(value)) visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => forEachTemplatedLeaf(item, [...path, index], visit));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) forEachTemplatedLeaf(item, [...path, key], visit);
  }
}

/** Every template error of a payload, with the path of the leaf; used by the schema to report them all. */
export function templateIssues(payload: unknown): { path: PayloadPath; message: string }[] {
  const issues: { path: PayloadPath; message: string }[] = [];
  forEachTemplatedLeaf(payload, [], (text, path) => {
    try {
      compileTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      issues.push({ path, message: `template "${text}": ${error.message}` });
    }
  });
  return issues;
}

/** Untemplated subtrees are kept as they are (same object) so rendering only rebuilds what changes. */
function compileValue(value: unknown): RenderValue | undefined {
  if (typeof value === "string") return isTemplated(value) ? compileTemplate(value) : undefined;
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    if (items.every((item) => item === undefined)) return undefined;
    return (context) => items.map((render, index) => (render === undefined ? value[index] : render(context)));
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => [key, item, compileValue(item)] as const);
    if (entries.every(([, , render]) => render === undefined)) return undefined;
    return (context) => {
      const rendered: Record<string, unknown> = {};
      for (const [key, item, render] of entries) rendered[key] = render === undefined ? item : render(context);
      return rendered;
    };
  }
  return undefined;
}

/** Precompiles every templated string leaf; throws NylonError NYLON_E_CONFIG on a bad template. */
export function compilePayload(payload: unknown): CompiledPayload {
  try {
    return { value: payload, render: compileValue(payload) };
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new NylonError("NYLON_E_CONFIG", `invalid payload template: ${error.message}`);
    throw error;
  }
}

/** The payload with templated leaves rendered to strings; the original object when it has no template. */
export function renderPayload(compiled: CompiledPayload, context: TemplateContext): unknown {
  return compiled.render === undefined ? compiled.value : compiled.render(context);
}
