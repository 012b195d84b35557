// @nylon/sdk: write nylon plugins in TypeScript. See sdk-wit/README.md.
/// <reference path="./globals.d.ts" />
export { NylonPlugin } from "./plugin.js";
export {
  PhaseHandler,
  PhaseContext,
  PhaseRequestFilter,
  PhaseResponseFilter,
  PhaseResponseBodyFilter,
  PhaseLogging,
} from "./phase.js";
export { Request, Headers } from "./request.js";
export { Response, ResponseStream } from "./response.js";
export { WebSocketConn, type WebSocketCallbacks, type UpgradeOptions } from "./websocket.js";
export { NylonError } from "./errors.js";
export { store, type Callback, type StoreWriteOptions } from "./store.js";
export { fetch, FetchResponse, type FetchInit } from "./fetch.js";
