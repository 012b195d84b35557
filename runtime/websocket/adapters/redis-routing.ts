import type { Redis } from "ioredis";
import type { ConnectionRegistry } from "../connection-registry.js";
import type { LocalRooms } from "../local-rooms.js";
import { outboundMessage, type OutboundMessage } from "../outbound-message.js";
import { decodeEnvelope, encodeEnvelope, EnvelopeKind } from "./redis-envelope.js";
import type { RedisErrorCounter } from "./redis-error-counter.js";
import type { RedisKeys } from "./redis-keys.js";
import type { RemoteRoomSizes } from "./redis-room-sizes.js";

const REDIS_AWAY = new Error("redis is not connected");

/**
 * Pub/sub routing. A node subscribes to the channel of each room its connections are in, and to its
 * own node channel; a broadcast is one PUBLISH on the room's channel, so Redis forwards it only to
 * nodes with members, each of which frames it once for all of its local members.
 */
export class RedisRouting {
  readonly stats = { published: 0, received: 0, directMisses: 0 };
  private readonly subscribedRooms = new Set<string>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly local: LocalRooms,
    private readonly registry: ConnectionRegistry,
    private readonly sizes: RemoteRoomSizes,
    private readonly errors: RedisErrorCounter,
    /** Told of another node that published on a room channel: it is alive, whatever the last heartbeat saw. */
    private readonly heardFrom: (node: string) => void,
  ) {
    subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
  }

  /** Queued until the subscriber connects; ioredis subscribes again after every reconnect. */
  start(): void {
    this.subscriber.subscribe(this.keys.nodeChannel(this.nodeId)).catch((error: unknown) => this.errors.record("subscribe", error));
  }

  /** Follows the rooms' local membership: subscribed exactly while the room has local members. */
  updateSubscriptions(rooms: Iterable<string>): void {
    const join: string[] = [];
    const leave: string[] = [];
    for (const room of rooms) {
      const wanted = this.local.size(room) > 0;
      if (wanted === this.subscribedRooms.has(room)) continue;
      if (wanted) {
        this.subscribedRooms.add(room);
        join.push(room);
      } else {
        this.subscribedRooms.delete(room);
        leave.push(room);
      }
    }
    if (join.length > 0) {
      this.subscriber.subscribe(...join.map((room) => this.keys.roomChannel(room))).then(
        () => join.forEach((room) => this.sizes.refreshSoon(room)),
        (error: unknown) => this.errors.record("subscribe", error),
      );
    }
    if (leave.length > 0) {
      this.subscriber.unsubscribe(...leave.map((room) => this.keys.roomChannel(room))).catch((error: unknown) => this.errors.record("unsubscribe", error));
    }
  }

  get rooms(): ReadonlySet<string> {
    return this.subscribedRooms;
  }

  /** One PUBLISH for every other node with members; this node's members were already served locally. */
  publishBroadcast(room: string, message: OutboundMessage, excludeId: string | undefined): void {
    const kind = message.binary ? EnvelopeKind.roomBinary : EnvelopeKind.roomText;
    this.publish(this.keys.roomChannel(room), encodeEnvelope(kind, this.nodeId, excludeId ?? "", message.data));
  }

  publishDirect(node: string, connectionId: string, namespace: string, message: OutboundMessage): void {
    const kind = message.binary ? EnvelopeKind.directBinary : EnvelopeKind.directText;
    this.publish(this.keys.nodeChannel(node), encodeEnvelope(kind, namespace, connectionId, message.data));
  }

  /** Never waits: fails at once while Redis is away, counted and logged, never thrown at the plugin. */
  private publish(channel: string, envelope: Buffer): void {
    if (this.publisher.status !== "ready") return this.errors.record("publish", REDIS_AWAY);
    this.stats.published++;
    this.publisher.publish(channel, envelope).catch((error: unknown) => this.errors.record("publish", error));
  }

  private receive(channel: string, raw: Buffer): void {
    const envelope = decodeEnvelope(raw);
    if (!envelope) return this.errors.record("decode", new Error(`malformed message on ${channel}`));
    this.stats.received++;
    const { kind, a, b, payload } = envelope;
    const room = this.keys.roomOfChannel(channel);
    if (room !== undefined) {
      if (kind === EnvelopeKind.roomText || kind === EnvelopeKind.roomBinary) {
        if (a === this.nodeId) return;
        this.heardFrom(a);
        this.local.deliver(room, outboundMessage(kind === EnvelopeKind.roomBinary, payload), b || undefined);
      } else if (kind === EnvelopeKind.roomSize) {
        if (a !== this.nodeId) this.heardFrom(a);
        this.sizes.noticed(room, a, Number(payload.toString()));
      } else if (kind === EnvelopeKind.nodeGone) {
        this.sizes.noticed(room, a, 0);
      }
      return;
    }
    if (kind === EnvelopeKind.directText || kind === EnvelopeKind.directBinary) {
      const conn = this.registry.byId(b);
      // Only the sender's namespace may reach a connection: one of another namespace counts as a miss.
      if (conn?.owner.roomNamespace === a) conn.deliver(outboundMessage(kind === EnvelopeKind.directBinary, payload));
      else this.stats.directMisses++;
    }
  }
}
