import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { Redis, type RedisOptions } from "ioredis";
import type { RedisSettings } from "../../config/schema.js";

/** Longest wait between reconnection attempts while Redis is away: a returning Redis is used within this. */
export const MAX_RECONNECT_DELAY_MS = 1000;

/** A client that keeps retrying forever in the background; nothing here blocks or throws on an absent Redis. */
function baseOptions(settings: RedisSettings, name: string): RedisOptions {
  return {
    connectionName: name,
    connectTimeout: settings.connect_timeout_ms,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 5), MAX_RECONNECT_DELAY_MS),
    ...(settings.username !== undefined && { username: settings.username }),
    ...(settings.password != null && { password: settings.password }),
    ...(settings.tls !== undefined && settings.tls !== false && { tls: tlsOptions(settings.tls) }),
  };
}

function tlsOptions(tls: Exclude<RedisSettings["tls"], undefined | false>): ConnectionOptions {
  if (tls === true) return {};
  return {
    ...(tls.ca !== undefined && { ca: readFileSync(tls.ca) }),
    ...(tls.cert !== undefined && { cert: readFileSync(tls.cert) }),
    ...(tls.key !== undefined && { key: readFileSync(tls.key) }),
    ...(tls.servername !== undefined && { servername: tls.servername }),
  };
}

function createClient(settings: RedisSettings, options: RedisOptions): Redis {
  // With a url, the url names host, port and db (redis://user:pass@host:port/db, rediss:// for TLS);
  // username, password and tls from the block still apply on top.
  if (settings.url !== undefined) return new Redis(settings.url, options);
  return new Redis({ ...options, host: settings.host, port: settings.port, db: settings.db });
}

/**
 * The command client (the room adapter's; the plugins' store names its own and sets a command timeout).
 * Without an offline queue a command issued while Redis is away fails at once
 * instead of piling up in memory and being replayed, stale, on reconnect.
 */
export function createCommandClient(
  settings: RedisSettings,
  nodeId: string,
  overrides: Pick<RedisOptions, "connectionName" | "commandTimeout"> = {},
): Redis {
  return createClient(settings, { ...baseOptions(settings, `nylon-cmd-${nodeId}`), enableOfflineQueue: false, maxRetriesPerRequest: 0, ...overrides });
}

/** The subscriber client: (un)subscribes wait for the connection, and ioredis resubscribes after a reconnect. */
export function createSubscriberClient(settings: RedisSettings, nodeId: string): Redis {
  return createClient(settings, { ...baseOptions(settings, `nylon-sub-${nodeId}`), autoResubscribe: true, maxRetriesPerRequest: null });
}
