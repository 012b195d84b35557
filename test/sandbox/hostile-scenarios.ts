// The hostile-plugin scenarios (issue 6), one table for every guest language: each hostile plugin runs
// in a real nylon next to a healthy plugin under constant traffic. The hostile route gives the
// documented status or close code, the failure is logged with its reason, the neighbour answers every
// request, the process survives, and the hostile route works again once the plugin is rebuilt
// (docs/sandbox.md). A test file per language runs the table, so each stays within its time limit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { logRecords } from "../phases/phase-fixtures.js";
import {
  closed,
  eventually,
  failures,
  get,
  nextText,
  openWs,
  waitForFailures,
  withHostileNeighbour as withNeighbour,
  type HostilePlugin,
  type Isolation,
} from "./sandbox-fixtures.js";
import type { NylonProcess } from "../support/nylon-process.js";

export const LIMITS = "{ deadline_ms: 50, memory_mb: 32 }";

export type HostileGuest = "TypeScript" | "Rust" | "Go";

/**
 * The hostile plugins of each guest language, by misbehaviour: a TypeScript plugin per misbehaviour
 * (test/plugins/<misbehaviour>), one Rust crate whose config picks it (test/plugins/hostile-rust),
 * one Go plugin likewise (test/plugins/go-hostile). All answer "ok <misbehaviour>" while they behave.
 */
export const HOSTILE_PLUGIN: Record<HostileGuest, (misbehaviour: string) => HostilePlugin> = {
  TypeScript: (misbehaviour) => misbehaviour,
  Rust: (misbehaviour) => ({ folder: "hostile-rust", config: { misbehave: misbehaviour } }),
  Go: (misbehaviour) => ({ folder: "go-hostile", config: { misbehaviour } }),
};

/** The hostile plugin answers plain requests again (after its restart hold-off). */
export async function recovers(nylon: NylonProcess, expected: string): Promise<void> {
  await eventually(async () => {
    const reply = await get(`${nylon.url}/hostile`);
    return reply.status === 200 && reply.text === expected;
  });
}

export async function misbehaveOverHttp(nylon: NylonProcess, kinds: readonly string[]): Promise<void> {
  const reply = await get(`${nylon.url}/hostile?misbehave=1`);
  assert.equal(reply.status, 500);
  const logged = await waitForFailures(nylon, 1);
  assert.ok(kinds.includes(logged[0]!.kind), `logged kind ${logged[0]!.kind}: ${logged[0]!.reason}`);
  assert.equal(logged[0]!.call, 'entry "hostile" request-filter');
}

/** The hostile plugin's own error lines (what its SDK logged). */
export function pluginErrors(nylon: NylonProcess): string[] {
  return logRecords(nylon.logs())
    .filter((r) => r["plugin"] === "hostile" && r["level"] === 50 && r["msg"] !== "plugin failed; instance discarded")
    .map((r) => String(r["msg"]));
}

