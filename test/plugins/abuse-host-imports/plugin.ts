// Hostile: calls host functions with absurd arguments and reports what came back. Every call must
// return an error value; none may crash or stall the proxy.
//   HTTP ?abuse=1       -> a response header value with CR/LF; answers JSON {header}
//   WebSocket "abuse:N" -> a 10 MB room name, N join-room calls with distinct names, send-text to a
//                          connection this plugin does not own; answers JSON with the error codes
import { NylonPlugin, WebSocketConn } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    if (ctx.request().queryParam("abuse") !== "") {
      const header = ctx.response().setHeader("x-injected", "value\r\nSet-Cookie: stolen=1");
      ctx.response().setStatus(200);
      ctx.response().bodyText(JSON.stringify({ header: header?.code ?? "accepted" }));
      ctx.end();
      return;
    }
    const err = ctx.webSocketUpgrade({
      onMessageText: (ws, msg) => {
        if (!msg.startsWith("abuse:")) {
          ws.sendText("echo: " + msg);
          return;
        }
        const joins = Number(msg.slice("abuse:".length));
        const hugeRoom = ws.joinRoom("r".repeat(10 * 1024 * 1024))?.code ?? "accepted";
        let joined = 0;
        let refused = "";
        for (let i = 0; i < joins; i++) {
          const e = ws.joinRoom(`room-${i}`);
          if (e === null) joined++;
          else if (refused === "") refused = e.code;
        }
        const foreign = new WebSocketConn(ws.handle + 1_000_000).sendText("not yours")?.code ?? "accepted";
        ws.sendText(JSON.stringify({ hugeRoom, joined, refused, foreign }));
      },
    });
    if (err) {
      ctx.response().setStatus(200);
      ctx.response().bodyText("ok abuse-host-imports");
      ctx.end();
    }
  });
});
