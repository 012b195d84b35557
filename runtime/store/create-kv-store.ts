import type { Logger } from "pino";
import type { RedisSettings, StoreSettings } from "../config/schema.js";
import type { KvStore } from "./kv-store.js";
import { MemoryKvStore } from "./memory-kv-store.js";

/**
 * The store the config asks for (`store.backend`). The Redis backend, and with it ioredis, is loaded
 * only when asked for, so a configuration without Redis never loads the client.
 */
export async function createKvStore(settings: StoreSettings, redis: RedisSettings | undefined, nodeId: string, logger: Logger): Promise<KvStore> {
  if (settings.backend === "memory") return new MemoryKvStore();
  const { RedisKvStore } = await import("./redis-kv-store.js");
  return new RedisKvStore(redis!, settings.key_prefix, settings.timeout_ms, nodeId, logger);
}
