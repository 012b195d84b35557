import type { PluginHost } from "../plugin/plugin-host.js";
import type { CompiledPayload } from "../config/template.js";
import type { UpstreamPool } from "./upstream-pool.js";
import type { StaticSite } from "./static-service.js";

/** A configured service, ready to answer. */
export type ServiceTarget =
  | { kind: "plugin"; name: string; step: { kind: "plugin"; plugin: PluginHost; entry: string; payload: CompiledPayload | null } }
  | { kind: "http"; name: string; pool: UpstreamPool }
  | { kind: "static"; name: string; site: StaticSite };
