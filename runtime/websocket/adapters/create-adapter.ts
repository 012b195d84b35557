import type { Logger } from "pino";
import type { WebSocketSettings as WebSocketConfig } from "../../config/schema.js";
import type { WebSocketHub } from "../websocket-hub.js";
import type { RoomAdapter } from "../room-adapter.js";
import { MemoryAdapter } from "./memory-adapter.js";

/** The adapter the config asks for (`websocket.adapter_type`). */
export async function createRoomAdapter(config: WebSocketConfig, hub: WebSocketHub, logger: Logger): Promise<RoomAdapter> {
  if (config.adapter_type === "memory") return new MemoryAdapter(hub.nodeId, hub.local, hub.registry);
  const { RedisAdapter } = await import("./redis-adapter.js");
  return new RedisAdapter(config.redis!, hub, logger);
}
