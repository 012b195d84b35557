// The configuration module's public surface.
export { loadConfig, type LoadedConfig } from "./load.js";
export { ConfigError, formatConfigIssue, type ConfigIssue } from "./config-error.js";
export { compilePayload, compileTemplate, renderPayload, TEMPLATE_FUNCTION_NAMES, type CompiledPayload, type TemplateContext } from "./template.js";
export { parseListenerAddress, type ListenerAddress } from "./listener-address.js";
export { durationToMs } from "./duration.js";
export * from "./schema.js";
