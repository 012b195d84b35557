// nylon as a library: start a proxy from a config file, load configs, build plugins.
export { Proxy } from "./proxy.js";
export { loadConfig, type LoadedConfig } from "./config/load.js";
export type { NylonConfig } from "./config/schema.js";
export { ConfigError } from "./config/config-error.js";
export { buildPlugin, type BuildResult } from "./compile/build-plugin.js";
export { NylonError, ERRORS, type ErrorCode } from "./errors.js";
