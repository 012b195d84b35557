// Helpers for the multi-worker tests: a `nylon run` node with `workers: N`, which worker serves which
// connection (from the connection ids and the workers' "nylon is serving" lines), and the room probe.
import { eventually, waitForLog } from "../ops/ops-support.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { nextMatching, WsTestClient } from "../support/ws-test-client.js";

export interface ServingWorker {
  /** 1..N */
  index: number;
  pid: number;
  /** The node id in the ids of the connections it serves. */
  nodeId: string;
}

/**
 * Starts `nylon run` with a config whose `workers` is given, and resolves once the primary says the
 * node serves (every worker then has its listeners open). Worker startup is slow on a loaded machine.
 */
export async function startNode(
  yaml: string,
  options: { configDir?: string; args?: string[]; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): Promise<NylonProcess> {
  const nylon = await startNylon(yaml, { ...options, startTimeoutMs: 120_000 });
  try {
    await waitForLog(nylon, /"msg":"nylon node is serving"/, 120_000);
  } catch (error) {
    await nylon.stop();
    throw error;
  }
  return nylon;
}

/** Every worker that logged "nylon is serving" after log offset `from`, the latest per index. */
export function servingWorkers(nylon: NylonProcess, from = 0): Map<number, ServingWorker> {
  const workers = new Map<number, ServingWorker>();
  for (const line of nylon.logs().slice(from).split("\n")) {
    if (!line.includes('"msg":"nylon is serving"')) continue;
    const record = JSON.parse(line) as { pid: number; worker: number; node: string };
    workers.set(record.worker, { index: record.worker, pid: record.pid, nodeId: record.node });
  }
  return workers;
}

/**
 * The worker in slot `index` once its "nylon is serving" line (after log offset `from`) is in: it comes
 * through the worker's own stderr pipe, so it may follow the primary's "worker serving again".
 */
export async function servingWorker(nylon: NylonProcess, index: number, from: number): Promise<ServingWorker> {
  let worker: ServingWorker | undefined;
  await eventually(async () => {
    worker = servingWorkers(nylon, from).get(index);
    if (!worker) throw new Error(`worker ${index} has not logged "nylon is serving" yet`);
  });
  return worker!;
}

/** The node part of a connection id "<node>:<handle>". */
export function nodeOf(connectionId: string): string {
  return connectionId.slice(0, connectionId.lastIndexOf(":"));
}

/** A room-probe client (test/plugins/room-probe) that knows its connection id. */
export interface Probe {
  client: WsTestClient;
  id: string;
}

export async function connectProbe(nylon: NylonProcess, room: string): Promise<Probe> {
  const client = await WsTestClient.connect(`${nylon.wsUrl}/probe?room=${room}`);
  client.send("/id");
  const id = (await nextMatching(client, (m) => m.startsWith("id "))).slice(3);
  return { client, id };
}

/**
 * Probes in `room` until there are `perWorker` on each of `workers` workers (the node hands
 * connections to its workers in turn, so few extra are needed); returns them all.
 */
export async function probesOnEveryWorker(nylon: NylonProcess, room: string, workers: number, perWorker: number): Promise<Probe[]> {
  const probes: Probe[] = [];
  const byNode = new Map<string, number>();
  while ([...byNode.values()].filter((n) => n >= perWorker).length < workers) {
    if (probes.length > workers * perWorker * 4) throw new Error(`connections did not spread over ${workers} workers: ${JSON.stringify([...byNode])}`);
    const probe = await connectProbe(nylon, room);
    probes.push(probe);
    byNode.set(nodeOf(probe.id), (byNode.get(nodeOf(probe.id)) ?? 0) + 1);
  }
  return probes;
}

export async function roomSizeSeenBy(probe: Probe): Promise<number> {
  probe.client.send("/size");
  return Number((await nextMatching(probe.client, (m) => m.startsWith("size "))).slice(5));
}

/** Polls until every probe reports `expected` members (count notices travel between workers). */
export async function untilSizes(probes: Probe[], expected: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sizes = await Promise.all(probes.map(roomSizeSeenBy));
    if (sizes.every((size) => size === expected)) return;
    if (Date.now() > deadline) throw new Error(`room sizes ${sizes.join(", ")} after ${timeoutMs} ms, expected ${expected} everywhere`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
