import type http from "node:http";

/** Where /metrics comes from: one process's registry, or a node's workers aggregated (null: not built yet). */
export interface MetricsText {
  readonly contentType: string;
  scrape(): Promise<string>;
}

/** What /health says: 200 with `text`, or 503 with it. */
export interface HealthState {
  healthy: boolean;
  text: string;
}

/**
 * What a `metrics:` listener serves: GET /metrics (Prometheus text) and GET /health (200 while the
 * proxy serves, 503 once it drains for shutdown, so a load balancer stops sending traffic first).
 */
export function opsEndpoints(metrics: () => MetricsText | null, health: () => HealthState): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (req.method !== "GET" && req.method !== "HEAD") return answer(res, 405, "text/plain", "method not allowed\n");
    if (path === "/health") {
      const { healthy, text } = health();
      return answer(res, healthy ? 200 : 503, "text/plain", `${text}\n`);
    }
    const served = metrics();
    if (path !== "/metrics" || !served) return answer(res, 404, "text/plain", "not found: try /metrics or /health\n");
    served.scrape().then(
      (text) => answer(res, 200, served.contentType, text),
      (err: Error) => answer(res, 500, "text/plain", `metrics failed: ${err.message}\n`),
    );
  };
}

function answer(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
