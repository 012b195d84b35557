import { host } from "./host.js";
import { attempt, toNylonError, type NylonError } from "./errors.js";

/** A WebSocket connection owned by this plugin. */
export class WebSocketConn {
  private clusterId: string | undefined;
  constructor(readonly handle: number) {}

  /** The cluster-wide id of this connection ("<node>:<n>"). */
  get id(): string {
    this.clusterId ??= host.wsConnectionId(this.handle);
    return this.clusterId;
  }
  // The send and broadcast methods are the hot path of every message: no closure, no result object.
  sendText(message: string): NylonError | null {
    try {
      host.wsSendText(this.handle, message);
      return null;
    } catch (thrown) {
      return toNylonError(thrown);
    }
  }
  sendBinary(data: Uint8Array): NylonError | null {
    try {
      host.wsSendBinary(this.handle, data);
      return null;
    } catch (thrown) {
      return toNylonError(thrown);
    }
  }
  /** Closes the connection (default code 1000). `onClose` still runs. */
  close(code?: number, reason?: string): NylonError | null {
    return attempt(() => host.wsClose(this.handle, code, reason)).error;
  }
  /** Joins a room; joining twice is harmless. A closed connection leaves every room. */
  joinRoom(room: string): NylonError | null {
    return attempt(() => host.wsJoinRoom(this.handle, room)).error;
  }
  leaveRoom(room: string): NylonError | null {
    return attempt(() => host.wsLeaveRoom(this.handle, room)).error;
  }
  /** Sends to every member of the room, this connection included unless `excludeSelf`. */
  broadcastText(room: string, message: string, options?: { excludeSelf?: boolean }): NylonError | null {
    try {
      host.wsBroadcastText(this.handle, room, message, options?.excludeSelf === true);
      return null;
    } catch (thrown) {
      return toNylonError(thrown);
    }
  }
  broadcastBinary(room: string, data: Uint8Array, options?: { excludeSelf?: boolean }): NylonError | null {
    try {
      host.wsBroadcastBinary(this.handle, room, data, options?.excludeSelf === true);
      return null;
    } catch (thrown) {
      return toNylonError(thrown);
    }
  }
  /** Sends to any connection in the cluster by its id. */
  sendTextTo(connectionId: string, message: string): NylonError | null {
    return attempt(() => host.wsSendTextTo(connectionId, message)).error;
  }
  sendBinaryTo(connectionId: string, data: Uint8Array): NylonError | null {
    return attempt(() => host.wsSendBinaryTo(connectionId, data)).error;
  }
  /** The rooms this connection is in. */
  rooms(): string[] {
    return host.wsRooms(this.handle);
  }
  /** How many connections (on every node) are in the room. */
  roomSize(room: string): number {
    return host.wsRoomSize(room);
  }
}

/** The callbacks of one connection; any may be left out. */
export interface WebSocketCallbacks {
  onOpen?: (ws: WebSocketConn) => void;
  onMessageText?: (ws: WebSocketConn, message: string) => void;
  onMessageBinary?: (ws: WebSocketConn, data: Uint8Array) => void;
  /** Runs once when the connection ends, whoever closed it; effects issued here are applied. */
  onClose?: (ws: WebSocketConn, code: number, reason: string) => void;
  onError?: (ws: WebSocketConn, error: string) => void;
}

export interface UpgradeOptions {
  /** The subprotocol to accept, one of those the client offered in Sec-WebSocket-Protocol. */
  protocol?: string;
}

export interface OpenConnection {
  ws: WebSocketConn;
  callbacks: WebSocketCallbacks;
}

export function upgrade(
  req: number,
  callbacks: WebSocketCallbacks,
  options: UpgradeOptions | undefined,
  register: (conn: OpenConnection) => void,
): NylonError | null {
  const r = attempt(() => host.websocketUpgrade(req, options?.protocol));
  if (r.error) return r.error;
  register({ ws: new WebSocketConn(r.value!), callbacks });
  return null;
}