/** The table, against the hostile plugins written in `guest`, inline or in a worker thread. */
export function describeHostilePlugins(guest: HostileGuest, isolation: Isolation): void {
describe(`hostile ${guest} plugins beside a healthy one (isolation: ${isolation})`, { concurrency: false }, () => {
  const withHostileNeighbour = (misbehaviour: string, limits: string, body: Parameters<typeof withNeighbour>[2]) =>
    withNeighbour(HOSTILE_PLUGIN[guest](misbehaviour), limits, body, isolation);

  it("spin-request-filter: 500 on the deadline, 503 + Retry-After while held off, then works again", async () => {
    await withHostileNeighbour("spin-request-filter", LIMITS, async (nylon) => {
      await misbehaveOverHttp(nylon, ["deadline"]);
      // Failures in a row hold the plugin off for 100 ms, 200 ms, 400 ms...; during a hold-off the route answers 503.
      let held: Awaited<ReturnType<typeof get>> | undefined;
      for (let i = 0; i < 8 && !held; i++) {
        const reply = await get(`${nylon.url}/hostile?misbehave=1`);
        if (reply.status === 503) held = reply;
        else assert.equal(reply.status, 500);
      }
      assert.ok(held, "a plugin failing again and again is held off");
      assert.match(String(held.headers["retry-after"]), /^[1-9]\d*$/);
      await recovers(nylon, "ok spin-request-filter");
    });
  });

  it("spin-on-message: every connection of the plugin closes with 1011, new ones work", async () => {
    await withHostileNeighbour("spin-on-message", LIMITS, async (nylon) => {
      const spinner = await openWs(`${nylon.wsUrl}/hostile`);
      const bystander = await openWs(`${nylon.wsUrl}/hostile`);
      const spinnerClosed = closed(spinner);
      const bystanderClosed = closed(bystander);
      spinner.send("misbehave");
      assert.equal((await spinnerClosed).code, 1011);
      assert.equal((await bystanderClosed).code, 1011);
      assert.deepEqual((await waitForFailures(nylon, 1)).map((f) => [f.kind, f.call]), [["deadline", "ws-on-message-text"]]);
      const fresh = await openWs(`${nylon.wsUrl}/hostile`);
      fresh.send("hello");
      assert.equal(await nextText(fresh), "echo: hello");
      fresh.close();
    });
  });

  it("allocate-forever: 500 at the memory cap, the instance is recycled, then works again", async () => {
    await withHostileNeighbour("allocate-forever", LIMITS, async (nylon) => {
      await misbehaveOverHttp(nylon, ["memory"]);
      assert.match(failures(nylon)[0]!.reason, /limits\.memory_mb = 32/);
      await recovers(nylon, "ok allocate-forever");
    });
  });

  it("trap: a WebAssembly trap gives 500 and a rebuilt instance", async () => {
    await withHostileNeighbour("trap", LIMITS, async (nylon) => {
      await misbehaveOverHttp(nylon, ["trap"]);
      await recovers(nylon, "ok trap");
    });
  });

  it("throw: the SDK contains a thrown exception, a returned Err or a Go panic (500, or 1011 for that connection only)", async () => {
    await withHostileNeighbour("throw", LIMITS, async (nylon) => {
      const reply = await get(`${nylon.url}/hostile?misbehave=1`);
      assert.equal(reply.status, 500);
      const thrower = await openWs(`${nylon.wsUrl}/hostile`);
      const other = await openWs(`${nylon.wsUrl}/hostile`);
      const throwerClosed = closed(thrower);
      thrower.send("misbehave");
      assert.equal((await throwerClosed).code, 1011);
      // A caught exception is not a trap: the instance and its other connections live on.
      other.send("still here?");
      assert.equal(await nextText(other), "echo: still here?");
      other.close();
      assert.deepEqual(failures(nylon), []);
      assert.equal((await get(`${nylon.url}/hostile`)).text, "ok throw");
    });
  });

  it("recurse-forever: 500 (stack overflow or deadline), then works again", async () => {
    await withHostileNeighbour("recurse-forever", LIMITS, async (nylon) => {
      await misbehaveOverHttp(nylon, ["stack", "deadline"]);
      await recovers(nylon, "ok recurse-forever");
    });
  });
});
}

/** What the host's limits do to a hostile plugin written in `guest` (one whose SDK lets a callback flood). */
export function describeHostLimits(guest: HostileGuest, isolation: Isolation): void {
describe(`host limits on a hostile ${guest} plugin (isolation: ${isolation})`, { concurrency: false }, () => {
  it("flood-broadcast: max_send_bytes caps what one callback broadcasts and the flooder gets error values", async () => {
    // The flood takes 80-420 ms of CPU (the most on cold code): the deadline is not what this tests.
    await withNeighbour(HOSTILE_PLUGIN[guest]("flood-broadcast"), "{ deadline_ms: 2000, max_send_bytes: 102400 }", async (nylon) => {
      const listener = await openWs(`${nylon.wsUrl}/hostile`);
      const flooder = await openWs(`${nylon.wsUrl}/hostile`);
      let received = 0;
      listener.on("message", (data: Buffer) => (received += data.length));
      const flooderClosed = closed(flooder);
      flooder.send("misbehave");
      assert.deepEqual(await flooderClosed, { code: 4000, reason: "NYLON_E_INVALID_ARGUMENT" });
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(received <= 102_400, `the room got ${received} bytes, at most max_send_bytes`);
      assert.ok(received >= 10 * 10_240, `the first broadcasts within the cap were delivered (${received} bytes)`);
      assert.deepEqual(failures(nylon), []);
      listener.removeAllListeners("message");
      listener.send("ping");
      assert.equal(await nextText(listener), "echo: ping");
      listener.close();
    }, isolation);
  });
});
}
