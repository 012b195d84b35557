// The echo server a conformance run talks to: a plain `ws` server (the reference, in this process) or
// nylon serving the echo plugin (in a child process). Both answer text with "Echo: " + text and binary
// with the same bytes, so cases are written once against `textEcho`.
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { nylonUnavailableReason, startNylon, type NylonPluginRoute } from "../../bench/support/nylon-server.js";

export interface EchoTarget {
  url: string;
  /** What the target answers to a text message. */
  textEcho: (msg: string) => string;
  stop(): Promise<void>;
}

export type EchoTargetName = "ws" | "nylon";

/** The largest message the targets accept; one byte more must be refused with 1009. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The seed's echo plugin answer to a text message, which the plain `ws` target imitates. */
export const echoText = (msg: string) => "Echo: " + msg;
const ECHO_ROUTE: NylonPluginRoute = { plugin: "echo", entry: "echo", path: "/ws" };

export async function startWsEchoTarget(port = 0): Promise<EchoTarget> {
  const server = new WebSocketServer({ host: "127.0.0.1", port, path: "/ws", maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  server.on("connection", (socket) => {
    socket.on("error", () => {}); // a protocol error is already answered with its close code; nothing else to do
    socket.on("message", (data, isBinary) => {
      if (isBinary) socket.send(data, { binary: true });
      else socket.send(echoText(data.toString()));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${boundPort}/ws`,
    textEcho: echoText,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** nylon serving plugins/echo; rejects (with nylon's stderr) when nylon isn't built or doesn't start. */
export async function startNylonEchoTarget(): Promise<EchoTarget> {
  const unavailable = nylonUnavailableReason([ECHO_ROUTE]);
  if (unavailable) throw new Error(`nylon echo target: ${unavailable}`);
  const server = await startNylon([ECHO_ROUTE]);
  return { url: `ws://127.0.0.1:${server.port}${ECHO_ROUTE.path}`, textEcho: echoText, stop: server.stop };
}

export function startEchoTarget(name: EchoTargetName): Promise<EchoTarget> {
  return name === "nylon" ? startNylonEchoTarget() : startWsEchoTarget();
}

/**
 * NYLON_CONFORMANCE_TARGET=ws|nylon, else nylon as soon as it is built (so a nylon that then fails to
 * start fails the run instead of quietly testing `ws`), else ws.
 */
export function chooseEchoTarget(env = process.env): { name: EchoTargetName; why: string } {
  const requested = env.NYLON_CONFORMANCE_TARGET;
  if (requested === "ws" || requested === "nylon") return { name: requested, why: "NYLON_CONFORMANCE_TARGET" };
  if (requested) throw new Error(`NYLON_CONFORMANCE_TARGET must be "ws" or "nylon", not "${requested}"`);
  const unavailable = nylonUnavailableReason([ECHO_ROUTE]);
  return unavailable ? { name: "ws", why: `nylon ${unavailable}` } : { name: "nylon", why: "nylon is built" };
}
