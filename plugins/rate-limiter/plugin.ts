// A fixed-window rate limiter in the request filter: at most `limit` requests per `window_seconds` per
// key (the client IP unless the payload names another, e.g. "${header(x-api-key)}"). Over the limit the
// client gets 429 with Retry-After. Counters live in this plugin instance (one proxy process).
import { NylonPlugin } from "@nylon/sdk";

interface LimitPayload {
  limit?: number;
  window_seconds?: number;
  key?: string;
}

interface Window {
  startedMs: number;
  count: number;
}

/** Past this many keys, expired windows are swept so memory stays bounded. */
const SWEEP_AT_KEYS = 10_000;

const plugin = new NylonPlugin();
const windows = new Map<string, Window>();

function sweep(nowMs: number, windowMs: number): void {
  for (const [key, w] of windows) if (nowMs - w.startedMs >= windowMs) windows.delete(key);
}

plugin.addPhaseHandler("limit", (phase) => {
  phase.requestFilter((ctx) => {
    const payload = ctx.getPayload<LimitPayload>() ?? {};
    const limit = payload.limit ?? 60;
    const windowMs = (payload.window_seconds ?? 60) * 1000;
    const key = payload.key || ctx.request().clientIP();
    const now = Date.now(); // the host's clock

    let w = windows.get(key);
    if (!w || now - w.startedMs >= windowMs) {
      if (!w && windows.size >= SWEEP_AT_KEYS) sweep(now, windowMs);
      w = { startedMs: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    const remaining = Math.max(0, limit - w.count);
    const resetSeconds = Math.max(1, Math.ceil((w.startedMs + windowMs - now) / 1000));
    ctx.setResponseHeader("X-RateLimit-Limit", String(limit));
    ctx.setResponseHeader("X-RateLimit-Remaining", String(remaining));
    if (w.count > limit) {
      const res = ctx.response();
      res.setStatus(429);
      res.setHeader("Retry-After", String(resetSeconds));
      res.bodyJSON({ error: "rate_limited", retry_after_seconds: resetSeconds });
      ctx.end();
      return;
    }
    ctx.next();
  });
});
