// How an http service picks one of its endpoints. Every algorithm skips endpoints the caller reports
// as unusable (unhealthy, or already tried for this request) and returns null when none is left.
//
// - round_robin: smooth weighted round robin (nginx's): weights 5,1,1 give a a b a c a a, never a burst.
// - weighted:    the same smooth weighted round robin. Nylon's `weighted` was a weighted hash of the
//                client IP + X-Forwarded-For (sticky and client-steerable, G17); stickiness is what
//                `consistent` is for, so `weighted` means what operators expect from the word.
// - random:      weighted random.
// - consistent:  a Ketama ring (160 points per unit of weight, MD5) hashed on the selection key (the
//                client IP). When an endpoint is down the walk continues clockwise, so only that
//                endpoint's keys move; they come back when it does.
import { createHash } from "node:crypto";

export type Algorithm = "round_robin" | "random" | "consistent" | "weighted";

export interface WeightedEndpoint {
  /** Stable identity ("ip:port"); consistent hashing places the endpoint on the ring by it. */
  readonly id: string;
  /** 0 takes the endpoint out of rotation. */
  readonly weight: number;
}

export interface Balancer<E extends WeightedEndpoint> {
  pick(key: string, usable: (endpoint: E) => boolean): E | null;
}

export function createBalancer<E extends WeightedEndpoint>(algorithm: Algorithm, endpoints: readonly E[]): Balancer<E> {
  switch (algorithm) {
    case "round_robin":
    case "weighted":
      return new SmoothWeightedRoundRobin(endpoints);
    case "random":
      return new WeightedRandom(endpoints);
    case "consistent":
      return new KetamaRing(endpoints);
  }
}

class SmoothWeightedRoundRobin<E extends WeightedEndpoint> implements Balancer<E> {
  private readonly current: number[];
  constructor(private readonly endpoints: readonly E[]) {
    this.current = endpoints.map(() => 0);
  }
  pick(_key: string, usable: (endpoint: E) => boolean): E | null {
    let total = 0;
    let best = -1;
    for (let i = 0; i < this.endpoints.length; i++) {
      const endpoint = this.endpoints[i]!;
      if (endpoint.weight <= 0 || !usable(endpoint)) continue;
      this.current[i]! += endpoint.weight;
      total += endpoint.weight;
      if (best === -1 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best === -1) return null;
    this.current[best]! -= total;
    return this.endpoints[best]!;
  }
}

class WeightedRandom<E extends WeightedEndpoint> implements Balancer<E> {
  constructor(private readonly endpoints: readonly E[]) {}
  pick(_key: string, usable: (endpoint: E) => boolean): E | null {
    let total = 0;
    for (const endpoint of this.endpoints) if (endpoint.weight > 0 && usable(endpoint)) total += endpoint.weight;
    if (total === 0) return null;
    let point = Math.random() * total;
    let last: E | null = null;
    for (const endpoint of this.endpoints) {
      if (endpoint.weight <= 0 || !usable(endpoint)) continue;
      last = endpoint;
      point -= endpoint.weight;
      if (point < 0) return endpoint;
    }
    return last; // floating-point rounding at the very end of the range
  }
}

const POINTS_PER_WEIGHT = 160;

class KetamaRing<E extends WeightedEndpoint> implements Balancer<E> {
  private readonly hashes: Uint32Array;
  private readonly owners: E[];

  constructor(endpoints: readonly E[]) {
    const points: { hash: number; owner: E }[] = [];
    for (const endpoint of endpoints) {
      // Ketama: each MD5 digest of "id-n" yields four 32-bit points.
      for (let n = 0; n < (endpoint.weight * POINTS_PER_WEIGHT) / 4; n++) {
        const digest = createHash("md5").update(`${endpoint.id}-${n}`).digest();
        for (let k = 0; k < 4; k++) points.push({ hash: digest.readUInt32LE(k * 4), owner: endpoint });
      }
    }
    points.sort((a, b) => a.hash - b.hash);
    this.hashes = Uint32Array.from(points, (p) => p.hash);
    this.owners = points.map((p) => p.owner);
  }

  pick(key: string, usable: (endpoint: E) => boolean): E | null {
    const size = this.hashes.length;
    if (size === 0) return null;
    const hash = createHash("md5").update(key).digest().readUInt32LE(0);
    let low = 0;
    let high = size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.hashes[mid]! < hash) low = mid + 1;
      else high = mid;
    }
    const checked = new Set<E>();
    for (let step = 0; step < size; step++) {
      const owner = this.owners[(low + step) % size]!;
      if (checked.has(owner)) continue;
      if (usable(owner)) return owner;
      checked.add(owner);
    }
    return null;
  }
}
