// A response body as the pipeline consumes it: pushed chunk by chunk into a sink, with pause by
// return value and resume by call. The upstream's body implements it directly on undici's dispatch
// callbacks (no stream object per response); a file stream is adapted to it.
import type { Readable } from "node:stream";

export interface BodySink {
  /** One chunk; returning false pauses delivery until the source's `resume()`. */
  data(chunk: Buffer): boolean;
  end(): void;
  error(err: Error): void;
}

export interface BodySource {
  /** Starts delivery; chunks that arrived before are delivered first. Called once. */
  start(sink: BodySink): void;
  resume(): void;
  /** Stops delivery and frees what produces the body (the client left, or nobody wants it). */
  abort(): void;
}

export function isBodySource(body: unknown): body is BodySource {
  return typeof body === "object" && body !== null && typeof (body as BodySource).start === "function";
}

/** A Readable (a file, a test's stream) as a BodySource. */
export function readableSource(stream: Readable): BodySource {
  return {
    start(sink) {
      stream.on("data", (chunk: Buffer) => {
        if (!sink.data(chunk)) stream.pause();
      });
      stream.on("end", () => sink.end());
      stream.on("error", (err) => sink.error(err));
    },
    resume() {
      stream.resume();
    },
    abort() {
      stream.on("error", () => {}); // its abort error has no one to tell
      stream.destroy();
    },
  };
}

/** The whole body, for response body filters. */
export function collectBody(source: BodySource): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    source.start({
      data(chunk) {
        chunks.push(chunk);
        return true;
      },
      end: () => resolve(Buffer.concat(chunks)),
      error: reject,
    });
  });
}
