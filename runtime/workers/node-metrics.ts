import client, { AggregatorRegistry } from "prom-client";
import { reloadsCounter } from "../observe/metrics.js";
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

/**
 * The node's /metrics: every worker's registry aggregated with prom-client's AggregatorRegistry (the
 * registries come over the primary's own channel to each worker), plus the primary's own series:
 * reloads, workers serving and restarted, its process.
 */
export class NodeMetrics {
  readonly contentType: string;
  private readonly registry = new client.Registry();
  private readonly reloads: ReloadCounts = { applied: 0, rejected: 0 };
  private readonly restarts: client.Counter;

  constructor(serving: () => number) {
    this.contentType = this.registry.contentType;
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: "nylon_process_" });
    reloadsCounter(registers, this.reloads);
    new client.Gauge({
      name: "nylon_workers",
      help: "Worker processes serving the listeners",
      registers,
      collect() {
        this.set(serving());
      },
    });
    this.restarts = new client.Counter({
      name: "nylon_worker_restarts_total",
      help: "Workers started again after exiting unexpectedly (crash, signal)",
      registers,
    });
  }

  reloaded(applied: boolean): void {
    if (applied) this.reloads.applied++;
    else this.reloads.rejected++;
  }

  restarted(): void {
    this.restarts.inc();
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
