// An Upgrade request (WebSocket or other) on a route whose service is an http upstream is tunnelled
// the way nginx does it: the upgrade request goes to the selected endpoint with the headers the
// request-phase middleware left and X-Forwarded-* (upstream-request.ts, as for plain requests), the
// upstream's answer comes back as it is - its 101 and headers (Sec-WebSocket-Accept, subprotocol), or
// its refusal with body - and after a 101 bytes are piped both ways until either side closes, which
// closes the other. Frames are not parsed: plugins do not see tunnelled traffic.
//
// Failures before the upstream answers get a JSON error written on the raw socket: no healthy
// endpoint or connection error -> 502, a connect timeout or no answer within the service's
// timeout_ms -> 504, as for plain requests (proxy-service.ts). A connection that fails before it is
// established (refused, unreachable, or not connected within the service's connect_timeout_ms:
// nothing was sent) counts against the endpoint's health and the upgrade is tried on the next
// endpoint the balancer offers, each endpoint at most once; once none is left the last failure is
// answered (504 if it was a connect timeout, 502 otherwise). An error after the connection was
// established is not retried. timeout_ms covers all attempts together.
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import { errorBody, NylonError } from "../errors.js";
import type { TunnelOutcome } from "../observe/request-observer.js";
import { withoutHopByHop } from "./hop-by-hop.js";
import { clientMessage, UpstreamError } from "./upstream-error.js";
import type { UpstreamEndpoint, UpstreamPool } from "./upstream-pool.js";
import { upstreamHeaders, upstreamTarget, type UpstreamRequest } from "./upstream-request.js";

export interface TunnelRequest extends UpstreamRequest {
  /** The client's Upgrade header (the protocol it asks for), sent on as it is. */
  upgrade: string | undefined;
}

export interface TunnelOptions {
  /** Told how the upgrade ended and when an opened tunnel closes (metrics). */
  events?: TunnelEvents | undefined;
  /** A 502/504 body names the failing endpoint (see upstream-error.ts). */
  exposeUpstreamAddress?: boolean | undefined;
}

/** What a tunnel reports: `settled` once per upgrade, then `closed` once if it was "opened". */
export interface TunnelEvents {
  /**
   * `status`: what the client was answered (101, the upstream's refusal, 502, 504); 0 when it left
   * first. `error`: why nylon answered 502/504 itself.
   */
  settled(outcome: TunnelOutcome, status: number, error?: NylonError): void;
  /** Bytes carried after the 101: client to upstream (`bytesIn`), upstream to client (`bytesOut`). */
  closed(bytesIn: number, bytesOut: number): void;
}

