import type { TemplateContext } from "../config/template.js";
import type { RequestContext } from "./request-context.js";

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) if (!out.has(k)) out.set(k, v);
  return out;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (out.has(name)) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}

/** What payload templates read: the request as it stands now (after earlier header changes). */
export function templateContextFor(ctx: RequestContext): TemplateContext {
  let query: Map<string, string> | undefined;
  let cookies: Map<string, string> | undefined;
  return {
    header: (name) => firstValue(ctx.headers[name.toLowerCase()]),
    clientIp: ctx.clientIp,
    host: ctx.host,
    tls: ctx.tls,
    method: ctx.method,
    path: ctx.path,
    query: (name) => (query ??= parseQuery(ctx.query)).get(name),
    cookie: (name) => (cookies ??= parseCookies(firstValue(ctx.headers.cookie))).get(name),
    param: (name) => ctx.params[name],
  };
}
