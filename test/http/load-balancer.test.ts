import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBalancer, type WeightedEndpoint } from "../../runtime/http/load-balancer.js";

const endpoints = (...weights: number[]): WeightedEndpoint[] => weights.map((weight, i) => ({ id: `10.0.0.${i + 1}:80`, weight }));
const always = () => true;

function count(picks: (WeightedEndpoint | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of picks) counts.set(p?.id ?? "none", (counts.get(p?.id ?? "none") ?? 0) + 1);
  return counts;
}

describe("load balancer", () => {
  for (const algorithm of ["round_robin", "weighted"] as const) {
    it(`${algorithm}: smooth weighted round robin, exact shares`, () => {
      const list = endpoints(5, 1, 1);
      const lb = createBalancer(algorithm, list);
      const first = Array.from({ length: 7 }, () => lb.pick("ip", always)!.id.slice(7, 8));
      assert.deepEqual(first, ["1", "1", "2", "1", "3", "1", "1"]); // nginx's interleaving, no burst of five
      const counts = count(Array.from({ length: 700 }, () => lb.pick("ip", always)));
      assert.deepEqual([...counts.values()], [500, 100, 100]);
    });
  }

  it("round_robin: skips unusable endpoints and returns null when none is left", () => {
    const list = endpoints(1, 1, 1);
    const lb = createBalancer("round_robin", list);
    const counts = count(Array.from({ length: 100 }, () => lb.pick("ip", (e) => e !== list[1])));
    assert.deepEqual(counts, new Map([[list[0]!.id, 50], [list[2]!.id, 50]]));
    assert.equal(lb.pick("ip", () => false), null);
    assert.equal(createBalancer("round_robin", endpoints(0, 0)).pick("ip", always), null);
  });

  it("random: weighted shares", () => {
    const list = endpoints(3, 1);
    const lb = createBalancer("random", list);
    const counts = count(Array.from({ length: 20_000 }, () => lb.pick("ip", always)));
    const share = counts.get(list[0]!.id)! / 20_000;
    assert.ok(share > 0.72 && share < 0.78, `share of the weight-3 endpoint was ${share}`);
    assert.equal(lb.pick("ip", (e) => e === list[1])!.id, list[1]!.id);
  });

  it("consistent: sticky per key, spread over endpoints, only a down endpoint's keys move", () => {
    const list = endpoints(1, 1, 1);
    const lb = createBalancer("consistent", list);
    const keys = Array.from({ length: 3000 }, (_, i) => `192.168.${i >> 8}.${i & 255}`);
    const before = new Map(keys.map((k) => [k, lb.pick(k, always)!]));
    for (const k of keys.slice(0, 50)) assert.equal(lb.pick(k, always), before.get(k));
    for (const share of count([...before.values()]).values()) assert.ok(share > 700 && share < 1300, `share ${share}`);

    const down = list[1]!;
    let moved = 0;
    for (const k of keys) {
      const now = lb.pick(k, (e) => e !== down)!;
      assert.notEqual(now, down);
      if (before.get(k) !== down) assert.equal(now, before.get(k), "a key of a healthy endpoint moved");
      else moved++;
    }
    assert.equal(moved, count([...before.values()]).get(down.id));
    for (const k of keys) assert.equal(lb.pick(k, always), before.get(k), "keys come back when the endpoint does");
  });

  it("consistent: weights scale an endpoint's share of the ring", () => {
    const list = endpoints(3, 1);
    const lb = createBalancer("consistent", list);
    const counts = count(Array.from({ length: 4000 }, (_, i) => lb.pick(`10.1.${i >> 8}.${i & 255}`, always)));
    const share = counts.get(list[0]!.id)! / 4000;
    assert.ok(share > 0.65 && share < 0.85, `share of the weight-3 endpoint was ${share}`);
  });
});
