import type { Logger } from "pino";
import type { WebSocketSettings as WebSocketConfig } from "../../config/schema.js";
import type { WebSocketHub } from "../websocket-hub.js";
import type { RoomAdapter } from "../room-adapter.js";
import { MemoryAdapter } from "./memory-adapter.js";

/**
 * The adapter the config asks for (`websocket.adapter_type`). In a worker of a multi-worker node
 * (`linkDir` given), "memory" means this node's memory: rooms shared with the other workers.
 */
export async function createRoomAdapter(config: WebSocketConfig, hub: WebSocketHub, logger: Logger, linkDir?: string): Promise<RoomAdapter> {
  if (config.adapter_type === "memory") {
    if (linkDir === undefined) return new MemoryAdapter(hub.nodeId, hub.local, hub.registry);
    const { WorkersAdapter } = await import("./workers-adapter.js");
    return new WorkersAdapter(hub.nodeId, hub.local, hub.registry, linkDir);
  }
  const { RedisAdapter } = await import("./redis-adapter.js");
  return new RedisAdapter(config.redis!, hub, logger);
}
