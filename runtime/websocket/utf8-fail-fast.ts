import { TextDecoder } from "node:util";
import type { WebSocket } from "ws";

// RFC 6455 §8.1 wants a connection failed as soon as text is known to be invalid UTF-8. ws checks a
// text message only once it is complete, so a fragmented message with a bad fragment is buffered up
// to max_message_bytes before the 1007 (Autobahn 6.4.x "non-strict"). ws has no hook for this: we
// wrap the Receiver's per-frame step of this one connection (no fork, no global patch) and check each
// text fragment as it arrives with a streaming decoder. A bad sequence inside one unfinished frame is
// still found only when that frame is complete (ws parses whole frames).

/** The Receiver internals this relies on (ws 8); if they change, ws's end-of-message check remains. */
interface ReceiverInternals {
  _fin: boolean;
  _opcode: number;
  _fragments: Buffer[];
  dataMessage(this: ReceiverInternals, cb: (error?: Error) => void): void;
  createError(ctor: ErrorConstructor, message: string, prefix: boolean, statusCode: number, errorCode: string): Error;
}

const TEXT = 0x01;

export function failFastOnInvalidUtf8(ws: WebSocket): void {
  const receiver = (ws as unknown as { _receiver?: Partial<ReceiverInternals> })._receiver;
  if (typeof receiver?.dataMessage !== "function" || typeof receiver.createError !== "function" || !Array.isArray(receiver._fragments)) return;
  const completeFrame = receiver.dataMessage;
  let decoder: TextDecoder | undefined;
  /** Fragments of the current message already checked. */
  let checked = 0;
  receiver.dataMessage = function (this: ReceiverInternals, cb) {
    if (this._opcode === TEXT && !this._fin) {
      decoder ??= new TextDecoder("utf-8", { fatal: true });
      try {
        for (; checked < this._fragments.length; checked++) decoder.decode(this._fragments[checked], { stream: true });
      } catch {
        decoder = undefined;
        checked = 0;
        cb(this.createError(Error, "invalid UTF-8 sequence", true, 1007, "WS_ERR_INVALID_UTF8"));
        return;
      }
    } else if (this._fin) {
      // The message is complete: ws validates it whole, as before.
      decoder = undefined;
      checked = 0;
    }
    completeFrame.call(this, cb);
  };
}
