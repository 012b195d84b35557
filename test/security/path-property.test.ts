// The property of the edge, checked on generated targets: for every request (origin-form and
// absolute-form, hostile encodings mixed in), either nylon refuses or answers it itself, or what
// reaches the upstream is inside the matched route's prefix and carries that route's middleware —
// whichever way the upstream reads the path: as sent, or decoded once, split on %2F/%5C/"\",
// with ";" parameters cut, dot segments removed and slashes merged (nginx, Tomcat, WHATWG URL).
//
// Deterministic: the seed is printed and can be replayed with NYLON_PROPERTY_SEED=<n>.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STYLE_CSS, useEdgeProxy, type SeenRequest } from "../support/edge-proxy.js";
import { finals, rawExchange } from "../support/raw-http.js";

const COUNT = 600;
const SEED = Number(process.env["NYLON_PROPERTY_SEED"] ?? 20260523);

const edge = useEdgeProxy();

/** mulberry32: small, seedable, good enough to spread cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEGMENTS = [
  "admin", "api", "static", "panel", "internal", "users", "style.css", "x",
  "..", ".", "%2e%2e", "%2E%2e", ".%2e", "%2e", "...", "",
  "%2f", "%2F", "..%2f", "..%2F", "%2f..", "a%2Fb", "admin%2Fpanel", "%2fadmin",
  "%5c", "..%5c", "%5Cadmin", "\\", "..\\",
  ";", "..;", "..;x=1", "admin;x", ";jsessionid=1", "api;v=2",
  "%61dmin", "%41dmin", "%61pi", "Admin", "ADMIN", "%73tatic",
  "%252e%252e", "%25", "%00", "%zz", "%", "a%20b", "caf%c3%a9",
];
const AUTHORITIES = ["a", "A", "a:80", "other.example", "api.example", "[::1]", "user@a"];
const HOSTS = ["a", "other.example", "api.example", "b"];
const QUERIES = ["", "", "?q=1", "?a=/../admin", "?x=%2e%2e%2f"];

interface Case {
  target: string;
  host: string;
  /** The host nylon should route on (the authority wins over Host). */
  effectiveHost: string;
}

function generate(next: () => number): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const segments = Array.from({ length: 1 + Math.floor(next() * 5) }, () => pick(SEGMENTS));
  const path = "/" + segments.join("/") + pick(QUERIES);
  const host = pick(HOSTS);
  if (next() < 0.6) return { target: path, host, effectiveHost: host };
  const authority = pick(AUTHORITIES);
  const scheme = next() < 0.5 ? "http" : pick(["HTTP", "https", "Http"]);
  return { target: `${scheme}://${authority}${path}`, host, effectiveHost: authority };
}

/** Every way an upstream might read the path it was sent. */
function readings(url: string): string[] {
  const path = url.split("?")[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  const aggressive = decoded.replace(/\\/g, "/").replace(/;[^/]*/g, "");
  return [path, decoded, removeDotSegments(aggressive)];
}

function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split("/").slice(1);
  segments.forEach((segment, i) => {
    if (segment === "..") out.pop();
    else if (segment !== "." && segment !== "") out.push(segment);
    else if (i === segments.length - 1 && segment === "") out.push("");
  });
  return "/" + out.join("/");
}

/** The middleware header each guarded prefix must have brought, per route host. */
function checkSeen(c: Case, seen: SeenRequest, status: number): void {
  const where = `${JSON.stringify(c.target)} with Host ${c.host} (seed ${SEED})`;
  assert.equal(status, 200, `${where}: reached the upstream but answered ${status}`);
  assert.match(seen.url, /^\//, `${where}: not forwarded in origin-form: ${seen.url}`);
  const host = c.effectiveHost.toLowerCase().replace(/:\d+$/, "");
  assert.equal(seen.headers.host?.toLowerCase().replace(/:\d+$/, ""), host, `${where}: Host sent upstream`);
  if (host === "other.example") {
    assert.equal(seen.headers["x-host-route"], "other", `${where}: the other.example route's middleware did not run`);
    return;
  }
  for (const reading of readings(seen.url)) {
    if (reading.startsWith("/admin/")) assert.equal(seen.headers["x-admin-policy"], "applied", `${where}: the upstream may read ${reading} (sent ${seen.url}) without the /admin middleware`);
    if (reading.startsWith("/api/")) assert.equal(seen.headers["x-api-policy"], "applied", `${where}: the upstream may read ${reading} (sent ${seen.url}) without the /api middleware`);
    if (reading.startsWith("/static/")) assert.fail(`${where}: the upstream may read ${reading} (sent ${seen.url}), which the static route serves`);
    if (host === "api.example") assert.ok(reading.startsWith("/api/") || reading.startsWith("/files/"), `${where}: api.example exposes /api and /files only, the upstream may read ${reading}`);
  }
}

describe("edge property: what reaches the upstream is what the matched route covers", () => {
  it(`holds for ${COUNT} generated origin-form and absolute-form targets`, async () => {
    const next = random(SEED);
    const tally = new Map<number, number>();
    let forwarded = 0;
    for (let i = 0; i < COUNT; i++) {
      const c = generate(next);
      const before = edge.upstream.seen.length;
      const exchange = await rawExchange(edge.port, Buffer.from(`GET ${c.target} HTTP/1.1\r\nHost: ${c.host}\r\n\r\n`, "latin1"), { responses: 1 });
      const response = finals(exchange)[0];
      // Node's parser may refuse some bytes outright (a 400 on the raw socket): still a refusal.
      assert.ok(response, `${JSON.stringify(c.target)}: no answer (seed ${SEED}): ${exchange.raw}`);
      tally.set(response.status, (tally.get(response.status) ?? 0) + 1);
      const seen = edge.upstream.seen.slice(before);
      assert.ok(seen.length <= 1, `${JSON.stringify(c.target)} reached the upstream ${seen.length} times`);
      if (seen.length === 1) {
        forwarded++;
        checkSeen(c, seen[0]!, response.status);
      } else {
        assert.ok([200, 301, 400, 404, 405].includes(response.status), `${JSON.stringify(c.target)}: nylon answered ${response.status} itself`);
        if (response.status === 200) assert.equal(response.body.toString(), STYLE_CSS, `${JSON.stringify(c.target)}: a 200 nylon gave itself must be the static file`);
      }
    }
    // The generator must exercise both sides of the property, or it proves nothing.
    assert.ok(forwarded > COUNT / 10, `only ${forwarded} of ${COUNT} targets were forwarded`);
    assert.ok((tally.get(400) ?? 0) > COUNT / 10, `only ${tally.get(400) ?? 0} of ${COUNT} targets were refused`);
    console.log(`seed ${SEED}: ${forwarded} forwarded; statuses ${JSON.stringify(Object.fromEntries(tally))}`);
  });
});
