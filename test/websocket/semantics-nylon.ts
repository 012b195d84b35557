// A nylon serving the ws-semantics test plugin (test/plugins/ws-semantics, or its Go twin) on /ws and on extra paths with
// their own WebSocket limits, plus the watcher that reads the plugin's event log.
import { ensurePluginBuilt } from "../phases/phase-fixtures.js";
import { freePort, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { WsTestClient } from "../support/ws-test-client.js";

export interface SemanticsNylon extends NylonProcess {
  /** http://127.0.0.1:PORT of the metrics listener. */
  metricsUrl: string;
}

/** The ws-semantics plugin in each guest language (the same protocol): the semantics tests run against both. */
export const SEMANTICS_PLUGINS = { typescript: "test/plugins/ws-semantics", go: "test/plugins/go-ws-semantics" } as const;

/**
 * `paths` maps a route path to its `service.websocket` overrides (YAML flow text such as
 * `{ max_message_bytes: 1024 }`); `/ws` always serves with the global settings.
 */
export async function startSemanticsNylon(
  paths: Record<string, string> = {},
  isolation: "inline" | "worker" = "inline",
  build: keyof typeof SEMANTICS_PLUGINS = "typescript",
): Promise<SemanticsNylon> {
  const file = await ensurePluginBuilt(SEMANTICS_PLUGINS[build]);
  const metricsPort = await freePort();
  const extraPaths = Object.entries(paths)
    .map(([path, overrides]) => `      - { path: ${path}, service: { name: sem, websocket: ${overrides} } }`)
    .join("\n");
  const nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
plugins:
  - { name: sem, type: wasm, isolation: ${isolation}, file: ${JSON.stringify(file)} }
services:
  - { name: sem, service_type: plugin, plugin: { name: sem, entry: semantics } }
routes:
  - name: ws
    route: { type: host, value: "*" }
    paths:
      - { path: /ws, service: { name: sem } }
${extraPaths}
`);
  return Object.assign(nylon, { metricsUrl: `http://127.0.0.1:${metricsPort}` });
}

/** A connection's id, asked with the plugin's "id" command. */
export async function idOf(client: WsTestClient): Promise<string> {
  client.send("id");
  const answer = await client.nextText();
  if (!answer.startsWith("id ")) throw new Error(`expected "id <id>", got ${JSON.stringify(answer)}`);
  return answer.slice(3);
}

/** Reads the plugin's event log ("<id> <event>") and hands out each connection's events in order. */
export class Watcher {
  private readonly byConnection = new Map<string, string[]>();

  private constructor(private readonly client: WsTestClient) {}

  /** Connects to the same path as the connections it watches (`base` is e.g. `ws://host:port/ws`). */
  static async connect(base: string): Promise<Watcher> {
    return new Watcher(await WsTestClient.connect(`${base}?watch=1`));
  }

  /** The connection's first `count` events, waiting for them as needed. */
  async events(id: string, count: number, timeoutMs = 5_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.byConnection.get(id) ?? [];
      if (seen.length >= count) return seen.slice(0, count);
      const line = await this.client.nextText(Math.max(1, deadline - Date.now())).catch(() => {
        throw new Error(`only ${JSON.stringify(seen)} of ${count} events for ${id} within ${timeoutMs} ms`);
      });
      const space = line.indexOf(" ");
      const owner = line.slice(0, space);
      this.byConnection.set(owner, [...(this.byConnection.get(owner) ?? []), line.slice(space + 1)]);
    }
  }

  /** Waits for the connection's close event and returns it ("close <code> <reason>"). */
  async closeOf(id: string, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (let count = 1; ; count++) {
      const events = await this.events(id, count, Math.max(1, deadline - Date.now()));
      const last = events[count - 1]!;
      if (last.startsWith("close ")) return last;
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
