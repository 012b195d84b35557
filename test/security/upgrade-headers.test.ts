// Every way a request leaves nylon carries the headers the request-phase middleware left: a plain
// proxied request, the same request as a WebSocket Upgrade (tunnelled), and either of them retried
// on another endpoint after a refused connection. Adding `Connection: Upgrade` and `Upgrade:
// websocket` does not skip a header rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useEdgeProxy, type SeenRequest } from "../support/edge-proxy.js";
import { finals, rawExchange, rawUpgrade, WEBSOCKET_HANDSHAKE } from "../support/raw-http.js";
import { waitForLog } from "../ops/ops-support.js";

const edge = useEdgeProxy();

/** Forged headers in several spellings; the middleware sets x-role: user and removes x-secret. */
const FORGED = [
  ["X-Role: admin", "X-Secret: s3cr3t"],
  ["x-role: admin", "x-secret: s3cr3t", "x-secret: again"],
  ["X-ROLE: admin", "X-SECRET: s3cr3t", "X-Role-Admin: yes"],
  ["x-role: admin, root", "x-Secret: s3cr3t"],
];

function assertRuleApplied(seen: SeenRequest | undefined, what: string): void {
  assert.ok(seen, `${what} did not reach the upstream`);
  assert.equal(seen.headers["x-role"], "user", `${what}: forged x-role reached the upstream`);
  assert.equal(seen.headers["x-secret"], undefined, `${what}: x-secret reached the upstream`);
  assert.equal(seen.headers["x-role-admin"], undefined, `${what}: x-role-admin reached the upstream`);
}

async function plain(path: string, forged: string[]): Promise<SeenRequest | undefined> {
  const before = edge.upstream.seen.length;
  const exchange = await rawExchange(edge.port, `GET ${path} HTTP/1.1\r\nHost: a\r\n${forged.join("\r\n")}\r\n\r\n`, { responses: 1 });
  assert.equal(finals(exchange)[0]?.status, 200, exchange.raw);
  return edge.upstream.seen.slice(before).find((s) => !s.upgrade);
}

async function upgrade(target: string, forged: string[], handshake = WEBSOCKET_HANDSHAKE): Promise<SeenRequest | undefined> {
  const before = edge.upstream.seen.length;
  const answer = await rawUpgrade(edge.port, `GET ${target} HTTP/1.1\r\nHost: a\r\n${[...handshake, ...forged].join("\r\n")}\r\n\r\n`);
  assert.equal(answer.status, 101, answer.head);
  // ws emits "connection" in the tick it writes the 101, so the record is there before the client reads it.
  return edge.upstream.seen.slice(before).find((s) => s.upgrade);
}

describe("header rules on every way out", () => {
  it("a plain request and the same request as an Upgrade reach the upstream with the same rule applied", async () => {
    for (const forged of FORGED) {
      assertRuleApplied(await plain("/ws/room", forged), `plain ${forged.join(" | ")}`);
      assertRuleApplied(await upgrade("/ws/room", forged), `upgrade ${forged.join(" | ")}`);
    }
  });

  it("holds whatever the Upgrade and Connection spellings, and for absolute-form and unnormalised upgrade targets", async () => {
    const handshakes = [
      WEBSOCKET_HANDSHAKE,
      ["upgrade: WebSocket", "connection: keep-alive, Upgrade", "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version: 13"],
      ["UPGRADE: websocket", "CONNECTION: upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"],
    ];
    for (const handshake of handshakes) assertRuleApplied(await upgrade("/ws/room", FORGED[0]!, handshake), handshake.join(" | "));
    const absolute = await upgrade("http://a/ws/room?x=1", FORGED[1]!);
    assertRuleApplied(absolute, "absolute-form upgrade");
    assert.equal(absolute!.url, "/ws/room?x=1");
    const dotted = await upgrade("/x/../ws/./room", FORGED[2]!);
    assertRuleApplied(dotted, "dot-segment upgrade");
    assert.equal(dotted!.url, "/ws/room");
  });

  it("a Connection header on the upgrade cannot name the rule's headers away", async () => {
    const handshake = ["Upgrade: websocket", "Connection: Upgrade, x-role", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"];
    assertRuleApplied(await upgrade("/ws/room", ["x-role: admin", "x-secret: s"], handshake), "Connection: Upgrade, x-role");
  });

  it("a request retried on another endpoint after a refused connection carries the same headers", async () => {
    assertRuleApplied(await plain("/retry-plain/x", FORGED[0]!), "retried plain request");
    await waitForLog(edge.nylon, /"service":"retry-plain".*unhealthy|unhealthy.*"service":"retry-plain"/);
    assertRuleApplied(await upgrade("/retry-ws/x", FORGED[0]!), "retried upgrade");
    await waitForLog(edge.nylon, /"service":"retry-ws".*unhealthy|unhealthy.*"service":"retry-ws"/);
  });
});
