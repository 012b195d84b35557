import pino, { type Logger } from "pino";

/** One line the plugin host logged: the plugin's own lines (`plugin` set) and the host's about it. */
export interface LogRecord {
  level: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  msg: string;
  plugin?: string;
  /** The simulated node that logged it. */
  node?: string;
  [field: string]: unknown;
}

const LEVELS: Record<number, LogRecord["level"]> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** A pino logger, as the plugin host expects, that keeps every record in memory for the test to read. */
export class LogRecorder {
  readonly records: LogRecord[] = [];
  readonly logger: Logger;

  constructor() {
    this.logger = pino(
      { level: "trace", base: null, timestamp: false },
      {
        write: (line: string) => {
          const { level, ...rest } = JSON.parse(line) as { level: number; msg: string };
          this.records.push({ ...rest, level: LEVELS[level] ?? "info" });
        },
      },
    );
  }

  /** Records logged from position `from` on (see `mark`). */
  since(from: number): LogRecord[] {
    return this.records.slice(from);
  }

  mark(): number {
    return this.records.length;
  }
}
