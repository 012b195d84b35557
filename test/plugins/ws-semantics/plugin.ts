// Exposes every WebSocket callback and method through a small text protocol, for the semantics,
// limits and slow-consumer tests. Each connection answers its own commands:
//   "join <room>" / "leave <room>" / "twice <room>" (join twice)  -> "ok" or "err <code>"
//   "bcast <room> <msg>" / "bcastx <room> <msg>" (exclude self)     -> the broadcast; "err <code>" on failure
//   "bin <room> <ascii>" / "binx <room> <ascii>"                    -> a binary broadcast of the ASCII bytes
//   "rooms" -> "rooms <a,b,...>" (sorted)   "size <room>" -> "size <n>"   "id" -> "id <id>"
//   "to <id> <msg>" -> <msg> to that connection ("err <code>" if refused)
//   "close [<code> [<reason>]]" -> ws.close(...) ("err <code>" if refused)   "throw" -> the callback throws
//   binary messages come back as they are.
// Every event is reported into room "log" as "<id> open|text <length>|binary <length>|error <msg>|close <code> <reason>",
// so a watcher (?watch=1: joins "log", reports nothing) sees each connection's events in order; close is
// reported from onClose itself, which proves effects issued there reach the others.
// Subprotocols: "chat.v2" is accepted when offered; ?want=<p> asks for <p> whatever was offered.
// A request that is not a WebSocket handshake gets 400 "not a websocket: <code>".
import { NylonPlugin, type NylonError, type WebSocketConn } from "@nylon/sdk";

const LOG_ROOM = "log";
const plugin = new NylonPlugin();

function answer(ws: WebSocketConn, err: NylonError | null): void {
  ws.sendText(err ? `err ${err.code}` : "ok");
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(Array.from(text, (c) => c.charCodeAt(0) & 0xff));
}

/** "<verb> <arg> <rest...>" where rest may contain spaces. */
function split(msg: string): [string, string, string] {
  const first = msg.indexOf(" ");
  if (first < 0) return [msg, "", ""];
  const second = msg.indexOf(" ", first + 1);
  if (second < 0) return [msg.slice(0, first), msg.slice(first + 1), ""];
  return [msg.slice(0, first), msg.slice(first + 1, second), msg.slice(second + 1)];
}

function command(ws: WebSocketConn, msg: string): void {
  const [verb, arg, rest] = split(msg);
  switch (verb) {
    case "join":
      return answer(ws, ws.joinRoom(arg));
    case "leave":
      return answer(ws, ws.leaveRoom(arg));
    case "twice":
      ws.joinRoom(arg);
      return answer(ws, ws.joinRoom(arg));
    case "bcast":
    case "bcastx": {
      const err = ws.broadcastText(arg, rest, { excludeSelf: verb === "bcastx" });
      if (err) answer(ws, err);
      return;
    }
    case "bin":
    case "binx": {
      const err = ws.broadcastBinary(arg, asciiBytes(rest), { excludeSelf: verb === "binx" });
      if (err) answer(ws, err);
      return;
    }
    case "rooms":
      ws.sendText(`rooms ${ws.rooms().sort().join(",")}`);
      return;
    case "size":
      ws.sendText(`size ${ws.roomSize(arg)}`);
      return;
    case "id":
      ws.sendText(`id ${ws.id}`);
      return;
    case "to": {
      const err = ws.sendTextTo(arg, rest);
      if (err) answer(ws, err);
      return;
    }
    case "close": {
      const err = arg === "" ? ws.close() : ws.close(Number(arg), rest === "" ? undefined : rest);
      if (err) answer(ws, err);
      return;
    }
    case "throw":
      throw new Error("asked to throw");
    default:
      ws.sendText(`unknown ${verb}`);
  }
}

plugin.addPhaseHandler("semantics", (phase) => {
  phase.requestFilter((ctx) => {
    const watcher = ctx.request().queryParam("watch") === "1";
    const offered = ctx.request().header("sec-websocket-protocol").split(",").map((p) => p.trim());
    const protocol = ctx.request().queryParam("want") || (offered.includes("chat.v2") ? "chat.v2" : undefined);
    const report = (ws: WebSocketConn, event: string) => {
      if (!watcher) ws.broadcastText(LOG_ROOM, `${ws.id} ${event}`);
    };

    const err = ctx.webSocketUpgrade(
      {
        onOpen: (ws) => {
          if (watcher) ws.joinRoom(LOG_ROOM);
          report(ws, "open");
        },
        onMessageText: (ws, msg) => {
          report(ws, `text ${msg.length}`);
          command(ws, msg);
        },
        onMessageBinary: (ws, data) => {
          report(ws, `binary ${data.length}`);
          ws.sendBinary(data);
        },
        onError: (ws, error) => report(ws, `error ${error}`),
        onClose: (ws, code, reason) => report(ws, `close ${code} ${reason}`),
      },
      { protocol },
    );
    if (err) {
      ctx.response().setStatus(400);
      ctx.response().bodyText(`not a websocket: ${err.code}`);
      ctx.end();
    }
  });
});
