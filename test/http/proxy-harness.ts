// A test-only proxy: the client front (client-request.ts) + router + services + a plain writer,
// standing in for the real pipeline (runtime/http/request-pipeline.ts) so these tests exercise only
// the http/ pieces. The benchmark also uses it
// to measure the forwarder on its own.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { NylonError } from "../../runtime/errors.js";
import { readClientRequest } from "../../runtime/http/client-request.js";
import { forward } from "../../runtime/http/proxy-service.js";
import { Router, type RouterInput } from "../../runtime/http/router.js";
import { errorResponse, type ServiceResponse } from "../../runtime/http/service-response.js";
import { StaticSite, type StaticSiteInput } from "../../runtime/http/static-service.js";
import { UpstreamPool, type HttpServiceInput, type UpstreamPoolOptions } from "../../runtime/http/upstream-pool.js";
import { tunnelUpgrade } from "../../runtime/http/ws-tunnel.js";

export type HarnessService =
  | ({ service_type: "http" } & HttpServiceInput)
  | { service_type: "static"; name: string; static: StaticSiteInput };

export interface HarnessConfig extends RouterInput {
  services: HarnessService[];
}

export interface ProxyHarness {
  server: Server;
  port: number;
  pools: Map<string, UpstreamPool>;
  close(): Promise<void>;
}

export async function startProxyHarness(config: HarnessConfig, options: UpstreamPoolOptions = {}, port = 0): Promise<ProxyHarness> {
  const router = new Router(config);
  const pools = new Map<string, UpstreamPool>();
  const sites = new Map<string, StaticSite>();
  for (const service of config.services) {
    if (service.service_type === "http") pools.set(service.name, new UpstreamPool(service, options));
    else sites.set(service.name, new StaticSite(service.static));
  }

  // The same front as the pipeline: framing checks, the normalised target, headers without hop-by-hop ones.
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const client = readClientRequest(req);
    if (client instanceof NylonError) return write(res, errorResponse(client, { connection: "close" }));
    const method = req.method ?? "GET";
    const match = router.matchTarget({ method, path: client.target.path, host: client.host, headers: req.headers });
    if (match.kind === "miss") {
      return write(res, errorResponse(match.error, match.allow.length > 0 ? { allow: match.allow.join(", ") } : {}));
    }
    const name = match.pathEntry.service.name;
    const site = sites.get(name);
    if (site !== undefined) {
      return write(res, await site.serve({ method, path: client.target.target, headers: client.headers }, match.pathEntry.service.rewrite));
    }
    const clientIp = req.socket.remoteAddress ?? "";
    const body = client.hasBody ? req : null;
    const input = { method, target: client.target.target, headers: client.headers, body, clientIp, tls: false, host: client.host, rewrite: match.rewrite };
    return write(res, await forward(input, pools.get(name)!));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      const known = error instanceof NylonError ? error : new NylonError("NYLON_E_UPSTREAM", String(error));
      void write(res, errorResponse(known));
    });
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const client = readClientRequest(req);
    if (client instanceof NylonError) return socket.destroy();
    const match = router.matchTarget({ method: req.method ?? "GET", path: client.target.path, host: client.host, headers: req.headers });
    const pool = match.kind === "match" ? pools.get(match.pathEntry.service.name) : undefined;
    if (match.kind === "miss" || pool === undefined) return socket.destroy();
    const clientIp = req.socket.remoteAddress ?? "";
    const request = { method: req.method ?? "GET", target: client.target.target, headers: client.headers, clientIp, tls: false, host: client.host };
    tunnelUpgrade({ ...request, rewrite: match.rewrite, upgrade: req.headers.upgrade }, socket, head, pool);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    pools,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}

function write(res: ServerResponse, response: ServiceResponse): void {
  res.writeHead(response.status, response.headers);
  const body = response.body;
  if (body === null) res.end();
  else if (Buffer.isBuffer(body)) res.end(body);
  else {
    // pipe(), not stream.pipeline(): pipeline allocates and fires an AbortController per call, a
    // measurable cost in the benchmark.
    body.on("error", () => res.destroy());
    res.on("close", () => body.destroy());
    body.pipe(res);
  }
}
