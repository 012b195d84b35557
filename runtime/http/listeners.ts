import http from "node:http";
import type { Duplex } from "node:stream";
import { NylonError } from "../errors.js";
import { parseListenerAddress } from "../config/listener-address.js";

export interface ConnectionHandlers {
  request(req: http.IncomingMessage, res: http.ServerResponse): void;
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** Opens every `http` address; fails (closing what was opened) if any cannot be bound. */
export async function openHttpListeners(addresses: readonly string[], handlers: ConnectionHandlers): Promise<http.Server[]> {
  const servers: http.Server[] = [];
  try {
    for (const address of addresses) {
      const parsed = parseListenerAddress(address)!;
      const server = http.createServer({ keepAliveTimeout: 65_000 }, handlers.request);
      server.on("upgrade", handlers.upgrade);
      server.on("clientError", (_err, socket) => {
        if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
        else socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", (err) =>
          reject(new NylonError("NYLON_E_CONFIG", `cannot listen on ${address}: ${(err as Error).message}`, { cause: err })),
        );
        server.listen(parsed.port, parsed.host, () => resolve());
      });
      servers.push(server);
    }
  } catch (err) {
    await closeServers(servers);
    throw err;
  }
  return servers;
}

export async function closeServers(servers: readonly http.Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}