export function tunnelUpgrade(req: TunnelRequest, socket: Duplex, head: Buffer, service: UpstreamPool, options: TunnelOptions = {}): void {
  const headers = upstreamHeaders(req);
  headers["connection"] = "upgrade";
  if (req.upgrade !== undefined) headers["upgrade"] = req.upgrade;
  const path = upstreamTarget(req);
  const clientIp = req.clientIp;

  const tried = new Set<UpstreamEndpoint>();
  let upstreamRequest: ClientRequest | null = null;
  const where = `service ${service.name}`;
  /** The endpoint of the current attempt ("" before the first), named by the timeout's error. */
  let endpointId = "";
  let lastError: NylonError | null = null;
  let settled = false;
  const events = options.events;
  const timer = setTimeout(() => {
    fail(new UpstreamError("NYLON_E_UPSTREAM_TIMEOUT", `${where} did not answer the upgrade within ${service.timeoutMs} ms`, endpointId));
  }, service.timeoutMs);
  /** The current attempt's connect deadline, stopped with the others once the upgrade is settled. */
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Marks the upgrade answered (or given up) and stops the timers; false if it already was. */
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    clearTimeout(timer);
    clearTimeout(connectTimer);
    return true;
  };
  const fail = (error: NylonError): void => {
    if (!settle()) return;
    upstreamRequest?.destroy();
    events?.settled("failed", error.status, error);
    refuse(socket, error, clientMessage(error, options.exposeUpstreamAddress === true));
  };
  const abandon = (): void => {
    if (!settle()) return;
    upstreamRequest?.destroy();
    events?.settled("abandoned", 0);
  };

  const attempt = (): void => {
    let endpoint: UpstreamEndpoint;
    try {
      endpoint = service.select(clientIp, tried);
    } catch (error) {
      // Every endpoint is down or already tried: the last connection error is the better answer.
      return fail(lastError ?? (error as NylonError));
    }
    tried.add(endpoint);
    endpointId = endpoint.id;
    const current = request({ host: endpoint.ip, port: endpoint.port, method: req.method, path, headers, agent: false, setHost: false });
    upstreamRequest = current;
    let connected = false;
    /** This attempt was given up before it connected (the next one may be under way). */
    let dropped = false;
    /** Nothing reached this endpoint: it counts as failed, and another one may take the upgrade. */
    const next = (failure: NylonError): void => {
      if (settled || dropped) return;
      dropped = true;
      clearTimeout(connectDeadline);
      current.destroy();
      endpoint.health.recordFailure();
      lastError = failure;
      attempt();
    };
    // A connect whose SYN is never answered would otherwise hang until timeout_ms; undici gives plain
    // requests the same connect_timeout_ms.
    const connectDeadline = setTimeout(() => {
      next(new UpstreamError("NYLON_E_UPSTREAM_TIMEOUT", `${where} could not be connected to within ${service.connectTimeoutMs} ms`, endpoint.id));
    }, service.connectTimeoutMs);
    connectTimer = connectDeadline;
    current.on("socket", (upstream) =>
      upstream.once("connect", () => {
        connected = true;
        clearTimeout(connectDeadline);
      }),
    );

    current.on("upgrade", (response: IncomingMessage, upstream: Duplex, upstreamHead: Buffer) => {
      if (!settle()) return upstream.destroy();
      socket.off("close", abandon);
      events?.settled("opened", response.statusCode ?? 101);
      socket.write(statusLine(response) + rawHeaderLines(response.rawHeaders) + "\r\n");
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstream.write(head);
      splice(socket, upstream, head.length, upstreamHead.length, events);
    });
    current.on("response", (response: IncomingMessage) => {
      if (!settle()) return response.destroy();
      events?.settled("refused", response.statusCode ?? 502);
      // The upstream refused the upgrade: relay its answer, then close (the body is delimited by close).
      const relayed = withoutHopByHop(response.headers);
      relayed["connection"] = "close";
      socket.write(statusLine(response) + headerLines(relayed) + "\r\n");
      response.pipe(socket);
      response.on("error", () => socket.destroy());
    });
    current.on("error", (error: NodeJS.ErrnoException) => {
      if (settled || dropped) return;
      const failure = new UpstreamError("NYLON_E_UPSTREAM", `${where} failed: ${error.code ?? error.message}`, endpoint.id, { cause: error });
      if (connected) return fail(failure);
      next(failure);
    });
    current.end();
  };
  socket.once("close", abandon);
  socket.on("error", abandon);
  attempt();
}

/**
 * After the 101: bytes both ways; either side ending or failing tears down both. `bytesIn` and
 * `bytesOut` start with what came along with the upgrade request and with the 101 (the heads).
 */
function splice(client: Duplex, upstream: Duplex, bytesIn: number, bytesOut: number, events: TunnelEvents | undefined): void {
  let open = true;
  const close = (): void => {
    client.destroy();
    upstream.destroy();
    if (open) events?.closed(bytesIn, bytesOut);
    open = false;
  };
  for (const side of [client, upstream]) {
    side.once("close", close);
    side.on("error", close);
    (side as Duplex & { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
  }
  client.on("data", (chunk: Buffer) => (bytesIn += chunk.length));
  upstream.on("data", (chunk: Buffer) => (bytesOut += chunk.length));
  client.pipe(upstream);
  upstream.pipe(client);
}

function statusLine(response: IncomingMessage): string {
  const status = response.statusCode ?? 502;
  return `HTTP/1.1 ${status} ${response.statusMessage || STATUS_CODES[status] || ""}\r\n`;
}

function rawHeaderLines(raw: string[]): string {
  let lines = "";
  for (let i = 0; i + 1 < raw.length; i += 2) lines += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return lines;
}

function headerLines(headers: Record<string, string | string[]>): string {
  let lines = "";
  for (const [name, value] of Object.entries(headers)) for (const one of Array.isArray(value) ? value : [value]) lines += `${name}: ${one}\r\n`;
  return lines;
}

function refuse(socket: Duplex, error: NylonError, message: string): void {
  if (socket.destroyed) return;
  const body = errorBody(error.status, error.code, message);
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ""}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
