// The seed's JSON protocol: {"type": "echo" | "broadcast", "data": "..."}.
//
// Deviation from the seed: the seed broadcasts to room "lobby" but never joins it, so nobody would
// receive the broadcast. Here every connection joins "lobby" when it opens.
import { NylonPlugin } from "@nylon/sdk";

const LOBBY = "lobby";
const plugin = new NylonPlugin();

interface Message {
  type: string;
  data: string;
}

/**
 * Decodes a message like Go's json.Unmarshal into the seed's struct: missing fields are "", anything
 * that is not an object with string fields is invalid, `null` is the empty message (Go's case-insensitive
 * field names are not imitated).
 */
function parseMessage(text: string): Message | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null) return { type: "", data: "" };
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const { type = "", data = "" } = value as Record<string, unknown>;
  if (typeof type !== "string" || typeof data !== "string") return undefined;
  return { type, data };
}

plugin.addPhaseHandler("json-ws", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => {
        ws.joinRoom(LOBBY);
      },
      onMessageText: (ws, msg) => {
        const message = parseMessage(msg);
        if (!message) {
          ws.sendText("Invalid JSON");
          return;
        }
        switch (message.type) {
          case "echo":
            ws.sendText(JSON.stringify({ type: "echo", data: message.data } satisfies Message));
            break;
          case "broadcast":
            ws.broadcastText(LOBBY, message.data);
            break;
          default:
            ws.sendText("Unknown message type");
        }
      },
    });
    if (err) ctx.next();
  });
});
