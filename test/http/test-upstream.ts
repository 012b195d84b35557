// Real upstream servers for the HTTP tests: node:http on a free port, closed with all their sockets.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestUpstream {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startUpstream(handler: RequestListener, port = 0): Promise<TestUpstream> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, read, released). */
export async function closedPort(): Promise<number> {
  const upstream = await startUpstream(() => {});
  await upstream.close();
  return upstream.port;
}
