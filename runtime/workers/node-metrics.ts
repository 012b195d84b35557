import client, { AggregatorRegistry } from "prom-client";
import { mirroredCounter, reloadsCounter } from "../observe/metrics.js";
import type { ReloadCounts } from "../observe/proxy-counters.js";
import type { WorkerMetrics } from "./control-messages.js";

/**
 * Series that are about one process, or that each worker decides for itself: summed over the workers
 * they would say nothing true (event-loop lag, an endpoint one worker's health checks took out, rooms
 * counted once per worker they have members on), so they keep one series per worker, labelled
 * `worker` ("1".."N", "primary"). Every other series is summed into the node's.
 */
function isPerWorker(name: string): boolean {
  return name.startsWith("nylon_process_") || PER_WORKER.has(name);
}
const PER_WORKER = new Set(["nylon_upstream_endpoint_healthy", "nylon_redis_connected", "nylon_websocket_rooms"]);

/** A worker's metrics as a node's /metrics shows them. */
export interface WorkerReading {
  /** The worker's number, 1..N (it stays the same when the worker is restarted). */
  index: number;
  metrics: WorkerMetrics;
}

/** What the primary counts all along, metrics or not: read at scrape time. */
export interface NodeCounts {
  reloads: ReloadCounts;
  /** Workers started again after exiting unexpectedly. */
  restarts: number;
  /** Workers serving now. */
  serving(): number;
}

/**
 * The node's /metrics: every worker's registry aggregated with prom-client's AggregatorRegistry (the
 * registries come over the primary's own channel to each worker), plus the primary's own series:
 * reloads, workers serving and restarted, its process. Built (and prom-client loaded) only once the
 * configuration has a `metrics` listener.
 */
export class NodeMetrics {
  readonly contentType: string;
  private readonly registry = new client.Registry();

  constructor(counts: NodeCounts) {
    this.contentType = this.registry.contentType;
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: "nylon_process_" });
    reloadsCounter(registers, counts.reloads);
    new client.Gauge({
      name: "nylon_workers",
      help: "Worker processes serving the listeners",
      registers,
      collect() {
        this.set(counts.serving());
      },
    });
    mirroredCounter(registers, "nylon_worker_restarts_total", "Workers started again after exiting unexpectedly (crash, signal)", () => counts.restarts);
  }

  async text(workers: readonly WorkerReading[]): Promise<string> {
    const readings = [labelled(await this.registry.getMetricsAsJSON(), "primary"), ...workers.map((w) => labelled(w.metrics, String(w.index)))];
    return AggregatorRegistry.aggregate(readings).metrics();
  }
}

/** The per-worker series of one reading, labelled with `worker`; being apart, summing leaves them as they are. */
function labelled(metrics: WorkerMetrics, worker: string): WorkerMetrics {
  return metrics.map((metric) =>
    isPerWorker(metric.name)
      ? { ...metric, aggregator: "sum", values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, worker } })) }
      : metric,
  );
}
