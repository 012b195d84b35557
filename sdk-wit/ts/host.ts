// The host imports as the guest sees them. `nylon:plugin/host@0.3.0` is resolved by the component
// toolchain at build time; its types are generated from the WIT into ./generated.
export * as host from "nylon:plugin/host@0.3.0";
export type { Header, HostError, WsEvent, Phase, PhaseResult, LogLevel, EntryInfo, OpResult } from "nylon:plugin/types@0.3.0";
