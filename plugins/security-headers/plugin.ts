// Security headers and CORS. `security` adds the usual hardening headers to every response in the
// response filter; `cors` answers preflights in the request filter and adds Access-Control-* headers to
// responses for allowed origins in the response filter.
import { NylonPlugin, type PhaseContext } from "@nylon/sdk";

interface SecurityPayload {
  content_security_policy?: string;
  /** Seconds for Strict-Transport-Security; 0 leaves the header out. */
  hsts_max_age?: number;
}

interface CorsPayload {
  /** Exact origins, or "*" for any. */
  allowed_origins?: string[];
  allowed_methods?: string[];
  allowed_headers?: string[];
  allow_credentials?: boolean;
  max_age?: number;
}

const plugin = new NylonPlugin();

plugin.addPhaseHandler("security", (phase) => {
  phase.responseFilter((ctx) => {
    const payload = ctx.getPayload<SecurityPayload>() ?? {};
    ctx.setResponseHeader("X-Content-Type-Options", "nosniff");
    ctx.setResponseHeader("X-Frame-Options", "DENY");
    ctx.setResponseHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    ctx.setResponseHeader("Content-Security-Policy", payload.content_security_policy ?? "default-src 'self'");
    const hsts = payload.hsts_max_age ?? 31536000;
    if (hsts > 0) ctx.setResponseHeader("Strict-Transport-Security", `max-age=${hsts}; includeSubDomains`);
    // Do not advertise the upstream's software.
    ctx.removeResponseHeader("X-Powered-By");
    ctx.removeResponseHeader("Server");
    ctx.next();
  });
});

function allowedOrigin(ctx: PhaseContext, cors: CorsPayload): string | undefined {
  const origin = ctx.request().header("origin");
  if (origin === "") return undefined;
  const allowed = cors.allowed_origins ?? [];
  if (allowed.includes(origin)) return origin;
  // With credentials, "*" is not allowed by browsers: echo the origin instead.
  if (allowed.includes("*")) return cors.allow_credentials ? origin : "*";
  return undefined;
}

function addCorsHeaders(ctx: PhaseContext, cors: CorsPayload, origin: string): void {
  ctx.setResponseHeader("Access-Control-Allow-Origin", origin);
  if (origin !== "*") ctx.setResponseHeader("Vary", "Origin");
  if (cors.allow_credentials) ctx.setResponseHeader("Access-Control-Allow-Credentials", "true");
}

plugin.addPhaseHandler("cors", (phase) => {
  phase.requestFilter((ctx) => {
    const req = ctx.request();
    const isPreflight = req.method() === "OPTIONS" && req.header("access-control-request-method") !== "";
    if (!isPreflight) {
      ctx.next();
      return;
    }
    const cors = ctx.getPayload<CorsPayload>() ?? {};
    const origin = allowedOrigin(ctx, cors);
    const res = ctx.response();
    res.setStatus(origin === undefined ? 403 : 204);
    if (origin !== undefined) {
      addCorsHeaders(ctx, cors, origin);
      ctx.setResponseHeader("Access-Control-Allow-Methods", (cors.allowed_methods ?? ["GET", "POST", "PUT", "DELETE", "PATCH"]).join(", "));
      const headers = cors.allowed_headers ?? [req.header("access-control-request-headers")];
      if (headers.join("") !== "") ctx.setResponseHeader("Access-Control-Allow-Headers", headers.join(", "));
      ctx.setResponseHeader("Access-Control-Max-Age", String(cors.max_age ?? 600));
    }
    ctx.end();
  });
  phase.responseFilter((ctx) => {
    const cors = ctx.getPayload<CorsPayload>() ?? {};
    const origin = allowedOrigin(ctx, cors);
    if (origin !== undefined) addCorsHeaders(ctx, cors, origin);
    ctx.next();
  });
});
