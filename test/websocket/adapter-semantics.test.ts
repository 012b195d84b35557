// One suite, run against the memory adapter and the Redis adapter: rooms must behave the same whether
// the members sit on one node or on two. `a` and `b` are the same node with memory, two with Redis.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { outboundMessage } from "../../runtime/websocket/outbound-message.js";
import { RedisServer } from "../cluster/redis-server.js";
import { eventually, startCluster, TEST_NAMESPACE, type AdapterKind, type RecordingClient, type TestCluster } from "./adapter-nodes.js";

const text = (s: string) => outboundMessage(false, Buffer.from(s));
const binary = (bytes: number[]) => outboundMessage(true, Buffer.from(bytes));

for (const kind of ["memory", "redis"] as AdapterKind[]) {
  describe(`room adapter semantics: ${kind}`, () => {
    let redis: RedisServer | undefined;
    let cluster: TestCluster;

    before(async () => {
      if (kind === "redis") redis = await RedisServer.start();
      cluster = await startCluster(kind, redis?.port);
    });
    after(async () => {
      await cluster?.stop();
      await redis?.stop();
    });

    const nodeAt = (i: 0 | 1) => ({
      connect: (namespace?: string) => cluster.nodes[i].connect(namespace),
      get node() {
        return cluster.nodes[i];
      },
    });
    const [a, b] = [nodeAt(0), nodeAt(1)];
    /**
     * Waits until every client got exactly `expected`, in any order: delivery across nodes is
     * asynchronous, and order is kept per sender, not between senders on different nodes.
     */
    const expectReceived = async (clients: RecordingClient[], expected: string[][]) =>
      eventually(() => assert.deepEqual(clients.map((c) => [...c.received].sort()), expected.map((e) => [...e].sort())));

    it("a broadcast reaches the room's members on every node, the sender included, and no one else", async () => {
      const [alice, bob, carol, outsider] = [a.connect(), b.connect(), b.connect(), a.connect()];
      for (const c of [alice, bob, carol]) c.node.adapter.join(c.conn, "lobby");
      await cluster.settle();
      a.node.adapter.broadcast("lobby", text("hello"));
      b.node.adapter.broadcast("lobby", text("hi back"));
      await expectReceived([alice, bob, carol], [["hello", "hi back"], ["hello", "hi back"], ["hello", "hi back"]]);
      await cluster.settle();
      assert.deepEqual(outsider.received, []);
    });

    it("excluding the sender leaves out that connection only, wherever it is", async () => {
      const [alice, bob, carol] = [a.connect(), b.connect(), a.connect()];
      for (const c of [alice, bob, carol]) c.node.adapter.join(c.conn, "exclusive");
      await cluster.settle();
      b.node.adapter.broadcast("exclusive", text("from bob"), bob.conn);
      a.node.adapter.broadcast("exclusive", text("from alice"), alice.conn);
      await expectReceived([alice, bob, carol], [["from bob"], ["from alice"], ["from bob", "from alice"]]);
    });

    it("one sender's broadcasts arrive in the order sent, on every node", async () => {
      const [alice, bob] = [a.connect(), b.connect()];
      for (const c of [alice, bob]) c.node.adapter.join(c.conn, "ordered");
      await cluster.settle();
      const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);
      for (const m of sent) a.node.adapter.broadcast("ordered", text(m));
      await eventually(() => assert.deepEqual([alice.received, bob.received], [sent, sent]));
    });

    it("binary broadcasts arrive byte for byte", async () => {
      const [alice, bob] = [a.connect(), b.connect()];
      for (const c of [alice, bob]) c.node.adapter.join(c.conn, "bytes");
      await cluster.settle();
      a.node.adapter.broadcast("bytes", binary([0, 1, 255, 0x74, 0]));
      await expectReceived([alice, bob], [["bin:0001ff7400"], ["bin:0001ff7400"]]);
    });

    it("a member that left, or disconnected, gets nothing more; joining twice counts once", async () => {
      const [alice, bob, carol] = [a.connect(), b.connect(), b.connect()];
      for (const c of [alice, bob, carol]) c.node.adapter.join(c.conn, "leaving");
      b.node.adapter.join(bob.conn, "leaving");
      await cluster.settle();
      await eventually(() => assert.equal(a.node.adapter.roomSize("leaving"), 3));
      b.node.adapter.leave(bob.conn, "leaving");
      b.node.disconnect(carol);
      await cluster.settle();
      a.node.adapter.broadcast("leaving", text("who is left?"));
      await expectReceived([alice], [["who is left?"]]);
      await cluster.settle();
      assert.deepEqual([bob.received, carol.received], [[], []]);
    });

    it("room size and members count every node's members", async () => {
      const [alice, bob, carol] = [a.connect(), b.connect(), b.connect()];
      for (const c of [alice, bob, carol]) c.node.adapter.join(c.conn, "counted");
      await cluster.settle();
      for (const node of [a.node, b.node]) {
        await eventually(() => assert.equal(node.adapter.roomSize("counted"), 3));
        assert.deepEqual((await node.adapter.roomMembers("counted")).sort(), [alice, bob, carol].map((c) => c.conn.id).sort());
      }
      b.node.adapter.leave(carol.conn, "counted");
      await cluster.settle();
      for (const node of [a.node, b.node]) await eventually(() => assert.equal(node.adapter.roomSize("counted"), 2));
      assert.equal(a.node.adapter.roomSize("nobody-here"), 0);
      assert.deepEqual(await a.node.adapter.roomMembers("nobody-here"), []);
    });

    it("a node asked about a room it has no members in learns the size too", async () => {
      const [bob, carol] = [b.connect(), b.connect()];
      for (const c of [bob, carol]) c.node.adapter.join(c.conn, "elsewhere");
      await cluster.settle();
      await eventually(() => assert.equal(a.node.adapter.roomSize("elsewhere"), 2));
    });

    it("a connection's rooms follow its joins and leaves", async () => {
      const alice = a.connect();
      a.node.adapter.join(alice.conn, "r1");
      a.node.adapter.join(alice.conn, "r2");
      assert.deepEqual([...alice.conn.rooms].sort(), ["r1", "r2"]);
      a.node.adapter.leave(alice.conn, "r1");
      assert.deepEqual([...alice.conn.rooms], ["r2"]);
      a.node.disconnect(alice);
      assert.deepEqual([...alice.conn.rooms], []);
    });

    it("sendTo reaches a connection by id on any node; unknown ids are refused", async () => {
      const [alice, bob] = [a.connect(), b.connect()];
      await cluster.settle();
      assert.equal(a.node.adapter.sendTo(bob.conn.id, TEST_NAMESPACE, text("psst")), true);
      assert.equal(b.node.adapter.sendTo(alice.conn.id, TEST_NAMESPACE, binary([7])), true);
      assert.equal(a.node.adapter.sendTo(alice.conn.id, TEST_NAMESPACE, text("note to self")), true);
      await expectReceived([alice, bob], [["bin:07", "note to self"], ["psst"]]);
      assert.equal(a.node.adapter.sendTo(`${a.node.hub.nodeId}:999999`, TEST_NAMESPACE, text("x")), false);
      assert.equal(a.node.adapter.sendTo("no-such-node:1", TEST_NAMESPACE, text("x")), false);
    });

    it("sendTo never reaches a connection of another namespace, on this node or another", async () => {
      const [sender, near, far, witness] = [a.connect(), a.connect("other"), b.connect("other"), b.connect()];
      await cluster.settle();
      // On the sender's node the owner is known at once: refused like an unknown id.
      assert.equal(a.node.adapter.sendTo(near.conn.id, TEST_NAMESPACE, text("guessed")), false);
      // On another node the receiving node checks the owner and drops it; a message sent after it to
      // a connection of the sender's namespace on that node arrives, so the first had its chance.
      a.node.adapter.sendTo(far.conn.id, TEST_NAMESPACE, text("guessed"));
      assert.equal(a.node.adapter.sendTo(witness.conn.id, TEST_NAMESPACE, text("after")), true);
      await expectReceived([witness], [["after"]]);
      assert.deepEqual([near.received, far.received, sender.received], [[], [], []]);
    });
  });
}
