// A connection whose client failed: its bytes cannot be parsed (Node's parser error), its headers or
// its body did not arrive in time. Nylon answers on the raw socket and closes it, but only once the
// answers to the requests before it on that connection are out: a pipelined `POST` followed by junk
// gets its 200, then the 400 (as nginx does), so a client never retries a request that ran.
//
// The failing request may be one whose body is still arriving (a broken chunk, a stalled upload).
// Its pipeline is still running; it learns the status the client was sent from answeredStatus(), so
// the request is logged once, with that status.
//
// Node has no public way to see the responses in flight on a socket, or the request being received:
// `socket._httpMessage` (the response writing now; later ones queue behind it) and
// `socket.parser.incoming` are what Node's own default clientError handler reads.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { errorBody, NylonError } from "../errors.js";

interface NodeServerSocket {
  _httpMessage?: ServerResponse | null;
  parser?: { incoming?: IncomingMessage | null } | null;
}

const failing = new WeakSet<Duplex>();
const answered = new WeakMap<IncomingMessage, number>();

/**
 * What a parser or timeout error of Node's server is answered; null when there is no one to answer
 * (the client is gone, or it opened a connection and never sent a byte: it asked nothing, so it is
 * closed without an answer or a log line, as nginx does).
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException & { reason?: string }, socket: Duplex): NylonError | null {
  const code = err.code ?? "";
  if (code === "HPE_HEADER_OVERFLOW") return new NylonError("NYLON_E_HEADERS_TOO_LARGE", "the request line and headers are over 16 KiB");
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    if ((socket as Socket).bytesRead === 0) return null;
    return new NylonError("NYLON_E_REQUEST_TIMEOUT", "the request headers did not arrive in time");
  }
  if (code.startsWith("HPE_")) return new NylonError("NYLON_E_BAD_REQUEST", `the request cannot be parsed: ${err.reason ?? err.message}`);
  return null; // ECONNRESET and the like: the client is gone
}

/** The request whose body was still arriving on `socket` when it failed, if any. */
export function requestBeingReceived(socket: Duplex): IncomingMessage | null {
  const incoming = (socket as NodeServerSocket).parser?.incoming;
  return incoming && !incoming.complete ? incoming : null;
}

/**
 * The connection ends with the answer being written: requests Node already parsed behind it on the
 * same connection are not run, since after refused framing where they start cannot be trusted (they
 * may be smuggled). Called before the refusal is written.
 */
export function closeAfterThisAnswer(socket: Duplex): void {
  failing.add(socket);
}

/** The connection is ending (closeAfterThisAnswer, failConnection): a request on it is not run. */
export function isClosing(socket: Duplex): boolean {
  return failing.has(socket);
}

/** The status nylon wrote on the socket for `req` itself (failConnection), if it did. */
export function answeredStatus(req: IncomingMessage): number | undefined {
  return answered.get(req);
}

/**
 * Answers `error` (with `headers` besides the JSON framing) on the raw socket once the responses before `failed` are written, then closes
 * the connection. `failed` is the request the error belongs to when one is being received (its
 * pipeline logs it), null when the bytes never made a request. `onAnswered` is called with the
 * body bytes written when the answer went out (not when the connection closed first, or when
 * `failed`'s own response had already started, in which case the connection is only closed). Only
 * the first failure of a connection counts, and none after closeAfterThisAnswer.
 */
export function failConnection(
  socket: Duplex,
  failed: IncomingMessage | null,
  error: NylonError,
  headers: Readonly<Record<string, string>>,
  onAnswered?: (bytes: number) => void,
): void {
  if (failing.has(socket)) return;
  failing.add(socket);
  const attempt = (): void => {
    if (socket.destroyed) return;
    const inFlight = (socket as NodeServerSocket)._httpMessage ?? null;
    if (inFlight !== null && inFlight.req !== failed) {
      // Node attaches the next queued response in its own 'finish' listener, which runs before this one.
      inFlight.once("finish", attempt);
      return;
    }
    // `failed`'s own answer has started (or, when nothing is in flight, is already out): it stands.
    const answerStarted = inFlight === null ? failed !== null : inFlight.headersSent;
    if (answerStarted || !socket.writable) {
      socket.destroy();
      return;
    }
    if (failed !== null) answered.set(failed, error.status);
    const body = errorBody(error.status, error.code, error.message);
    let head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ""}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
    socket.write(head + body);
    (socket as Socket).destroySoon();
    onAnswered?.(Buffer.byteLength(body));
  };
  attempt();
}
