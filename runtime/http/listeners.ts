import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import { NylonError } from "../errors.js";
import { parseListenerAddress } from "../config/listener-address.js";
import { MAX_REQUEST_HEADERS } from "./client-request.js";
import { NYLON_SERVER_RESPONSE } from "./server-response.js";
import { MIN_TLS_VERSION, type TlsCertificates } from "./tls-certificates.js";

export interface ConnectionHandlers {
  /** Also gets `Expect` requests: the pipeline decides when (and whether) to send 100 Continue. */
  request(req: http.IncomingMessage, res: http.ServerResponse): void;
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** CONNECT: nylon is not a forward proxy. */
  connect(req: http.IncomingMessage, socket: Duplex): void;
  /** Bytes Node's parser refused, or a request whose headers did not arrive in time. */
  clientError(err: Error, socket: Duplex): void;
}

/** How the proxy listeners read requests; from the configuration in force (a reload updates them). */
export interface ListenerSettings {
  /** request_header_timeout_ms: the request line and headers must arrive within it (then 408). */
  headerTimeoutMs: number;
}

/**
 * How often Node's server looks for connections over the header timeout; a 408 comes at most this
 * much late (Node's default, 30 s, would make a 60 s timeout anything up to 90 s).
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export type ListenerKind = "http" | "https" | "metrics";

/** The addresses of each kind, as in the config's `http`, `https` and `metrics` keys. */
export type ListenerAddresses = Readonly<Record<ListenerKind, readonly string[]>>;

/** A listener that could not be opened (address in use, not available here, permission); names which one. */
export class ListenError extends NylonError {
  constructor(
    readonly kind: ListenerKind,
    readonly address: string,
    cause: Error,
  ) {
    super("NYLON_E_CONFIG", `cannot listen on ${kind} ${address}: ${cause.message}`, { cause });
  }
}

export interface ListenerHandlers {
  proxy: ConnectionHandlers;
  metrics: http.RequestListener;
  /** The certificates in force; SNI asks on every handshake, so a reload's certificates apply at once. */
  certificates(): TlsCertificates | null;
  settings(): ListenerSettings;
}

/** Listeners a reload opened; nothing else changed until `commit`. */
export interface ListenerChange {
  opened: string[];
  /** Closes the listeners the new configuration no longer has; gives the new certificates to https ones. */
  commit(certificates: TlsCertificates | null): Promise<string[]>;
  /** Closes what `prepare` opened. */
  rollback(): Promise<void>;
}

interface OpenListener {
  kind: ListenerKind;
  address: string;
  server: http.Server;
}

/**
 * Every open listener, keyed by kind and address, so a reload opens and closes only the ones that
 * changed: an untouched listener keeps its connections and never stops accepting.
 */
export class ListenerSet {
  private readonly open = new Map<string, OpenListener>();
  /**
   * Sockets handed to the upgrade handler (plugin WebSockets, tunnels, and upgrades not yet answered):
   * Node's server no longer counts them as HTTP connections, so closeAllConnections() leaves them
   * open, and a tunnel nobody closes would hold the process forever.
   */
  private readonly upgraded = new Set<Duplex>();

  constructor(private readonly handlers: ListenerHandlers) {}

  /** Opens the listeners `wanted` adds; all or nothing (an address that cannot be bound closes the others). */
  async prepare(wanted: ListenerAddresses, certificates: TlsCertificates | null): Promise<ListenerChange> {
    const added: OpenListener[] = [];
    try {
      // Metrics first: once a proxy port accepts, /health and /metrics already answer (supervisors and
      // tests wait for the proxy port).
      for (const kind of ["metrics", "https", "http"] as const) {
        for (const address of wanted[kind]) {
          if (this.open.has(keyOf(kind, address))) continue;
          added.push({ kind, address, server: await this.listen(kind, address, certificates) });
        }
      }
    } catch (err) {
      await closeServers(added.map((l) => l.server));
      throw err;
    }
    for (const l of added) this.open.set(keyOf(l.kind, l.address), l);
    const wantedKeys = new Set((["http", "https", "metrics"] as const).flatMap((kind) => wanted[kind].map((a) => keyOf(kind, a))));
    return {
      opened: added.map((l) => keyOf(l.kind, l.address)),
      commit: async (certs) => {
        const removed = [...this.open.entries()].filter(([key]) => !wantedKeys.has(key));
        for (const [key] of removed) this.open.delete(key);
        if (certs) for (const l of this.open.values()) if (l.kind === "https") (l.server as https.Server).setSecureContext(certs.defaultPair);
        for (const server of this.servers(["http", "https"])) applySettings(server, this.handlers.settings());
        await closeServers(removed.map(([, l]) => l.server));
        return removed.map(([key]) => key);
      },
      rollback: async () => {
        for (const l of added) this.open.delete(keyOf(l.kind, l.address));
        await closeServers(added.map((l) => l.server));
      },
    };
  }

