// A test plugin that reports what it sees, so the phase tests can check every SDK method through a
// real nylon: request accessors come back as JSON, response-side observations as headers or log lines.
import { NylonPlugin, type NylonError } from "@nylon/sdk";

const plugin = new NylonPlugin();

let initConfig: unknown = null;
plugin.initialize((config) => {
  initConfig = config;
});

function code(error: NylonError | null): string | null {
  return error ? error.code : null;
}

// Every request accessor, answered as JSON. An over-cap body is logged and left to the host (413).
plugin.addPhaseHandler("inspect", (phase) => {
  phase.requestFilter((ctx) => {
    const req = ctx.request();
    const body = req.rawBody();
    if (body.error) {
      console.log(`probe body-error ${body.error.code}`);
      ctx.next();
      return;
    }
    ctx.response().bodyJSON({
      method: req.method(),
      url: req.url(),
      path: req.path(),
      query: req.query(),
      queryParam: req.queryParam("q"),
      header: req.header("x-probe"),
      absentHeader: req.header("x-absent"),
      hasAbsentHeader: req.headers().has("x-absent"),
      headers: req.headers().getAll(),
      host: req.host(),
      clientIP: req.clientIP(),
      params: req.params(),
      body: String.fromCharCode(...body.body),
      bodyLength: body.body.length,
      bytes: req.bytes(),
      timestamp: req.timestamp(),
      payload: ctx.getPayload() ?? null,
      config: initConfig,
    });
    ctx.end();
  });
});

// Header validation: every attempt's error code comes back as JSON.
plugin.addPhaseHandler("header-guard", (phase) => {
  phase.requestFilter((ctx) => {
    const res = ctx.response();
    const attempts = {
      valid: code(ctx.setResponseHeader("X-Valid", "fine")),
      crlfValue: code(ctx.setResponseHeader("X-Split", "a\r\nSet-Cookie: evil=1")),
      lfValue: code(res.setHeader("X-Split-Lf", "a\nb")),
      nulValue: code(res.setHeader("X-Nul", "a\u0000b")),
      crlfName: code(res.setHeader("X-Name\r\nEvil", "v")),
      spaceName: code(res.setHeader("Bad Name", "v")),
      emptyName: code(res.setHeader("", "v")),
      requestCrlf: code(ctx.request().setHeader("X-Up", "a\r\nb")),
      statusTooLow: code(res.setStatus(42)),
    };
    res.setStatus(200);
    res.bodyJSON(attempts);
    ctx.end();
  });
});

// Changes the request on its way up and the upstream's response on its way back.
plugin.addPhaseHandler("upstream-editor", (phase) => {
  phase.requestFilter((ctx) => {
    ctx.request().setHeader("X-Added-By-Plugin", "yes");
    ctx.request().removeHeader("X-Remove-Me");
    ctx.setResponseHeader("X-From-Request-Filter", "1");
    ctx.next();
  });
  phase.responseFilter((ctx) => {
    const res = ctx.response();
    const upstream = res.headers();
    ctx.setResponseHeader("X-Upstream-Status", String(res.status()));
    ctx.setResponseHeader("X-Upstream-Header", upstream["x-upstream"] ?? "");
    ctx.setResponseHeader("X-Seen-Request-Header", ctx.getRequestHeader("x-probe"));
    ctx.setResponseHeader("X-Seen-Request-Headers", String(Object.keys(ctx.getRequestHeaders()).length > 0));
    ctx.removeResponseHeader("X-Upstream-Secret");
    ctx.setResponseStatus(203);
    ctx.next();
  });
});

// The body filter reads the upstream body and replaces it (multi-byte text, so bytes != characters).
plugin.addPhaseHandler("body-upper", (phase) => {
  phase.responseBodyFilter((ctx) => {
    const res = ctx.response();
    const text = res.readBodyText();
    res.bodyText(`${text.toUpperCase()}|seen-bytes=${res.readBody().length}`);
    ctx.next();
  });
});

// The seed's Content-Length dance, which must stay harmless.
plugin.addPhaseHandler("length-dance", (phase) => {
  phase.responseFilter((ctx) => {
    ctx.removeResponseHeader("Content-Length");
    ctx.next();
  });
  phase.responseBodyFilter((ctx) => {
    ctx.response().bodyText(`${ctx.response().readBodyText()}!`);
    ctx.next();
  });
});

// A response filter may replace the service's body outright.
plugin.addPhaseHandler("replace-in-response-filter", (phase) => {
  phase.responseFilter((ctx) => {
    ctx.response().bodyText(`replaced ${ctx.response().status()}`);
    ctx.next();
  });
});

plugin.addPhaseHandler("response-filter-throws", (phase) => {
  phase.responseFilter(() => {
    throw new Error("probe response filter failure");
  });
});

// Per-request state in the registration closure, reported by the logging phase.
plugin.addPhaseHandler("log-capture", (phase) => {
  let trace = "";
  let statusInResponseFilter = 0;
  phase.requestFilter((ctx) => {
    trace = ctx.request().header("x-trace");
    ctx.next();
  });
  phase.responseFilter((ctx) => {
    statusInResponseFilter = ctx.response().status();
    ctx.next();
  });
  phase.logging((ctx) => {
    const res = ctx.response();
    console.log(
      `probe-log ${JSON.stringify({
        trace,
        statusInResponseFilter,
        status: res.status(),
        bytes: res.bytes(),
        duration: res.duration(),
        error: res.error(),
        path: ctx.request().path(),
      })}`,
    );
    ctx.next();
  });
});

// Answers built with each body setter, chosen by ?kind=.
plugin.addPhaseHandler("answers", (phase) => {
  phase.requestFilter((ctx) => {
    const res = ctx.response();
    switch (ctx.request().queryParam("kind")) {
      case "text":
        res.setStatus(418);
        res.bodyText("héllo");
        break;
      case "json":
        res.bodyJSON({ ok: true, n: 1 });
        break;
      case "html":
        res.bodyHTML("<p>hi</p>");
        break;
      case "raw":
        res.setHeader("Content-Type", "application/octet-stream");
        res.bodyRaw(new Uint8Array([0, 1, 2, 255]));
        break;
      case "redirect":
        res.redirect("/elsewhere", 307);
        break;
      default:
        res.setStatus(204);
    }
    ctx.end();
  });
});

// Returns without next() or end(): the host continues (and logs it once).
plugin.addPhaseHandler("silent", (phase) => {
  phase.requestFilter(() => {});
});

// A plugin service that continues: there is no upstream, so the client gets 502.
plugin.addPhaseHandler("service-next", (phase) => {
  phase.requestFilter((ctx) => ctx.next());
});

plugin.addPhaseHandler("throws", (phase) => {
  phase.requestFilter(() => {
    throw new Error("probe failure");
  });
});
