// nylon as a library: start a proxy from a config file, load configs. Building plugins has its own
// entry (`nylon-proxy/build`, runtime/compile/index.ts), so importing this one never loads the toolchain.
export { Proxy } from "./proxy.js";
export { loadConfig, type LoadedConfig } from "./config/load.js";
export type { NylonConfig } from "./config/schema.js";
export { ConfigError } from "./config/config-error.js";
export { NylonError, ERRORS, type ErrorCode } from "./errors.js";
