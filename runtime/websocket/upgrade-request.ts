import type { IncomingMessage } from "node:http";

/** What the handshake checks read: a Node request, or the sandbox harness's simulated one. */
type HandshakeRequest = Pick<IncomingMessage, "headers"> & { method?: string | undefined };

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Why a request is not a valid RFC 6455 opening handshake, or null when it is. */
export function upgradeRequestError(req: HandshakeRequest): string | null {
  if (req.method !== "GET") return `method ${req.method} cannot open a WebSocket (GET required)`;
  if ((req.headers.upgrade ?? "").toLowerCase() !== "websocket") return "missing Upgrade: websocket header";
  const connection = (req.headers.connection ?? "").toLowerCase().split(",").map((s) => s.trim());
  if (!connection.includes("upgrade")) return "missing Connection: Upgrade header";
  const key = req.headers["sec-websocket-key"];
  if (!key || !KEY.test(key)) return "missing or invalid Sec-WebSocket-Key header";
  if (req.headers["sec-websocket-version"] !== "13") return "unsupported Sec-WebSocket-Version (13 required)";
  return null;
}

/** The subprotocols the client offered, in its order. */
export function offeredProtocols(req: HandshakeRequest): string[] {
  const header = req.headers["sec-websocket-protocol"];
  if (!header) return [];
  return header
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
