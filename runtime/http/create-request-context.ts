import type { IncomingHttpHeaders } from "node:http";
import { offeredProtocols, upgradeRequestError } from "../websocket/upgrade-request.js";
import type { WebSocketSettings } from "../websocket/websocket-settings.js";
import { allocateRequestId, newResponseState, type RequestContext } from "./request-context.js";

/** A request as received, and what the host knows about it before any phase runs. */
export interface RequestInput {
  method: string;
  /** Path and query as received. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
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
  const { rawUrl } = input;
  const q = rawUrl.indexOf("?");
  return {
    id: allocateRequestId(),
    method: input.method,
    rawUrl,
    path: q < 0 ? rawUrl : rawUrl.slice(0, q),
    query: q < 0 ? "" : rawUrl.slice(q + 1),
    host: stripPort(input.headers.host ?? ""),
    tls: input.tls,
    clientIp: input.clientIp,
    startedAt: input.startedAt,
    headers: { ...input.headers },
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
