// Hostile: every connection joins room "flood"; the message "misbehave" broadcasts 10 KiB to the
// room 1,000 times (10 MB) and ignores every error. Then it closes its own connection with 4000 and
// the first error code it met as the reason, so a test can see what the host answered.
import { NylonPlugin } from "@nylon/sdk";

const ROOM = "flood";
const CHUNK = "x".repeat(10 * 1024);
const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => ws.joinRoom(ROOM),
      onMessageText: (ws, msg) => {
        if (msg !== "misbehave") {
          ws.sendText("echo: " + msg);
          return;
        }
        let firstError = "";
        for (let i = 0; i < 1_000; i++) {
          const e = ws.broadcastText(ROOM, CHUNK, { excludeSelf: true });
          if (e && firstError === "") firstError = e.code;
        }
        ws.close(4000, firstError || "no error");
      },
    });
    if (err) {
      ctx.response().setStatus(200);
      ctx.response().bodyText("ok flood-broadcast");
      ctx.end();
    }
  });
});
