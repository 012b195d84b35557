import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import type { ConnectionTransport } from "./connection.js";
import type { OutboundMessage } from "./outbound-message.js";
import { bytesCorkedThisTurn, writeCoalesced } from "./write-coalescer.js";

/**
 * A connection's frames on a real socket. Without compression the already-built frame bytes are
 * written straight to the socket (a broadcast is framed once for all receivers); with
 * permessage-deflate, ws's sender must compress and order them.
 */
export function wsTransport(ws: WebSocket): ConnectionTransport {
  const socket = (ws as unknown as { _socket: Socket })._socket;
  const compressed = ws.extensions !== "";
  return {
    // What the peer has not taken from earlier turns (the kernel refused it), not this turn's batch.
    get bufferedAmount() {
      return ws.bufferedAmount - bytesCorkedThisTurn(socket);
    },
    get writable() {
      return ws.readyState === ws.OPEN && socket.writable;
    },
    send(message: OutboundMessage) {
      if (compressed) ws.send(message.data, { binary: message.binary });
      else writeCoalesced(socket, message.frame());
    },
    close(code, reason) {
      ws.close(code, reason);
    },
    terminate() {
      ws.terminate();
    },
  };
}
