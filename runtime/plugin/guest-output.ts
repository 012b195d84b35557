import { StringDecoder } from "node:string_decoder";

export type OutputStream = "stdout" | "stderr";

/** A line longer than this is logged in pieces, so a plugin cannot grow the buffer without bound. */
const MAX_LINE = 8192;

/** How Go's runtime starts the message it prints before it aborts (an unrecovered panic, a deadlock). */
const FATAL_LINE = /^(panic: |fatal error: )/;

/**
 * What a compiled guest's runtime writes to its stdout and stderr (the `write-output` host function):
 * Go's fmt.Print, log, and the text of an unrecovered panic arrive in pieces (a runtime print is one
 * write per value). Complete lines go to the plugin's log, stdout at info and stderr at error; the
 * rest of a line waits for its newline or the end of the call.
 */
export class GuestOutput {
  private readonly pending = { stdout: "", stderr: "" };
  private readonly decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  private fatal: string | undefined;
  /** Something was written since the last flush (most calls write nothing: flushing is then free). */
  private dirty = false;

  constructor(private readonly log: (level: "info" | "error", line: string) => void) {}

  write(stream: OutputStream, data: Uint8Array): void {
    this.dirty = true;
    let text = this.pending[stream] + this.decoders[stream].write(Buffer.from(data.buffer, data.byteOffset, data.length));
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
      this.emit(stream, text.slice(0, nl));
      text = text.slice(nl + 1);
    }
    while (text.length > MAX_LINE) {
      this.emit(stream, text.slice(0, MAX_LINE));
      text = text.slice(MAX_LINE);
    }
    this.pending[stream] = text;
  }

  /** A guest call begins: what the previous one wrote is logged, and its last words forgotten. */
  startCall(): void {
    this.flush();
    this.fatal = undefined;
  }

  /** Logs the unfinished lines (a call ended, or the instance failed). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.pending[stream] + this.decoders[stream].end();
      this.pending[stream] = "";
      if (rest !== "") this.emit(stream, rest);
    }
  }

  /** The runtime's "panic: ..." or "fatal error: ..." line of the current call, if it printed one. */
  fatalLine(): string | undefined {
    this.flush();
    return this.fatal;
  }

  private emit(stream: OutputStream, line: string): void {
    if (stream === "stderr" && this.fatal === undefined && FATAL_LINE.test(line)) this.fatal = line;
    this.log(stream === "stdout" ? "info" : "error", line);
  }
}
