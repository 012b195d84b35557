import type { WsConnection } from "../connection.js";
import type { ConnectionRegistry } from "../connection-registry.js";
import type { LocalRooms } from "../local-rooms.js";
import { outboundMessage, type OutboundMessage } from "../outbound-message.js";
import type { RoomAdapter } from "../room-adapter.js";
import { envelopeFrame } from "./frame-stream.js";
import { decodeEnvelope } from "./redis-envelope.js";
import { nodeOfConnection } from "./redis-keys.js";
import { WorkerLinks, type WorkerPeer } from "./worker-links.js";

/** What travels between the workers of a node (after each link's hello), as envelopes: kind, a, b, payload. */
const Kind = {
  /** A broadcast; a = room. Sent only to workers with members in the room. */
  roomText: 0x74, // "t"
  roomBinary: 0x62, // "b"
  /** The sender's member count of a room changed; a = room, payload = count in ASCII decimal. */
  roomSize: 0x73, // "s"
  /** To one connection; a = the sender's room namespace, b = target connection id. */
  directText: 0x54, // "T"
  directBinary: 0x42, // "B"
  /** Who is in a room on your side? a = request id, b = room. */
  membersQuery: 0x71, // "q"
  /** The answer; a = request id, payload = connection ids, one per line. */
  membersAnswer: 0x6d, // "m"
} as const;

/** How long roomMembers waits for a worker that does not answer (it is left out). */
const MEMBERS_TIMEOUT_MS = 1000;

/**
 * Rooms shared by the workers of one node, without Redis: each worker keeps its own members (in
 * hub.local) and learns every other worker's member count of each room from the count notices they
 * send when it changes. A broadcast is delivered to local members at once and sent once to each
 * worker that has members in the room, which frames it once for all of its own. Everything a plugin
 * calls stays synchronous; nothing waits on another worker but roomMembers.
 *
 * Ordering: a worker's broadcasts and count notices travel on one link in order, so a member that
 * joined on another worker receives every broadcast sent after its join was known here (within a
 * turn of the event loop), as between nodes with the Redis adapter.
 */
export class WorkersAdapter implements RoomAdapter {
  readonly kind = "workers" as const;
  readonly nodeId: string;
  /** Member counts of each other worker, by worker, then room (only rooms it has members in). */
  private readonly peerSizes = new Map<string, Map<string, number>>();
  /** Rooms whose local count changed since the last notice went out. */
  private readonly changedRooms = new Set<string>();
  private noticeQueued = false;
  private readonly memberQueries = new Map<string, { pending: Set<string>; ids: string[]; done: () => void }>();
  private nextQuery = 1;
  private readonly links: WorkerLinks;

  /** `linkDir`: the folder, shared by the node's workers, where each listens for the others' links. */
  constructor(
    nodeId: string,
    private readonly local: LocalRooms,
    private readonly registry: ConnectionRegistry,
    linkDir: string,
  ) {
    this.nodeId = nodeId;
    // A new link starts with this worker's count of every room it has members in.
    const greeting = () => [...this.local.sizes()].map(([room, count]) => sizeFrame(room, count));
    this.links = new WorkerLinks(linkDir, nodeId, { frame: (peer, body) => this.received(peer, body), peerGone: (peer) => this.peerGone(peer) }, greeting);
  }

  /** Where the other workers link to this one. */
  get socketPath(): string {
    return this.links.socketPath;
  }

  async start(): Promise<void> {
    await this.links.listen();
  }

  /** The node's workers as the primary lists them: links open to new ones and close to ones gone. */
  setPeers(peers: readonly WorkerPeer[]): void {
    this.links.setPeers(peers);
  }

  join(conn: WsConnection, room: string): void {
    if (this.local.join(conn, room)) this.countChanged(room);
  }

  leave(conn: WsConnection, room: string): void {
    if (this.local.leave(conn, room)) this.countChanged(room);
  }

  removeConnection(conn: WsConnection): void {
    for (const room of this.local.removeConnection(conn)) this.countChanged(room);
  }

  broadcast(room: string, message: OutboundMessage, exclude?: WsConnection): void {
    this.local.deliver(room, message, exclude?.id);
    // The excluded connection is local: other workers deliver to all of their members.
    let frame: Buffer | undefined;
    for (const [peer, sizes] of this.peerSizes) {
      if (!sizes.has(room)) continue;
      frame ??= envelopeFrame(message.binary ? Kind.roomBinary : Kind.roomText, room, "", message.data);
      this.links.send(peer, frame);
    }
  }

