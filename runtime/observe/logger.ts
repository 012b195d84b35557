import pino, { type Logger } from "pino";

/**
 * Structured JSON logs (pino). The level comes from NYLON_LOG, else the config, else "info".
 * Logs go to stderr so stdout stays free for command output.
 */
export function createLogger(level?: string): Logger {
  return pino({ level: process.env.NYLON_LOG ?? level ?? "info", base: { pid: process.pid } }, pino.destination(2));
}

export let log: Logger = createLogger();

export function setLogger(logger: Logger): void {
  log = logger;
}

export type { Logger };
