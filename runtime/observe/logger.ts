import { createRequire } from "node:module";
import pino, { type Logger } from "pino";
import type PinoPretty from "pino-pretty";

// Required only on a terminal: pino-pretty and its dependencies cost a server start time and memory
// for output nobody reads there.
const require = createRequire(import.meta.url);

export interface LoggerOptions {
  /** Added to every line (a worker's number). */
  fields?: Record<string, unknown>;
  /** Pretty-print even though stderr is not a terminal (a worker's stderr is a pipe to a primary on one). */
  pretty?: boolean;
}

/**
 * Structured JSON logs (pino). The level comes from NYLON_LOG, else the config, else "info".
 * Logs go to stderr so stdout stays free for command output; on a terminal they are pretty-printed
 * for people, anywhere else (files, journald, log shippers) they stay one JSON object a line.
 */
export function createLogger(level?: string, options: LoggerOptions = {}): Logger {
  const settings = { level: logLevel(level), base: { pid: process.pid, ...options.fields } };
  if (process.stderr.isTTY || options.pretty) {
    const pretty = require("pino-pretty") as typeof PinoPretty;
    return pino(settings, pretty({ destination: 2, sync: true, translateTime: "SYS:HH:MM:ss.l" }));
  }
  // Asynchronous: lines written while a write is pending go out together (one syscall, not one per
  // access line); pino flushes what is left when the process exits.
  return pino(settings, pino.destination({ dest: 2, sync: false }));
}

/** NYLON_LOG wins over the config, so an operator can turn on debug without editing the file. */
export function logLevel(configured?: string): string {
  return process.env.NYLON_LOG ?? configured ?? "info";
}

export let log: Logger = createLogger();

export function setLogger(logger: Logger): void {
  log = logger;
}

export type { Logger };
