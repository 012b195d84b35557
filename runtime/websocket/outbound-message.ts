import * as ws from "ws";

// ws's frame encoder; its typings do not declare it.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

/** A message on its way to one or many clients, framed once however many receive it. */
export interface OutboundMessage {
  readonly binary: boolean;
  readonly data: Buffer;
  /** The complete, unmasked server frame (header + payload), built on first use. */
  frame(): Buffer;
}

export function outboundMessage(binary: boolean, data: Buffer): OutboundMessage {
  let framed: Buffer | undefined;
  return {
    binary,
    data,
    frame() {
      if (!framed) {
        const parts = Sender.frame(data, {
          fin: true,
          opcode: binary ? 2 : 1,
          mask: false,
          readOnly: true,
          rsv1: false,
        });
        framed = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      }
      return framed!;
    },
  };
}
