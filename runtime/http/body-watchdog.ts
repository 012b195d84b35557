// The request body's own deadline: it may take as long as it likes while it keeps coming, so a
// long upload is never cut by the upstream's timeout_ms, but it may not stop. No byte from the
// client for `request_body_timeout_ms`, while nylon was reading, is the client's fault (408); while
// the reader was not taking the body (paused, or nobody reading yet), the upstream's (504).
//
// Progress is the socket's byte count, read every quarter of the deadline, so a stall is seen
// between 1x and 1.25x the deadline; one timer per request with a body, none for the others.
import type { IncomingMessage } from "node:http";

export type BodyStall = "client-silent" | "reader-stopped";

export function watchRequestBody(req: IncomingMessage, timeoutMs: number, onStall: (stall: BodyStall) => void): void {
  const socket = req.socket;
  const tickMs = Math.max(1, Math.floor(timeoutMs / 4));
  let lastBytes = socket.bytesRead;
  let quietMs = 0;
  const timer = setInterval(() => {
    const bytes = socket.bytesRead;
    if (bytes !== lastBytes) {
      lastBytes = bytes;
      quietMs = 0;
      return;
    }
    quietMs += tickMs;
    if (quietMs < timeoutMs) return;
    stop();
    onStall(req.readableFlowing === true && req.readableLength === 0 ? "client-silent" : "reader-stopped");
  }, tickMs);
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    req.off("end", stop);
    req.off("close", stop);
  };
  req.once("end", stop);
  req.once("close", stop);
}
