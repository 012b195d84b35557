// The nylon the edge tests talk to: static files under /static/ (rewritten to the root) and an http
// upstream under /app/, on one catch-all route named "site".
import { startNylon, type NylonProcess } from "../support/nylon-process.js";

export function startEdgeNylon(options: { root: string; upstreamPort: number; metricsPort?: number }): Promise<NylonProcess> {
  const metrics = options.metricsPort === undefined ? "" : `metrics: ["127.0.0.1:${options.metricsPort}"]`;
  return startNylon(`
http: ["127.0.0.1:{{PORT}}"]
${metrics}
services:
  - { name: files, service_type: static, static: { root: "${options.root}" } }
  - { name: app, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${options.upstreamPort} }] }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: "/static/{*path}", service: { name: files, rewrite: /static } }
      - { path: "/app/{*path}", service: { name: app } }
`);
}
