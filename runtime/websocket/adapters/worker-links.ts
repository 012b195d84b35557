import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { decodeEnvelope } from "./redis-envelope.js";
import { envelopeFrame, readFrames, writeFrame } from "./frame-stream.js";

/** A worker of the same node, as the primary announces it. */
export interface WorkerPeer {
  nodeId: string;
  socketPath: string;
}

/** What arrives from the other workers. */
export interface LinkEvents {
  /** A frame from `peer`, in the order the peer sent it. */
  frame(peer: string, body: Buffer): void;
  /** `peer`'s link to this worker closed: it stopped or died, and nothing more comes from it. */
  peerGone(peer: string): void;
}

/** The first frame on every link: who is speaking (a = node id, b = its socket path). */
const HELLO = 0x68; // "h"

/**
 * The Unix socket links between the worker processes of one node (bench/worker-links.ts measured
 * them against node:cluster's IPC, which the primary would have to relay, and MessageChannel, which
 * only joins threads). Each worker listens on a socket of its own and connects to every peer, so a
 * pair of workers has two links, one per direction: what a worker sends to a peer travels on its own
 * link, in order, and what the peer sends arrives on the other. A link that closes means its peer is
 * gone; the kernel closes it as soon as the process dies, however it died.
 */
export class WorkerLinks {
  readonly socketPath: string;
  private readonly server: net.Server;
  /** Links to peers (this worker speaks), by peer node id, from the moment they are opened. */
  private readonly outbound = new Map<string, net.Socket>();
  /** Links from peers (they speak). */
  private readonly inbound = new Set<net.Socket>();

  constructor(
    dir: string,
    readonly nodeId: string,
    private readonly events: LinkEvents,
    /** Frames every new link starts with after the hello (what a peer must know first). */
    private readonly greeting: () => Buffer[],
  ) {
    this.socketPath = path.join(dir, `${nodeId}.sock`);
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.socketPath, () => resolve());
    });
  }

  /** The primary's list of the node's workers: links open to new ones; ones no longer listed are closed. */
  setPeers(peers: readonly WorkerPeer[]): void {
    const listed = new Set(peers.map((peer) => peer.nodeId));
    for (const [nodeId, socket] of this.outbound) if (!listed.has(nodeId)) socket.destroy();
    for (const peer of peers) if (peer.nodeId !== this.nodeId && !this.outbound.has(peer.nodeId)) this.connect(peer);
  }

  /** Whether a link to `peer` is open (or opening: frames written meanwhile wait for it). */
  has(peer: string): boolean {
    return this.outbound.has(peer);
  }

  peers(): IterableIterator<string> {
    return this.outbound.keys();
  }

  /** Queues a frame for `peer`; false when there is no link to it. */
  send(peer: string, frame: Buffer): boolean {
    const socket = this.outbound.get(peer);
    if (!socket) return false;
    writeFrame(socket, frame);
    return true;
  }

  async close(): Promise<void> {
    for (const socket of [...this.outbound.values(), ...this.inbound]) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.socketPath, { force: true });
  }

  private connect(peer: WorkerPeer): void {
    const socket = net.connect(peer.socketPath);
    this.outbound.set(peer.nodeId, socket);
    // Written before the link opens, sent once it does, ahead of anything sent to the peer later.
    writeFrame(socket, envelopeFrame(HELLO, this.nodeId, this.socketPath, Buffer.alloc(0)));
    for (const frame of this.greeting()) writeFrame(socket, frame);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      if (this.outbound.get(peer.nodeId) === socket) this.outbound.delete(peer.nodeId);
    });
    // This side only writes; the peer never answers on it.
    socket.resume();
  }

  private accept(socket: net.Socket): void {
    this.inbound.add(socket);
    let peer: string | undefined;
    readFrames(socket, (body) => {
      if (peer !== undefined) return this.events.frame(peer, body);
      const hello = decodeEnvelope(body);
      if (hello?.kind !== HELLO) return socket.destroy();
      peer = hello.a;
      // A peer may reach this worker before the primary's list names it: link back at once, so that
      // what this worker sends it from now on (a broadcast to its members) does not wait for the list.
      if (!this.outbound.has(peer)) this.connect({ nodeId: peer, socketPath: hello.b });
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      this.inbound.delete(socket);
      if (peer === undefined) return;
      this.outbound.get(peer)?.destroy();
      this.events.peerGone(peer);
    });
  }
}
