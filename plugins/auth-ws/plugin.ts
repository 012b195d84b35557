// The seed's authenticated WebSocket: the token comes in the query (?token=...) and is checked
// before the upgrade, so a bad token gets a plain HTTP 401 and no WebSocket at all.
//
// The valid tokens come from the plugin's `config` ({tokens: [...]}); the seed leaves validateToken
// undefined. Deviation from the seed: connections join "authenticated-room" when they open, otherwise
// the seed's broadcast to that room would reach nobody.
import { NylonPlugin } from "@nylon/sdk";

const ROOM = "authenticated-room";
const plugin = new NylonPlugin();

let validTokens = new Set<string>();

plugin.initialize<{ tokens?: unknown }>((config) => {
  const tokens = config?.tokens;
  if (!Array.isArray(tokens) || !tokens.every((t): t is string => typeof t === "string")) {
    throw new Error('auth-ws: config needs "tokens", a list of strings');
  }
  validTokens = new Set(tokens);
});

function validateToken(token: string): boolean {
  return token !== "" && validTokens.has(token);
}

plugin.addPhaseHandler("auth-ws", (phase) => {
  phase.requestFilter((ctx) => {
    const token = ctx.request().queryParam("token");
    if (!validateToken(token)) {
      ctx.response().setStatus(401);
      ctx.response().bodyText("Unauthorized");
      ctx.end();
      return;
    }

    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => {
        ws.joinRoom(ROOM);
        ws.sendText("Authenticated");
      },
      onMessageText: (ws, msg) => {
        ws.broadcastText(ROOM, msg);
      },
    });
    if (err) ctx.next();
  });
});
