// A malformed request pipelined behind good ones does not erase their answers: each good request
// gets its own answer first (even when its upstream is slow), then the malformed one gets its 400
// and the connection closes, as nginx does. A client never has to guess whether a request ran.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useEdgeProxy } from "../support/edge-proxy.js";
import { finals, header, rawExchange } from "../support/raw-http.js";

const edge = useEdgeProxy();

const JUNK = ["BROKEN LINE\r\n\r\n", "get / HTTP/1.1\r\nHost: a\r\n\r\n", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "\x00\x01\x02\r\n\r\n"];

describe("pipelined requests followed by a malformed one", () => {
  it("POST /p3 then junk: the POST's 200 comes first, then 400, then the connection closes", async () => {
    for (const junk of JUNK) {
      const before = edge.upstream.seen.length;
      const exchange = await rawExchange(edge.port, `POST /api/p3 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc${junk}`);
      const answers = finals(exchange);
      assert.deepEqual(answers.map((r) => r.status), [200, 400], `${JSON.stringify(junk)}: ${exchange.raw}`);
      assert.equal(answers[0]!.body.toString(), "upstream saw /api/p3");
      assert.equal(header(answers[1]!, "connection"), "close");
      assert.ok(exchange.closed);
      const seen = edge.upstream.seen.slice(before);
      assert.deepEqual(seen.map((s) => [s.method, s.url, s.body.toString()]), [["POST", "/api/p3", "abc"]]);
    }
  });

  it("the answers to several good requests, a slow one among them, all come out in order before the 400", async () => {
    const before = edge.upstream.seen.length;
    const exchange = await rawExchange(
      edge.port,
      "GET /api/one HTTP/1.1\r\nHost: a\r\nx-upstream-delay-ms: 300\r\n\r\n" +
        "POST /api/two HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n" +
        "GET /static/style.css HTTP/1.1\r\nHost: a\r\n\r\n" +
        "BROKEN LINE\r\n\r\n",
    );
    const answers = finals(exchange);
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 400], exchange.raw);
    assert.deepEqual(answers.slice(0, 2).map((r) => r.body.toString()), ["upstream saw /api/one", "upstream saw /api/two"]);
    assert.ok(exchange.closed);
    assert.deepEqual(edge.upstream.seen.slice(before).map((s) => s.url).sort(), ["/api/one", "/api/two"]);
  });

  it("junk sent after the first answer arrived (not pipelined) gets its 400 the same way", async () => {
    let step = 0;
    const exchange = await rawExchange(edge.port, "", {
      onConnect: (socket) => {
        socket.write("GET /api/first HTTP/1.1\r\nHost: a\r\n\r\n");
        socket.on("data", () => {
          if (step++ === 0) socket.write("BROKEN LINE\r\n\r\n");
        });
      },
    });
    assert.deepEqual(finals(exchange).map((r) => r.status), [200, 400]);
    assert.ok(exchange.closed);
  });

  it("junk alone is answered 400 and closed", async () => {
    for (const junk of JUNK) {
      const exchange = await rawExchange(edge.port, junk);
      assert.deepEqual(finals(exchange).map((r) => r.status), [400], JSON.stringify(junk));
      assert.ok(exchange.closed);
    }
  });
});
