// An access log written in the logging phase, after the client has the whole response: one JSON line per
// request in the proxy's log (console.log goes there, tagged with this plugin's name).
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("access-log", (phase) => {
  phase.logging((ctx) => {
    const req = ctx.request();
    const res = ctx.response();
    const line: Record<string, string | number> = {
      method: req.method(),
      path: req.path(),
      status: res.status(),
      bytes: res.bytes(),
      duration_ms: res.duration(),
      client_ip: req.clientIP(),
      user_agent: req.header("user-agent"),
    };
    const error = res.error();
    if (error !== "") line.error = error;
    console.log(`access ${JSON.stringify(line)}`);
    ctx.next();
  });
});