  sendTo(connectionId: string, namespace: string, message: OutboundMessage): boolean {
    const node = nodeOfConnection(connectionId);
    if (node === this.nodeId) {
      const conn = this.registry.byId(connectionId);
      if (conn?.owner.roomNamespace !== namespace) return false;
      conn.deliver(message);
      return true;
    }
    // The receiving worker checks the namespace: it alone knows the connection's owner.
    return this.links.send(node, envelopeFrame(message.binary ? Kind.directBinary : Kind.directText, namespace, connectionId, message.data));
  }

  roomSize(room: string): number {
    let size = this.local.size(room);
    for (const sizes of this.peerSizes.values()) size += sizes.get(room) ?? 0;
    return size;
  }

  /** Members on every worker; a worker that does not answer within MEMBERS_TIMEOUT_MS is left out. */
  async roomMembers(room: string): Promise<string[]> {
    const ids = this.localMembers(room);
    const peers = [...this.peerSizes].filter(([, sizes]) => sizes.has(room)).map(([peer]) => peer);
    if (peers.length === 0) return ids;
    const id = String(this.nextQuery++);
    const query = { pending: new Set<string>(), ids, done: () => {} };
    const answered = new Promise<void>((resolve) => (query.done = resolve));
    for (const peer of peers) if (this.links.send(peer, envelopeFrame(Kind.membersQuery, id, room, Buffer.alloc(0)))) query.pending.add(peer);
    if (query.pending.size === 0) return ids;
    this.memberQueries.set(id, query);
    const timer = setTimeout(query.done, MEMBERS_TIMEOUT_MS);
    await answered;
    clearTimeout(timer);
    this.memberQueries.delete(id);
    return ids;
  }

  private received(peer: string, body: Buffer): void {
    const envelope = decodeEnvelope(body);
    if (!envelope) return;
    const { kind, a, b, payload } = envelope;
    switch (kind) {
      case Kind.roomText:
      case Kind.roomBinary:
        this.local.deliver(a, outboundMessage(kind === Kind.roomBinary, payload));
        return;
      case Kind.roomSize:
        return this.peerCount(peer, a, Number(payload.toString("latin1")));
      case Kind.directText:
      case Kind.directBinary: {
        const conn = this.registry.byId(b);
        // Only the sender's namespace may reach a connection.
        if (conn?.owner.roomNamespace === a) conn.deliver(outboundMessage(kind === Kind.directBinary, payload));
        return;
      }
      case Kind.membersQuery: {
        const ids = this.localMembers(b).join("\n");
        this.links.send(peer, envelopeFrame(Kind.membersAnswer, a, "", Buffer.from(ids)));
        return;
      }
      case Kind.membersAnswer: {
        const query = this.memberQueries.get(a);
        if (!query?.pending.delete(peer)) return;
        if (payload.length > 0) query.ids.push(...payload.toString("utf8").split("\n"));
        if (query.pending.size === 0) query.done();
      }
    }
  }

  /** A worker is gone (stopped, or died): its members leave every room count at once. */
  private peerGone(peer: string): void {
    this.peerSizes.delete(peer);
    for (const query of this.memberQueries.values()) if (query.pending.delete(peer) && query.pending.size === 0) query.done();
  }

  async stop(): Promise<void> {
    await this.links.close();
  }

  private localMembers(room: string): string[] {
    return [...this.registry.all()].filter((conn) => conn.rooms.has(room)).map((conn) => conn.id);
  }

  private peerCount(peer: string, room: string, count: number): void {
    let sizes = this.peerSizes.get(peer);
    if (!sizes) this.peerSizes.set(peer, (sizes = new Map()));
    if (count > 0) sizes.set(room, count);
    else sizes.delete(room);
  }

  private countChanged(room: string): void {
    this.changedRooms.add(room);
    if (this.noticeQueued) return;
    this.noticeQueued = true;
    // Everything one plugin callback joins or leaves goes out together, after it.
    queueMicrotask(() => this.sendCounts());
  }

  private sendCounts(): void {
    this.noticeQueued = false;
    for (const room of this.changedRooms) {
      const frame = sizeFrame(room, this.local.size(room));
      for (const peer of this.links.peers()) this.links.send(peer, frame);
    }
    this.changedRooms.clear();
  }
}

function sizeFrame(room: string, count: number): Buffer {
  return envelopeFrame(Kind.roomSize, room, "", Buffer.from(String(count), "latin1"));
}
