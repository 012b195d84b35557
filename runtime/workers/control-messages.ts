// What the primary and the workers of a node tell each other over node:cluster's IPC channel (advanced
// serialization: a configuration crosses as the structured clone of what the primary loaded). Room
// traffic does not go here: it goes over the workers' own links (websocket/adapters/worker-links.ts).
import type { MetricObjectWithValues, MetricValue } from "prom-client";
import type { NylonConfig } from "../config/schema.js";
import type { ReloadChanges } from "../proxy.js";
import type { KvAnswerMessage, KvRequest } from "../store/primary-kv-store.js";
import type { WorkerPeer } from "../websocket/adapters/worker-links.js";

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export type ToWorker =
  /** Build everything from `config` but open no listener; answer ready (or exit, having logged why). */
  | { type: "start"; config: NylonConfig; configFile: string; index: number; linkDir: string; prettyLogs: boolean }
  /** Open the listeners; answer serving. */
  | { type: "listen" }
  /** Every worker of the node that is ready, this one included. */
  | { type: "peers"; peers: WorkerPeer[] }
  /** Build `config` beside the running one; answer reload-prepared or reload-failed. */
  | { type: "prepare-reload"; id: number; config: NylonConfig }
  | { type: "commit-reload"; id: number }
  | { type: "abort-reload"; id: number }
  | { type: "scrape"; id: number }
  /** A worker of the node died: its room membership in Redis goes now, not at its heartbeat's expiry. */
  | { type: "worker-gone"; nodeId: string }
  /** Drain within `graceMs` and exit. */
  | { type: "stop"; graceMs: number }
  /** The answer to a store operation on the node's memory store. */
  | KvAnswerMessage;

export type FromWorker =
  /**
   * The worker listens for messages: the primary sends nothing before (an ES module worker is
   * evaluated after its IPC channel opens, and a message that arrives before its listener is lost).
   */
  | { type: "listening" }
  /** `socketPath`: where the worker's room links listen (null with the Redis adapter). */
  | { type: "ready"; nodeId: string; socketPath: string | null }
  | { type: "start-failed"; message: string }
  | { type: "serving" }
  | { type: "reload-prepared"; id: number }
  | { type: "reload-failed"; id: number; message: string }
  | { type: "reload-committed"; id: number; changes: ReloadChanges }
  | { type: "aborted"; id: number }
  | { type: "scraped"; id: number; metrics: WorkerMetrics }
  /** A store operation for the node's memory store, which the primary keeps. */
  | KvRequest;
