// A client that stops reading pauses the upstream's body: nylon's memory stays bounded.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { startNylon } from "../support/nylon-process.js";

test("a slow client applies backpressure to the upstream body", async () => {
  const chunk = Buffer.alloc(64 * 1024, 120);
  let written = 0;
  let stalled = false;
  const upstream = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    const pump = () => {
      // Write while the socket accepts; a proxy without backpressure would keep accepting.
      while (written < 2 * 1024 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) {
          stalled = true;
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const port = (upstream.address() as net.AddressInfo).port;
  const nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
services:
  - { name: up, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${port} }] }
routes:
  - name: r
    route: { type: host, value: "*" }
    paths:
      - { path: /big, service: { name: up } }
`);
  try {
    const client = net.connect(nylon.port, "127.0.0.1");
    await new Promise((r) => client.once("connect", r));
    client.write(`GET /big HTTP/1.1\r\nhost: x\r\n\r\n`);
    await new Promise((r) => client.once("data", r));
    client.pause(); // the client stops reading
    await new Promise((r) => setTimeout(r, 2000));
    const after2s = written;
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(stalled, "the upstream never saw backpressure");
    // Loopback moves gigabytes per second; bounded buffers keep this to a few tens of MB.
    assert.ok(written < 256 * 1024 * 1024, `the upstream wrote ${written} bytes to a client that stopped reading`);
    assert.equal(written, after2s, "the upstream kept writing while the client was paused");
    client.destroy();
  } finally {
    await nylon.stop();
    upstream.closeAllConnections();
    upstream.close();
  }
});
