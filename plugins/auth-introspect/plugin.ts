// Bearer-token authentication against an OAuth 2.0 introspection endpoint (RFC 7662): the request
// filter asks the endpoint whether the token is active and caches the answer in the plugin's store
// until the token expires (at most `cache_ttl_ms`), so a token is checked once per TTL, not per request.
// A valid token continues with its subject in X-Auth-Subject; any other gets 401; when the endpoint
// cannot answer (down, too slow, not allowed) the client gets 503 and the request goes no further.
import { NylonPlugin, fetch, store } from "@nylon/sdk";

interface IntrospectConfig {
  /** The endpoint; its origin must be listed in the plugin's allowed_outbound_hosts. */
  introspection_url: string;
  /** Longest a cached answer is kept (an inactive token's answer is kept this long). Default 60 s. */
  cache_ttl_ms?: number;
  /** Deadline of one introspection call. Default 2 s. */
  timeout_ms?: number;
}

/** What is cached per token: whether it is active, and whose it is. */
interface Verdict {
  active: boolean;
  sub?: string;
}

const plugin = new NylonPlugin();
let settings: Required<IntrospectConfig>;

plugin.initialize<IntrospectConfig>((config) => {
  if (typeof config.introspection_url !== "string") throw new Error("config.introspection_url is required");
  settings = { cache_ttl_ms: 60_000, timeout_ms: 2000, ...config };
});

const cacheKey = (token: string) => `token:${token}`;

/** How long a verdict may be cached: until the token's `exp` (seconds since the epoch), at most cache_ttl_ms. */
function ttlFor(answer: { active?: boolean; exp?: number }): number {
  const untilExpiry = typeof answer.exp === "number" ? answer.exp * 1000 - Date.now() : Infinity;
  return Math.max(1, Math.min(settings.cache_ttl_ms, untilExpiry));
}

plugin.addPhaseHandler("auth", (phase) => {
  phase.requestFilter((ctx) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.request().header("authorization"));
    const decide = (verdict: Verdict): void => {
      if (verdict.active && verdict.sub) {
        ctx.request().setHeader("X-Auth-Subject", verdict.sub);
        ctx.next();
        return;
      }
      ctx.response().setStatus(401);
      ctx.response().setHeader("WWW-Authenticate", 'Bearer realm="nylon"');
      ctx.response().bodyJSON({ error: "unauthorized", message: match ? "invalid bearer token" : "a bearer token is required" });
      ctx.end();
    };
    if (!match) return decide({ active: false });
    const token = match[1]!;

    store.getText(cacheKey(token), (cacheError, cached) => {
      // A store that cannot answer costs a call to the endpoint, not the request.
      if (!cacheError && cached !== null) return decide(JSON.parse(cached) as Verdict);
      fetch(
        settings.introspection_url,
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: `token=${encodeURIComponent(token)}`,
          timeoutMs: settings.timeout_ms,
        },
        (callError, response) => {
          if (callError || !response || response.status !== 200) {
            console.error(`introspection failed: ${callError ? `${callError.code} ${callError.message}` : `status ${response?.status}`}`);
            ctx.response().setStatus(503);
            ctx.response().bodyJSON({ error: "unavailable", message: "the token cannot be checked right now" });
            ctx.end();
            return;
          }
          const answer = response.json<{ active?: boolean; sub?: string; exp?: number }>();
          const verdict: Verdict = { active: answer.active === true, sub: typeof answer.sub === "string" ? answer.sub : undefined };
          store.set(cacheKey(token), JSON.stringify(verdict), { ttlMs: ttlFor(answer) });
          decide(verdict);
        },
      );
    });
  });
});