  /** Shutdown: the proxy listeners stop accepting; resolves once their requests in flight are done. */
  stopAccepting(): Promise<void> {
    return closeServers(this.servers(["http", "https"]));
  }

  /** Drops what is still connected to the proxy listeners (after the grace period), upgraded sockets included. */
  dropConnections(): void {
    for (const server of this.servers(["http", "https"])) server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
  }

  /** Closes everything left (the metrics listeners last, so /health says 503 while draining). */
  async closeAll(): Promise<void> {
    const servers = [...this.open.values()].map((l) => l.server);
    this.open.clear();
    for (const s of servers) s.closeAllConnections();
    await closeServers(servers);
  }

  private servers(kinds: ListenerKind[]): http.Server[] {
    return [...this.open.values()].filter((l) => kinds.includes(l.kind)).map((l) => l.server);
  }

  private async listen(kind: ListenerKind, address: string, certificates: TlsCertificates | null): Promise<http.Server> {
    const server = this.createServer(kind, address, certificates);
    const parsed = parseListenerAddress(address)!;
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) => reject(new ListenError(kind, address, err as Error)));
      server.listen(parsed.port, parsed.host, () => resolve());
    });
    return server;
  }

  private createServer(kind: ListenerKind, address: string, certificates: TlsCertificates | null): http.Server {
    if (kind === "metrics") return http.createServer({ ServerResponse: NYLON_SERVER_RESPONSE }, this.handlers.metrics);
    const proxy = this.handlers.proxy;
    const options: http.ServerOptions = {
      keepAliveTimeout: 65_000,
      ServerResponse: NYLON_SERVER_RESPONSE,
      // Node's whole-request deadline (300 s) would cut long uploads; the pipeline gives the body an
      // idle timeout of its own (request_body_timeout_ms).
      requestTimeout: 0,
      headersTimeout: this.handlers.settings().headerTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      // The pipeline answers a missing Host itself, so that the 400 is logged like every answer.
      requireHostHeader: false,
    };
    let server: http.Server;
    if (kind === "https") {
      if (!certificates) throw new NylonError("NYLON_E_CONFIG", `https ${address} needs a certificate: add one under tls`);
      server = https.createServer(
        {
          ...options,
          ...certificates.defaultPair,
          minVersion: MIN_TLS_VERSION,
          SNICallback: (servername, done) => done(null, (this.handlers.certificates() ?? certificates).contextFor(servername)),
        },
        proxy.request,
      );
    } else server = http.createServer(options, proxy.request);
    applySettings(server, this.handlers.settings());
    // One more than allowed, so that a request over the limit shows (Node drops the lines past it).
    server.maxHeadersCount = MAX_REQUEST_HEADERS + 1;
    server.on("checkContinue", proxy.request);
    server.on("checkExpectation", proxy.request);
    server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgraded.add(socket);
      socket.once("close", () => this.upgraded.delete(socket));
      proxy.upgrade(req, socket, head);
    });
    server.on("connect", proxy.connect);
    server.on("clientError", proxy.clientError);
    return server;
  }
}

function applySettings(server: http.Server, settings: ListenerSettings): void {
  server.headersTimeout = settings.headerTimeoutMs;
}

function keyOf(kind: ListenerKind, address: string): string {
  return `${kind} ${address}`;
}

async function closeServers(servers: readonly http.Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}
