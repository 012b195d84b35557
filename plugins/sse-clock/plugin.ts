// Server-sent events from a plugin service: the request filter starts a stream, then a host timer writes
// one event per tick and ends the stream after `count` ticks. The client gets each event as it is written.
import { NylonPlugin, type ResponseStream } from "@nylon/sdk";

interface ClockPayload {
  interval_ms?: number;
  count?: number;
}

const plugin = new NylonPlugin();

function tick(stream: ResponseStream, n: number, count: number, intervalMs: number): void {
  const event = `id: ${n}\nevent: tick\ndata: ${JSON.stringify({ n, time: new Date(Date.now()).toISOString() })}\n\n`;
  // An error means the client went away: stop ticking.
  if (stream.write(event)) return;
  if (n >= count) {
    stream.end();
    return;
  }
  setTimeout(() => tick(stream, n + 1, count, intervalMs), intervalMs);
}

plugin.addPhaseHandler("clock", (phase) => {
  phase.requestFilter((ctx) => {
    const payload = ctx.getPayload<ClockPayload>() ?? {};
    const intervalMs = Math.max(10, Number(payload.interval_ms ?? 1000));
    const count = Math.max(1, Number(payload.count ?? 5));
    const res = ctx.response();
    res.setHeader("Content-Type", "text/event-stream");
    res.setHeader("Cache-Control", "no-cache");
    const { stream, error } = res.stream();
    if (!stream) {
      res.setStatus(500);
      res.bodyText(`cannot stream: ${error?.message ?? "unknown"}`);
      ctx.end();
      return;
    }
    // A comment line first, so clients and intermediaries see the stream open at once.
    stream.write(": connected\n\n");
    setTimeout(() => tick(stream, 1, count, intervalMs), intervalMs);
  });
});
