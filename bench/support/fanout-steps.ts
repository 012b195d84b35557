// The method both fan-out benchmarks (one node, and two nodes + Redis) measure with: wire up a
// publisher and its subscribers, prove with a warm-up that every subscriber is in the room, then step
// the publish rate up until fewer than DELIVERED_THRESHOLD of the deliveries arrive.
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { DELIVERED_THRESHOLD, FANOUT_PAYLOAD, maskedText, publish, settled, STRAGGLER_GRACE_MS } from "./fanout-publisher.js";
import { serverFrameBytes } from "./frame-sizes.js";
import { machineLoad } from "./machine-load.js";
import { benchOptions, workerCounts } from "./bench-options.js";

/** How a client joins and publishes on a server, and what one delivery looks like on the wire. */
export interface FanoutProtocol {
  /** Text a client sends right after the upgrade to enter the room, if the protocol needs it. */
  joinMessage?: string;
  publishedMessage: string;
  deliveredMessage: string;
}

/** nylon's fanout-bench plugin and the naive `ws` loop: the payload itself, both ways. */
export const PLAIN_FANOUT: FanoutProtocol = { publishedMessage: FANOUT_PAYLOAD, deliveredMessage: FANOUT_PAYLOAD };

const sioEvent = `42${JSON.stringify(["m", FANOUT_PAYLOAD])}`;
/** Socket.IO 4: engine.io "message" + socket.io "connect" to join, then event packets both ways. */
export const SOCKET_IO_FANOUT: FanoutProtocol = { joinMessage: "40", publishedMessage: sioEvent, deliveredMessage: sioEvent };

export interface FanoutOptions {
  subscriberCount: number;
  seconds: number;
  rates: number[];
  /** nylon's worker counts to measure, when the bench takes --workers; [1] otherwise. */
  workerCounts: number[];
}

/** --subscribers, --seconds and --rates from the command line. */
export function fanoutOptions(command: string, summary: string, defaultRates: string, takesWorkers = false): FanoutOptions {
  const values = benchOptions(command, summary, {
    subscribers: { default: "1000", description: "subscriber sockets in the room" },
    seconds: { default: "5", description: "seconds per rate step" },
    rates: { default: defaultRates, description: "publishes per second, stepped until under 99 % delivered" },
    ...(takesWorkers ? { workers: { default: "1", description: "nylon's worker counts, comma-separated: each is measured in this run (e.g. 1,2)" } } : {}),
  });
  return {
    subscriberCount: Number(values.subscribers),
    seconds: Number(values.seconds),
    rates: values.rates.split(",").map(Number),
    workerCounts: workerCounts((values as { workers?: string }).workers ?? "1"),
  };
}

export interface StepResult {
  rate: number;
  deliveredShare: number;
  deliveriesPerSecond: number;
  serverCpuPercent: number;
  serverCpuMicrosPerDelivery: number;
  clientCpuPercent: number;
}

export interface FanoutRun {
  name: string;
  protocol: FanoutProtocol;
  publisher: Socket;
  subscribers: Socket[];
  /** CPU µs the server side has used so far (one process, or nodes and Redis summed). */
  serverCpu: () => number;
  options: FanoutOptions;
  /** How many times the warm-up message may be sent before not reaching everyone is an error. */
  warmUpAttempts: number;
  /** Added to each step's line: where the subscribers are, what the server CPU covers. */
  labels?: { subscribers?: string; serverCpu?: string };
}

