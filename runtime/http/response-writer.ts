import type { ServerResponse } from "node:http";
import type { Duplex, Writable } from "node:stream";
import { STATUS_CODES } from "node:http";

/** Where a response goes: a normal HTTP response, or the raw socket of a refused upgrade. */
export interface ResponseWriter {
  head(status: number, headers: Record<string, string | string[]>): void;
  /** False when the client is not keeping up: wait for `drain` on `destination` before writing more. */
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): void;
  readonly raw: ServerResponse | null;
  /** The stream the bytes go to (for drain and close). */
  readonly destination: Writable;
  /** The status line went out: nothing else can be answered on this response. */
  readonly headSent: boolean;
}

/** A class, not an object literal: a literal with a getter is built in the runtime on every request. */
class HttpResponseWriter implements ResponseWriter {
  constructor(readonly raw: ServerResponse) {}

  get destination(): Writable {
    return this.raw;
  }

  get headSent(): boolean {
    return this.raw.headersSent;
  }

  head(status: number, headers: Record<string, string | string[]>): void {
    this.raw.writeHead(status, headers);
  }

  write(chunk: Buffer): boolean {
    return this.raw.write(chunk);
  }

  end(chunk?: Buffer): void {
    this.raw.end(chunk);
  }
}

export function httpResponseWriter(res: ServerResponse): ResponseWriter {
  return new HttpResponseWriter(res);
}

/** For an upgrade request that is answered with a plain HTTP response instead of 101. */
export function socketResponseWriter(socket: Duplex): ResponseWriter {
  let chunked = false;
  let headSent = false;
  return {
    raw: null,
    destination: socket,
    get headSent() {
      return headSent;
    },
    head(status, headers) {
      headSent = true;
      const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Status"}`];
      chunked = !Object.keys(headers).some((k) => k.toLowerCase() === "content-length");
      for (const [k, v] of Object.entries(headers)) {
        if (k.toLowerCase() === "connection") continue; // always "close", below
        for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
      }
      if (chunked) lines.push("transfer-encoding: chunked");
      lines.push("connection: close", "", "");
      socket.write(lines.join("\r\n"));
    },
    write(chunk) {
      if (!chunked) return socket.write(chunk);
      if (chunk.length === 0) return true;
      return socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]));
    },
    end(chunk) {
      if (chunk) this.write(chunk);
      if (chunked) socket.write("0\r\n\r\n");
      socket.end();
    },
  };
}
