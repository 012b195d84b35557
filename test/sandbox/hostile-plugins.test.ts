// Issue 6: each hostile plugin runs in a real nylon next to a healthy plugin under constant traffic.
// The hostile route gives the documented status or close code, the failure is logged with its
// reason, the neighbour answers every request, the process survives, and the hostile route works
// again once the plugin is rebuilt (docs/sandbox.md). Every misbehaviour runs in each guest language.
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

const LIMITS = "{ deadline_ms: 50, memory_mb: 32 }";

/**
 * The hostile plugins of each guest language, by misbehaviour: a TypeScript plugin per misbehaviour
 * (test/plugins/<misbehaviour>), one Rust crate whose config picks it (test/plugins/hostile-rust).
 * Both answer "ok <misbehaviour>" while they behave.
 */
const GUESTS: { language: string; plugin(misbehaviour: string): HostilePlugin }[] = [
  { language: "TypeScript", plugin: (misbehaviour) => misbehaviour },
  { language: "Rust", plugin: (misbehaviour) => ({ folder: "hostile-rust", config: { misbehave: misbehaviour } }) },
];

/** The hostile plugin answers plain requests again (after its restart hold-off). */
async function recovers(nylon: NylonProcess, expected: string): Promise<void> {
  await eventually(async () => {
    const reply = await get(`${nylon.url}/hostile`);
    return reply.status === 200 && reply.text === expected;
  });
}

async function misbehaveOverHttp(nylon: NylonProcess, kinds: readonly string[]): Promise<void> {
  const reply = await get(`${nylon.url}/hostile?misbehave=1`);
  assert.equal(reply.status, 500);
  const logged = await waitForFailures(nylon, 1);
  assert.ok(kinds.includes(logged[0]!.kind), `logged kind ${logged[0]!.kind}: ${logged[0]!.reason}`);
  assert.equal(logged[0]!.call, 'entry "hostile" request-filter');
}

/** The hostile plugin's own error lines (what its SDK logged). */
function pluginErrors(nylon: NylonProcess): string[] {
  return logRecords(nylon.logs())
    .filter((r) => r["plugin"] === "hostile" && r["level"] === 50 && r["msg"] !== "plugin failed; instance discarded")
    .map((r) => String(r["msg"]));
}

for (const guest of GUESTS)
for (const isolation of ["inline", "worker"] as const) {
describe(`hostile ${guest.language} plugins beside a healthy one (isolation: ${isolation})`, { concurrency: false }, () => {
  const withHostileNeighbour = (misbehaviour: string, limits: string, body: Parameters<typeof withNeighbour>[2]) =>
    withNeighbour(guest.plugin(misbehaviour), limits, body, isolation);

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

  it("throw: the SDK contains a thrown exception or a returned Err (500, or 1011 for that connection only)", async () => {
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

for (const isolation of ["inline", "worker"] as const)
describe(`host limits on a hostile plugin (isolation: ${isolation})`, { concurrency: false }, () => {
  it("flood-broadcast: max_send_bytes caps what one callback broadcasts and the flooder gets error values", async () => {
    // The flood takes 80-420 ms of CPU (the most on cold code): the deadline is not what this tests.
    await withNeighbour("flood-broadcast", "{ deadline_ms: 2000, max_send_bytes: 102400 }", async (nylon) => {
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

// On stable Rust a panic cannot be caught on wasm32: the SDK's panic hook logs it, then the instance
// traps and is rebuilt, so unlike a TypeScript throw it ends every connection of the plugin.
for (const isolation of ["inline", "worker"] as const)
describe(`a Rust plugin that panics (isolation: ${isolation})`, { concurrency: false }, () => {
  const rust = GUESTS.find((g) => g.language === "Rust")!;

  it("500 for the request, the panic's message and place in the log, then the route works again", async () => {
    await withNeighbour(rust.plugin("panic"), LIMITS, async (nylon) => {
      await misbehaveOverHttp(nylon, ["trap"]);
      assert.ok(
        pluginErrors(nylon).some((line) => /^entry "hostile" request-filter panicked: panicked at .*src\/lib\.rs:\d+:\d+:\nhostile plugin panics$/.test(line)),
        `the panic is logged: ${JSON.stringify(pluginErrors(nylon))}`,
      );
      await recovers(nylon, "ok panic");
    }, isolation);
  });

  it("in a WebSocket callback: every connection of the plugin closes with 1011, new ones work", async () => {
    await withNeighbour(rust.plugin("panic"), LIMITS, async (nylon) => {
      const panicking = await openWs(`${nylon.wsUrl}/hostile`);
      const bystander = await openWs(`${nylon.wsUrl}/hostile`);
      const panickingClosed = closed(panicking);
      const bystanderClosed = closed(bystander);
      panicking.send("misbehave");
      assert.equal((await panickingClosed).code, 1011);
      assert.equal((await bystanderClosed).code, 1011);
      assert.deepEqual((await waitForFailures(nylon, 1)).map((f) => [f.kind, f.call]), [["trap", "ws-on-message-text"]]);
      assert.ok(pluginErrors(nylon).some((line) => line.startsWith("ws-on-message-text panicked: ")), JSON.stringify(pluginErrors(nylon)));
      const fresh = await openWs(`${nylon.wsUrl}/hostile`);
      fresh.send("hello");
      assert.equal(await nextText(fresh), "echo: hello");
      fresh.close();
    }, isolation);
  });
});

describe("isolation: worker", { concurrency: false }, () => {
  it("a plugin spinning for a whole second in its thread does not pause the healthy route", async () => {
    const isolation: Isolation = "worker";
    await withNeighbour(
      "spin-request-filter",
      "{ deadline_ms: 1000 }",
      async (nylon, healthy) => {
        const started = performance.now();
        const reply = await get(`${nylon.url}/hostile?misbehave=1`);
        const spunMs = performance.now() - started;
        assert.equal(reply.status, 500);
        assert.equal((await waitForFailures(nylon, 1))[0]!.kind, "deadline");
        // The spin took the hostile request the better part of its 1 s deadline; the healthy route,
        // which answered back-to-back requests meanwhile, never waited anywhere near that long.
        assert.ok(spunMs > 500, `the hostile request spun for ${spunMs.toFixed(0)} ms`);
        assert.ok(healthy.slowestRequestMs < 250, `slowest healthy request ${healthy.slowestRequestMs.toFixed(0)} ms while the plugin spun`);
        await eventually(async () => (await get(`${nylon.url}/hostile`)).status === 200);
      },
      isolation,
    );
  });
});