/** Steps the publish rate up until delivery falls below the threshold; closes the sockets. */
export async function stepRates(run: FanoutRun): Promise<StepResult[]> {
  const { name, protocol, publisher, subscribers, serverCpu, options, labels } = run;
  const { subscriberCount, seconds, rates } = options;
  const deliveredFrameBytes = serverFrameBytes(Buffer.byteLength(protocol.deliveredMessage));
  const publishFrame = maskedText(protocol.publishedMessage);
  let receivedBytes = 0;
  for (const socket of [publisher, ...subscribers]) {
    socket.on("error", () => {});
    if (protocol.joinMessage) socket.write(maskedText(protocol.joinMessage));
  }
  publisher.on("data", () => {}); // the sender is excluded; consume whatever else it gets
  for (const socket of subscribers) socket.on("data", (chunk: Buffer) => (receivedBytes += chunk.length));
  await settled(() => receivedBytes); // join acknowledgements and the like are not deliveries

  // Warm-up: one message must reach every subscriber, proving they are all in the room (across nodes,
  // a room's subscription may still be on its way, hence the attempts).
  for (let attempt = 1; ; attempt++) {
    receivedBytes = 0;
    await publish(publisher, publishFrame, 1000, 1);
    await settled(() => receivedBytes);
    if (receivedBytes === subscriberCount * deliveredFrameBytes) break;
    if (attempt >= run.warmUpAttempts) throw new Error(`warm-up reached ${receivedBytes / deliveredFrameBytes} of ${subscriberCount} subscribers`);
  }

  const results: StepResult[] = [];
  for (const rate of rates) {
    const expected = rate * seconds * subscriberCount;
    receivedBytes = 0;
    const [cpuBefore, clientCpuBefore, startedAt] = [serverCpu(), process.cpuUsage(), performance.now()];
    await publish(publisher, publishFrame, rate, rate * seconds);
    const graceEnds = Date.now() + STRAGGLER_GRACE_MS;
    while (receivedBytes < expected * deliveredFrameBytes && Date.now() < graceEnds) await sleep(20);
    const elapsedMicros = (performance.now() - startedAt) * 1000;
    const cpu = serverCpu() - cpuBefore;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const delivered = receivedBytes / deliveredFrameBytes;
    const result: StepResult = {
      rate,
      deliveredShare: delivered / expected,
      deliveriesPerSecond: delivered / seconds,
      serverCpuPercent: (cpu / elapsedMicros) * 100,
      serverCpuMicrosPerDelivery: cpu / delivered,
      clientCpuPercent: ((clientCpu.user + clientCpu.system) / elapsedMicros) * 100,
    };
    results.push(result);
    console.log(
      `${name.padEnd(9)} ${String(rate).padStart(4)} pub/s × ${subscriberCount}${labels?.subscribers ?? ""}: ` +
        `${Math.round(result.deliveriesPerSecond).toLocaleString("en")} deliveries/s (${(result.deliveredShare * 100).toFixed(1)} %), ` +
        `server CPU ${result.serverCpuPercent.toFixed(0)} %${labels?.serverCpu ?? ""}, ${result.serverCpuMicrosPerDelivery.toFixed(2)} µs/delivery, ` +
        `client CPU ${result.clientCpuPercent.toFixed(0)} %`,
    );
    if (result.deliveredShare < DELIVERED_THRESHOLD) break;
    await settled(() => receivedBytes); // backlog of this step must not count in the next
  }
  for (const socket of [publisher, ...subscribers]) socket.destroy();
  return results;
}

/** The highest rate that kept the threshold, and where delivery fell below it. */
export function fanoutSummary(name: string, results: StepResult[]): string {
  const sustained = results.filter((result) => result.deliveredShare >= DELIVERED_THRESHOLD).at(-1);
  const broke = results.find((result) => result.deliveredShare < DELIVERED_THRESHOLD);
  const at = (result: StepResult) =>
    `${result.rate} pub/s: ${Math.round(result.deliveriesPerSecond).toLocaleString("en")} deliveries/s, ${result.serverCpuMicrosPerDelivery.toFixed(2)} µs/delivery`;
  return (
    `${name}: highest rate with ≥ 99 % delivered ${sustained ? at(sustained) : "none"}; ` +
    (broke ? `fell to ${(broke.deliveredShare * 100).toFixed(1)} % at ${at(broke)}` : "never fell below 99 %")
  );
}

/** Measures every peer in turn, then prints their summaries together. */
export async function benchEach<P extends { name: string }>(peers: readonly P[], bench: (peer: P) => Promise<StepResult[]>): Promise<void> {
  const summaries: string[] = [];
  for (const peer of peers) {
    const results = await bench(peer);
    if (results.length > 0) summaries.push(fanoutSummary(peer.name, results));
  }
  for (const line of summaries) console.log(line);
  console.log(`# finished; ${machineLoad()}`);
}
