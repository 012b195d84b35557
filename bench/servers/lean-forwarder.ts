// The leanest reverse proxy a Node user could write on the same undici Pool nylon forwards with: no
// router, no plugin phases, no access log or metrics; hop-by-hop headers dropped, X-Forwarded-For
// added, bodies streamed both ways. bench/http-proxy measures nylon's pipeline against it.
//
//   node dist/bench/servers/lean-forwarder.js PORT UPSTREAM_PORT
import http from "node:http";
import { Pool } from "undici";

/** Hop-by-hop headers, and Host (set again for the upstream). */
const NOT_FORWARDED = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"]);

const [port, upstreamPort] = [Number(process.argv[2]), Number(process.argv[3])];
const pool = new Pool(`http://127.0.0.1:${upstreamPort}`);

function requestHeaders(req: http.IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
  }
  headers["host"] = req.headers.host ?? `127.0.0.1:${upstreamPort}`;
  const client = req.socket.remoteAddress ?? "";
  headers["x-forwarded-for"] = req.headers["x-forwarded-for"] ? `${String(req.headers["x-forwarded-for"])}, ${client}` : client;
  return headers;
}

const server = http.createServer(async (req, res) => {
  try {
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const upstream = await pool.request({
      path: req.url ?? "/",
      method: req.method as "GET",
      headers: requestHeaders(req),
      body: hasBody ? req : null,
    });
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
    }
    res.writeHead(upstream.statusCode, headers);
    for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  }
});
server.listen(port, "127.0.0.1");
process.once("SIGTERM", () => process.exit(0));
