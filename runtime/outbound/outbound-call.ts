import type { PluginClock } from "../plugin/plugin-clock.js";
import { opFailure } from "../plugin/op-failure.js";
import { isAllowed, type AllowedHost } from "./allowed-hosts.js";
import type { OutboundOutcome, OutboundRequest, OutboundTransport } from "./outbound-request.js";

/** Redirects followed at most, when a plugin asks for them (fetch follows 20; a plugin's call needs few). */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface OutboundCallOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  followRedirects: boolean;
}

/**
 * One outbound call: the request, and the redirects when asked for, each hop to an allowed host
 * only, all within one deadline on the plugin's clock. Answers `done` once. Returns a function that
 * abandons the call (the plugin's instance is gone) without answering.
 */
export function startOutboundCall(
  transport: OutboundTransport,
  allowed: readonly AllowedHost[],
  first: OutboundRequest,
  options: OutboundCallOptions,
  clock: PluginClock,
  done: (outcome: OutboundOutcome) => void,
): () => void {
  let cancel: () => void = () => {};
  let finished = false;
  const finish = (outcome: OutboundOutcome): void => {
    if (finished) return;
    finished = true;
    clock.clearTimeout(deadline);
    done(outcome);
  };
  const deadline = clock.setTimeout(() => {
    cancel();
    finish(opFailure("NYLON_E_OUTBOUND_TIMEOUT", `${first.method} ${first.url.origin} did not answer within ${options.timeoutMs} ms`));
  }, options.timeoutMs);

  const send = (request: OutboundRequest, redirects: number): void => {
    cancel = transport.send(request, options.maxResponseBytes, (outcome) => {
      if (finished) return;
      if (outcome.kind === "failed" || !options.followRedirects || !REDIRECT_STATUSES.has(outcome.status)) return finish(outcome);
      const location = outcome.headers.find((h) => h.name === "location")?.value;
      if (location === undefined) return finish(outcome);
      if (redirects >= MAX_REDIRECTS) return finish(opFailure("NYLON_E_OUTBOUND_FAILED", `more than ${MAX_REDIRECTS} redirects from ${first.url.origin}`));
      let next: URL;
      try {
        next = new URL(location, request.url);
      } catch {
        return finish(opFailure("NYLON_E_OUTBOUND_FAILED", `a redirect to an invalid URL (${location.slice(0, 200)})`));
      }
      if (!isAllowed(allowed, next)) {
        return finish(opFailure("NYLON_E_OUTBOUND_REFUSED", `a redirect to ${next.origin}, which allowed_outbound_hosts does not list`));
      }
      send(redirected(request, outcome.status, next), redirects + 1);
    });
  };
  send(first, 0);
  return () => {
    finished = true;
    clock.clearTimeout(deadline);
    cancel();
  };
}

/**
 * The request a redirect asks for, as fetch makes it: 303 (and 301/302 after a POST) becomes a GET
 * without a body; credentials do not follow to another origin.
 */
function redirected(request: OutboundRequest, status: number, url: URL): OutboundRequest {
  const toGet = status === 303 || ((status === 301 || status === 302) && request.method === "POST");
  const sameOrigin = url.origin === request.url.origin;
  const headers = request.headers.filter(
    (h) => (sameOrigin || (h.name !== "authorization" && h.name !== "cookie")) && !(toGet && (h.name === "content-type" || h.name === "content-length")),
  );
  return { method: toGet ? "GET" : request.method, url, headers, body: toGet ? null : request.body };
}
