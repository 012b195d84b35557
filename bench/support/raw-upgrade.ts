// The RFC 6455 opening handshake done by hand over a plain TCP socket, so benchmarks and conformance
// cases can then write and read raw frame bytes with no WebSocket library in between.
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const HEADER_END = "\r\n\r\n";
const MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

export interface UpgradedSocket {
  socket: Socket;
  /** Bytes that arrived after the 101 response head: the start of the server's first frames. */
  leftover: Buffer;
}

/** Connects to a ws:// URL (path and query included) and completes the upgrade; rejects unless 101 with the right accept key. */
export function rawUpgrade(url: string, timeoutMs = 10_000): Promise<UpgradedSocket> {
  const target = new URL(url);
  const key = randomBytes(16).toString("base64");
  const expectedAccept = createHash("sha1").update(key + HANDSHAKE_GUID).digest("base64");
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port || 80) });
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(`upgrade to ${url} failed: ${reason}`));
    };
    const timer = setTimeout(() => fail("timed out"), timeoutMs);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0) {
        if (head.length > MAX_RESPONSE_HEAD_BYTES) fail("response head too large");
        return;
      }
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      const lines = head.subarray(0, end).toString("latin1").split("\r\n");
      const accept = lines.find((line) => /^sec-websocket-accept:/i.test(line))?.split(":")[1]?.trim();
      if (!/^HTTP\/1\.1 101 /.test(lines[0] ?? "")) return fail(`status line "${lines[0]}"`);
      if (accept !== expectedAccept) return fail(`Sec-WebSocket-Accept "${accept}" instead of "${expectedAccept}"`);
      resolve({ socket, leftover: head.subarray(end + HEADER_END.length) });
    };
    const onError = (error: Error) => {
      clearTimeout(timer);
      fail(error.message);
    };
    socket.on("data", onData);
    socket.on("error", onError);
    socket.once("connect", () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\n` +
          `Host: ${target.host}\r\n` +
          "Upgrade: websocket\r\n" +
          "Connection: Upgrade\r\n" +
          `Sec-WebSocket-Key: ${key}\r\n` +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      );
    });
  });
}
