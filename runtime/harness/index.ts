// nylon-proxy/harness: test a built plugin in the proxy's sandbox without a proxy. See docs/testing-plugins.md.
export { loadPlugin, PluginHarness, type HarnessOptions } from "./plugin-harness.js";
export { HarnessNode, type RequestSpec, type ConnectSpec } from "./harness-node.js";
export { HarnessConnection, type CloseRecord } from "./harness-connection.js";
export type { StepReport } from "./harness-environment.js";
export type { HttpResult, StreamRecord } from "./http-result.js";
export type { ExchangeOutcome, FakeUpstream } from "./http-exchange.js";
export type { ReceivedFrame } from "./recording-transport.js";
export type { LogRecord } from "./log-recorder.js";
export type { HttpStub, OutboundCallRecord } from "./harness-outbound.js";
export type { HarnessStore } from "./harness-store.js";
export type { SandboxFailure, SandboxFailureReason } from "./sandbox-failure.js";
