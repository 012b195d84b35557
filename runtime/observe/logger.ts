import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * Structured JSON logs (pino). The level comes from NYLON_LOG, else the config, else "info".
 * Logs go to stderr so stdout stays free for command output; on a terminal they are pretty-printed
 * for people, anywhere else (files, journald, log shippers) they stay one JSON object a line.
 */
export function createLogger(level?: string): Logger {
  const options = { level: logLevel(level), base: { pid: process.pid } };
  if (process.stderr.isTTY) return pino(options, pretty({ destination: 2, sync: true, translateTime: "SYS:HH:MM:ss.l" }));
  // Asynchronous: lines written while a write is pending go out together (one syscall, not one per
  // access line); pino flushes what is left when the process exits.
  return pino(options, pino.destination({ dest: 2, sync: false }));
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
