import type { IncomingHttpHeaders } from "node:http";
import { offeredProtocols, upgradeRequestError } from "../websocket/upgrade-request.js";
import type { WebSocketSettings } from "../websocket/websocket-settings.js";
import { copyHeaders } from "./header-copy.js";
import { allocateRequestId, newResponseState, type RequestContext } from "./request-context.js";

/** A request as received, and what the host knows about it before any phase runs. */
export interface RequestInput {
  method: string;
  /** Path and query: the normalised target the request was routed on (request-target.ts). */
  target: string;
  /** The headers as the client sent them (the WebSocket handshake is checked on these). */
  headers: IncomingHttpHeaders;
  /**
   * The headers plugins see and that go upstream, owned by the context from now on; a copy of
   * `headers` when absent. The proxy gives them without hop-by-hop headers (client-request.ts).
   */
  forwardHeaders?: IncomingHttpHeaders;
  tls: boolean;
  clientIp: string;
  /** Route parameters of the matched path. */
  params: Record<string, string>;
  /** The request arrived as an HTTP Upgrade (a WebSocket may be accepted). */
  isUpgrade: boolean;
  wsSettings: WebSocketSettings;
  startedAt: number;
}

/** The context the phases and host functions share; the proxy and the sandbox harness both build it here. */
export function createRequestContext(input: RequestInput): RequestContext {
  const { target } = input;
  const q = target.indexOf("?");
  const headers = input.forwardHeaders ?? copyHeaders(input.headers);
  return {
    id: allocateRequestId(),
    method: input.method,
    target,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? "" : target.slice(q + 1),
    host: stripPort(headers.host ?? ""),
    tls: input.tls,
    clientIp: input.clientIp,
    startedAt: input.startedAt,
    headers,
    params: input.params,
    body: null,
    bodyTooLarge: false,
    bodyRefused: false,
    response: newResponseState(),
    currentPayload: undefined,
    upgrade: null,
    upgradeError: input.isUpgrade ? upgradeRequestError(input) : "the request is not an HTTP Upgrade request",
    offeredProtocols: input.isUpgrade ? offeredProtocols(input) : [],
    wsSettings: input.wsSettings,
    stream: null,
  };
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}
