// The raw-frame RFC 6455 cases, numbered after the Autobahn|Testsuite groups they mirror (1-7, 9, 10;
// see docs in anchors-and-numbers §3). Each case is bytes to send and the strict outcome expected:
// echoes, pongs, the close code the server must answer with, and the TCP close after it.
import { buildFrame, closePayload, Opcode, type FrameSpec } from "./frame-builder.js";
import { MAX_MESSAGE_BYTES } from "./targets.js";

export type Expected =
  | { kind: "echo"; type: "text" | "binary"; sent: Buffer }
  | { kind: "pong"; payload: Buffer }
  | { kind: "close"; code: number }
  | { kind: "empty-close" }
  | { kind: "tcp-close" };

export interface Step {
  bytes: Buffer;
  /** Write in TCP segments of this many bytes. */
  chopSize?: number;
  /** Wait this long before writing, so the previous step arrives on its own. */
  pauseBeforeMs?: number;
}

export interface ConformanceCase {
  id: string;
  title: string;
  steps: Step[];
  expect: Expected[];
  /** The server must reject before the final step is written (Autobahn's "fail fast" on invalid UTF-8). */
  failFast?: boolean;
  timeoutMs?: number;
}

// ---- building blocks -------------------------------------------------------------------------------

const frame = (opcode: number, payload: Buffer | string = "", spec: Partial<FrameSpec> = {}) => buildFrame({ opcode, payload, ...spec });
const text = (payload: Buffer | string, spec: Partial<FrameSpec> = {}) => frame(Opcode.text, payload, spec);
const binary = (payload: Buffer, spec: Partial<FrameSpec> = {}) => frame(Opcode.binary, payload, spec);
const continuation = (payload: Buffer | string, fin: boolean) => frame(Opcode.continuation, payload, { fin });
const ping = (payload: Buffer | string = "", spec: Partial<FrameSpec> = {}) => frame(Opcode.ping, payload, spec);
const pong = (payload: Buffer | string = "") => frame(Opcode.pong, payload);
const close = (code?: number, reason: Buffer | string = "") => frame(Opcode.close, code === undefined ? "" : closePayload(code, reason));

const bytes = (value: Buffer | string) => (typeof value === "string" ? Buffer.from(value, "utf8") : value);
const oneWrite = (...frames: Buffer[]): Step[] => [{ bytes: Buffer.concat(frames) }];
const frameWise = (...frames: Buffer[]): Step[] => frames.map((bytes, i) => ({ bytes, pauseBeforeMs: i === 0 ? 0 : 50 }));
const chopped = (chopSize: number, ...frames: Buffer[]): Step[] => [{ bytes: Buffer.concat(frames), chopSize }];

const echoText = (sent: Buffer | string): Expected => ({ kind: "echo", type: "text", sent: bytes(sent) });
const echoBinary = (sent: Buffer): Expected => ({ kind: "echo", type: "binary", sent });
const pongOf = (payload: Buffer | string = ""): Expected => ({ kind: "pong", payload: bytes(payload) });
/** The server answers with a close frame carrying `code` and then closes TCP. */
const closedWith = (code: number): Expected[] => [{ kind: "close", code }, { kind: "tcp-close" }];

const stars = (length: number) => "*".repeat(length);
const binaryPattern = (length: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff));
/** Splits a buffer into fragments of `size` bytes: the first a data frame, the rest continuations. */
function fragmented(opcode: number, payload: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < payload.length || pieces.length === 0; offset += size) pieces.push(payload.subarray(offset, offset + size));
  return pieces.map((piece, i) => frame(i === 0 ? opcode : Opcode.continuation, piece, { fin: i === pieces.length - 1 }));
}

const KiB = 1024;
const FRAMING_LENGTHS = [0, 125, 126, 127, 128, 65535, 65536];
const VALID_UTF8 = "Hello-µ@ßöäüàá-UTF-8!!";
const KOSME = "κόσμε";
/** Invalid sequences: surrogate, overlong "/", lone continuation, above U+10FFFF, truncated, 0xFE, 0xFF. */
const INVALID_UTF8 = ["eda080", "c0af", "80", "f4908080", "ce", "fe", "ff"].map((hex) => Buffer.from(hex, "hex"));
const invalidKosme = Buffer.concat([bytes(KOSME), Buffer.from("eda080", "hex"), bytes("edited")]);
const VALID_CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];
const INVALID_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
const RESERVED_DATA_OPCODES = [3, 4, 5, 6, 7];
const RESERVED_CONTROL_OPCODES = [0xb, 0xc, 0xd, 0xe, 0xf];

// ---- the cases ------------------------------------------------------------------------------------

const framing: ConformanceCase[] = [
  ...FRAMING_LENGTHS.map((length, i) => ({
    id: `1.1.${i + 1}`,
    title: `text message of ${length} bytes`,
    steps: oneWrite(text(stars(length))),
    expect: [echoText(stars(length))],
  })),
  {
    id: "1.1.8",
    title: "text message of 65536 bytes written in 997-byte TCP segments",
    steps: chopped(997, text(stars(65536))),
    expect: [echoText(stars(65536))],
  },
  ...FRAMING_LENGTHS.map((length, i) => ({
    id: `1.2.${i + 1}`,
    title: `binary message of ${length} bytes`,
    steps: oneWrite(binary(binaryPattern(length))),
    expect: [echoBinary(binaryPattern(length))],
  })),
  {
    id: "1.2.8",
    title: "binary message of 65536 bytes written in 997-byte TCP segments",
    steps: chopped(997, binary(binaryPattern(65536))),
    expect: [echoBinary(binaryPattern(65536))],
  },
  {
    id: "1.3.1",
    title: "unmasked client frame → 1002 (RFC 6455 §5.1; not an Autobahn case)",
    steps: oneWrite(text("Hello", { mask: false })),
    expect: closedWith(1002),
  },
];

const pingsAndPongs: ConformanceCase[] = [
  { id: "2.1", title: "ping without payload → pong without payload", steps: oneWrite(ping()), expect: [pongOf()] },
  { id: "2.2", title: "ping with text payload → pong with the same payload", steps: oneWrite(ping("Hello, world!")), expect: [pongOf("Hello, world!")] },
  {
    id: "2.3",
    title: "ping with binary payload → pong with the same payload",
    steps: oneWrite(ping(Buffer.from("00fffe0102", "hex"))),
    expect: [pongOf(Buffer.from("00fffe0102", "hex"))],
  },
  { id: "2.4", title: "ping with 125-byte payload → pong", steps: oneWrite(ping(binaryPattern(125))), expect: [pongOf(binaryPattern(125))] },
  { id: "2.5", title: "ping with 126-byte payload → 1002", steps: oneWrite(ping(binaryPattern(126))), expect: closedWith(1002) },
  {
    id: "2.6",
    title: "ping with 125-byte payload written byte by byte → pong",
    steps: chopped(1, ping(binaryPattern(125))),
    expect: [pongOf(binaryPattern(125))],
  },
  { id: "2.7", title: "unsolicited empty pong is ignored", steps: oneWrite(pong(), text("after")), expect: [echoText("after")] },
  { id: "2.8", title: "unsolicited pong with payload is ignored", steps: oneWrite(pong("unsolicited"), text("after")), expect: [echoText("after")] },
  {
    id: "2.9",
    title: "unsolicited pong, then ping → only the ping is answered",
    steps: oneWrite(pong("unsolicited"), ping("solicited")),
    expect: [pongOf("solicited")],
  },
  {
    id: "2.10",
    title: "10 pings → 10 pongs in order",
    steps: oneWrite(...Array.from({ length: 10 }, (_, i) => ping(`ping ${i}`))),
    expect: Array.from({ length: 10 }, (_, i) => pongOf(`ping ${i}`)),
  },
  {
    id: "2.11",
    title: "10 pings written byte by byte → 10 pongs in order",
    steps: chopped(1, ...Array.from({ length: 10 }, (_, i) => ping(`ping ${i}`))),
    expect: Array.from({ length: 10 }, (_, i) => pongOf(`ping ${i}`)),
  },
];

const reservedBits: ConformanceCase[] = [
  { id: "3.1", title: "text with RSV1 and no extension → 1002", steps: oneWrite(text("Hello", { rsv1: true })), expect: closedWith(1002) },
  {
    id: "3.2",
    title: "text, then text with RSV2, then ping → echo, 1002",
    steps: oneWrite(text("Hello"), text("Hello", { rsv2: true }), ping()),
    expect: [echoText("Hello"), ...closedWith(1002)],
  },
  {
    id: "3.3",
    title: "text, then text with RSV2+RSV3, then ping, frame by frame → echo, 1002",
    steps: frameWise(text("Hello"), text("Hello", { rsv2: true, rsv3: true }), ping()),
    expect: [echoText("Hello"), ...closedWith(1002)],
  },
  {
    id: "3.4",
    title: "text, then text with RSV3, then ping, byte by byte → echo, 1002",
    steps: chopped(1, text("Hello"), text("Hello", { rsv3: true }), ping()),
    expect: [echoText("Hello"), ...closedWith(1002)],
  },
  {
    id: "3.5",
    title: "binary with RSV1+RSV3 → 1002",
    steps: oneWrite(binary(binaryPattern(8), { rsv1: true, rsv3: true })),
    expect: closedWith(1002),
  },
  { id: "3.6", title: "ping with RSV2+RSV3 → 1002", steps: oneWrite(ping("Hello", { rsv2: true, rsv3: true })), expect: closedWith(1002) },
  {
    id: "3.7",
    title: "close with RSV1+RSV2+RSV3 → 1002",
    steps: oneWrite(frame(Opcode.close, closePayload(1000), { rsv1: true, rsv2: true, rsv3: true })),
    expect: closedWith(1002),
  },
];

const reservedOpcodes: ConformanceCase[] = [RESERVED_DATA_OPCODES, RESERVED_CONTROL_OPCODES].flatMap((opcodes, group) =>
  opcodes.map((opcode, i) => ({
    id: `4.${group + 1}.${i + 1}`,
    title: `text, then reserved opcode 0x${opcode.toString(16)} (with payload), then ping → echo, 1002`,
    steps: i % 2 === 0 ? oneWrite(text("Hello"), frame(opcode, "reserved"), ping()) : chopped(1, text("Hello"), frame(opcode, "reserved"), ping()),
    expect: [echoText("Hello"), ...closedWith(1002)],
  })),
);

const textInTwo = [text("fragment1", { fin: false }), continuation("fragment2", true)] as const;
const textWithPingBetween = [text("fragment1", { fin: false }), ping("between"), continuation("fragment2", true)] as const;
const fragmentation: ConformanceCase[] = [
  {
    id: "5.1",
    title: "ping in 2 fragments (a fragmented control frame) → 1002",
    steps: oneWrite(ping("fragment1", { fin: false }), continuation("fragment2", true)),
    expect: closedWith(1002),
  },
  {
    id: "5.2",
    title: "pong in 2 fragments → 1002",
    steps: oneWrite(frame(Opcode.pong, "fragment1", { fin: false }), continuation("fragment2", true)),
    expect: closedWith(1002),
  },
  { id: "5.3", title: "text in 2 fragments → one reassembled echo", steps: oneWrite(...textInTwo), expect: [echoText("fragment1fragment2")] },
  { id: "5.4", title: "text in 2 fragments, frame by frame → one echo", steps: frameWise(...textInTwo), expect: [echoText("fragment1fragment2")] },
  { id: "5.5", title: "text in 2 fragments, byte by byte → one echo", steps: chopped(1, ...textInTwo), expect: [echoText("fragment1fragment2")] },
  {
    id: "5.6",
    title: "text in 2 fragments with a ping between → pong, then echo",
    steps: oneWrite(...textWithPingBetween),
    expect: [pongOf("between"), echoText("fragment1fragment2")],
  },
  {
    id: "5.7",
    title: "text in 2 fragments with a ping between, frame by frame → pong, echo",
    steps: frameWise(...textWithPingBetween),
    expect: [pongOf("between"), echoText("fragment1fragment2")],
  },
  {
    id: "5.8",
    title: "text in 2 fragments with a ping between, byte by byte → pong, echo",
    steps: chopped(1, ...textWithPingBetween),
    expect: [pongOf("between"), echoText("fragment1fragment2")],
  },
  {
    id: "5.9",
    title: "final continuation with nothing to continue, then text → 1002",
    steps: oneWrite(continuation("fragment1", true), text("Hello")),
    expect: closedWith(1002),
  },
  {
    id: "5.10",
    title: "final continuation with nothing to continue, frame by frame → 1002",
    steps: frameWise(continuation("fragment1", true), text("Hello")),
    expect: closedWith(1002),
  },
  {
    id: "5.11",
    title: "final continuation with nothing to continue, byte by byte → 1002",
    steps: chopped(1, continuation("fragment1", true), text("Hello")),
    expect: closedWith(1002),
  },
  {
    id: "5.12",
    title: "non-final continuation with nothing to continue → 1002",
    steps: oneWrite(continuation("fragment1", false), text("Hello")),
    expect: closedWith(1002),
  },
  {
    id: "5.15",
    title: "text in 2 fragments, then a continuation with nothing to continue → echo, 1002",
    steps: oneWrite(...textInTwo, continuation("fragment3", false), text("Hello")),
    expect: [echoText("fragment1fragment2"), ...closedWith(1002)],
  },
  {
    id: "5.17",
    title: "binary frame starting inside a fragmented text message → 1002",
    steps: oneWrite(text("fragment1", { fin: false }), binary(binaryPattern(4))),
    expect: closedWith(1002),
  },
  {
    id: "5.18",
    title: "text frame starting inside a fragmented text message → 1002",
    steps: oneWrite(text("fragment1", { fin: false }), text("fragment2")),
    expect: closedWith(1002),
  },
  {
    id: "5.19",
    title: "text in 5 fragments with 2 pings between, frame by frame → pong, pong, echo",
    steps: frameWise(
      text("fragment1", { fin: false }),
      continuation("fragment2", false),
      ping("pongme 1!"),
      continuation("fragment3", false),
      ping("pongme 2!"),
      continuation("fragment4", false),
      continuation("fragment5", true),
    ),
    expect: [pongOf("pongme 1!"), pongOf("pongme 2!"), echoText("fragment1fragment2fragment3fragment4fragment5")],
  },
  {
    id: "5.20",
    title: "text in 3 fragments with a close between → close 1000, no echo",
    steps: oneWrite(text("fragment1", { fin: false }), close(1000), continuation("fragment2", true)),
    expect: closedWith(1000),
  },
];

const validUtf8 = bytes(VALID_UTF8);
const codePointBoundary = Buffer.byteLength("Hello-µ@ßöä");
const fourByteCodePoint = bytes("𝄞");
const bytewise = (payload: Buffer) => fragmented(Opcode.text, payload, 1);
const utf8: ConformanceCase[] = [
  {
    id: "6.1.1",
    title: "empty text in 2 empty fragments → empty echo",
    steps: oneWrite(text("", { fin: false }), continuation("", true)),
    expect: [echoText("")],
  },
  {
    id: "6.1.2",
    title: "text whose first and last fragments are empty → echo",
    steps: oneWrite(text("", { fin: false }), continuation("middle", false), continuation("", true)),
    expect: [echoText("middle")],
  },
  { id: "6.2.1", title: "valid multi-byte UTF-8 in one frame → echo", steps: oneWrite(text(validUtf8)), expect: [echoText(validUtf8)] },
  {
    id: "6.2.2",
    title: "valid multi-byte UTF-8 split on a code point boundary → echo",
    steps: oneWrite(text(validUtf8.subarray(0, codePointBoundary), { fin: false }), continuation(validUtf8.subarray(codePointBoundary), true)),
    expect: [echoText(validUtf8)],
  },
  {
    id: "6.2.3",
    title: "valid multi-byte UTF-8, one byte per fragment (splits inside code points) → echo",
    steps: oneWrite(...bytewise(validUtf8)),
    expect: [echoText(validUtf8)],
  },
  {
    id: "6.2.4",
    title: "κόσμε split inside a 2-byte code point → echo",
    steps: oneWrite(text(bytes(KOSME).subarray(0, 3), { fin: false }), continuation(bytes(KOSME).subarray(3), true)),
    expect: [echoText(KOSME)],
  },
  {
    id: "6.2.5",
    title: "a 4-byte code point, one byte per fragment → echo",
    steps: oneWrite(...bytewise(fourByteCodePoint)),
    expect: [echoText(fourByteCodePoint)],
  },
  { id: "6.3.1", title: "invalid UTF-8 (a surrogate) in one frame → 1007", steps: oneWrite(text(invalidKosme)), expect: closedWith(1007) },
  {
    id: "6.3.2",
    title: "invalid UTF-8 (a surrogate), one byte per fragment → 1007",
    steps: oneWrite(...bytewise(invalidKosme)),
    expect: closedWith(1007),
  },
  {
    id: "6.3.3",
    title: "code point cut off by the end of the message, each fragment valid on its own → 1007",
    steps: oneWrite(text(Buffer.from("41ce", "hex"), { fin: false }), continuation("A", true)),
    expect: closedWith(1007),
  },
  ...INVALID_UTF8.map((sequence, i) => ({
    id: `6.5.${i + 1}`,
    title: `invalid UTF-8 sequence ${sequence.toString("hex")} inside text → 1007`,
    steps: oneWrite(text(Buffer.concat([bytes("ab"), sequence, bytes("cd")]))),
    expect: closedWith(1007),
  })),
  {
    id: "6.4.1",
    title: "fail fast: invalid UTF-8 in the first fragment is rejected (1007) before the message ends",
    steps: [
      { bytes: text(Buffer.concat([bytes(KOSME), Buffer.from("f4908080", "hex")]), { fin: false }) },
      { bytes: continuation("edited", true), pauseBeforeMs: 1000 },
    ],
    expect: closedWith(1007),
    failFast: true,
  },
  {
    id: "6.4.2",
    title: "fail fast: invalid UTF-8 in a middle fragment is rejected (1007) before the message ends",
    steps: [
      { bytes: Buffer.concat([text(KOSME, { fin: false }), continuation(Buffer.from("eda080", "hex"), false)]) },
      { bytes: continuation("edited", true), pauseBeforeMs: 1000 },
    ],
    expect: closedWith(1007),
    failFast: true,
  },
];

const reason123 = "r".repeat(123);
const closeHandling: ConformanceCase[] = [
  {
    id: "7.1.1",
    title: "text, then close 1000 → echo, close 1000, TCP close",
    steps: oneWrite(text("Hello"), close(1000)),
    expect: [echoText("Hello"), ...closedWith(1000)],
  },
  { id: "7.1.2", title: "close 1000 twice → one close 1000", steps: oneWrite(close(1000), close(1000)), expect: closedWith(1000) },
  { id: "7.1.3", title: "ping after close is ignored", steps: oneWrite(close(1000), ping("after close")), expect: closedWith(1000) },
  { id: "7.1.4", title: "text after close is ignored", steps: oneWrite(close(1000), text("after close")), expect: closedWith(1000) },
  {
    id: "7.1.5",
    title: "text fragment, close, then the final fragment → close 1000 only",
    steps: frameWise(text("fragment1", { fin: false }), close(1000), continuation("fragment2", true)),
    expect: closedWith(1000),
  },
  {
    id: "7.3.1",
    title: "close with an empty body → empty close",
    steps: oneWrite(close()),
    expect: [{ kind: "empty-close" }, { kind: "tcp-close" }],
  },
  { id: "7.3.2", title: "close with a 1-byte body → 1002", steps: oneWrite(frame(Opcode.close, Buffer.from([0x03]))), expect: closedWith(1002) },
  { id: "7.3.3", title: "close 1000 without reason → close 1000", steps: oneWrite(close(1000)), expect: closedWith(1000) },
  { id: "7.3.4", title: "close 1000 with a reason → close 1000", steps: oneWrite(close(1000, "Hello World!")), expect: closedWith(1000) },
  { id: "7.3.5", title: "close 1000 with a 123-byte reason (the most that fits) → close 1000", steps: oneWrite(close(1000, reason123)), expect: closedWith(1000) },
  { id: "7.3.6", title: "close 1000 with a 124-byte reason (body > 125) → 1002", steps: oneWrite(close(1000, reason123 + "r")), expect: closedWith(1002) },
  { id: "7.5.1", title: "close reason with invalid UTF-8 → 1007", steps: oneWrite(close(1000, invalidKosme)), expect: closedWith(1007) },
  ...VALID_CLOSE_CODES.map((code, i) => ({
    id: `7.7.${i + 1}`,
    title: `valid close code ${code} → echoed`,
    steps: oneWrite(close(code)),
    expect: closedWith(code),
  })),
  ...INVALID_CLOSE_CODES.map((code, i) => ({
    id: `7.9.${i + 1}`,
    title: `invalid close code ${code} → 1002`,
    steps: oneWrite(close(code)),
    expect: closedWith(1002),
  })),
];

const LIMIT_SIZES = [64 * KiB, 256 * KiB, MAX_MESSAGE_BYTES];
const sizeName = (size: number) => (size === MAX_MESSAGE_BYTES ? "the maximum (1 MiB)" : `${size / KiB} KiB`);
const limits: ConformanceCase[] = [
  ...LIMIT_SIZES.map((size, i) => ({
    id: `9.1.${i + 1}`,
    title: `text message of ${sizeName(size)} → echo`,
    steps: oneWrite(text(stars(size))),
    expect: [echoText(stars(size))],
    timeoutMs: 10_000,
  })),
  ...LIMIT_SIZES.map((size, i) => ({
    id: `9.2.${i + 1}`,
    title: `binary message of ${sizeName(size)} → echo`,
    steps: oneWrite(binary(binaryPattern(size))),
    expect: [echoBinary(binaryPattern(size))],
    timeoutMs: 10_000,
  })),
  {
    id: "9.3.1",
    title: "text message of 1 MiB in 64 KiB fragments → one echo",
    steps: oneWrite(...fragmented(Opcode.text, bytes(stars(MAX_MESSAGE_BYTES)), 64 * KiB)),
    expect: [echoText(stars(MAX_MESSAGE_BYTES))],
    timeoutMs: 10_000,
  },
  {
    id: "9.4.1",
    title: "binary message of 1 MiB in 4 KiB fragments → one echo",
    steps: oneWrite(...fragmented(Opcode.binary, binaryPattern(MAX_MESSAGE_BYTES), 4 * KiB)),
    expect: [echoBinary(binaryPattern(MAX_MESSAGE_BYTES))],
    timeoutMs: 10_000,
  },
  {
    id: "9.5.1",
    title: "text message of 64 KiB written in 1 KiB TCP segments → echo",
    steps: chopped(KiB, text(stars(64 * KiB))),
    expect: [echoText(stars(64 * KiB))],
    timeoutMs: 10_000,
  },
  {
    id: "9.6.1",
    title: "binary message of 64 KiB written in 128-byte TCP segments → echo",
    steps: chopped(128, binary(binaryPattern(64 * KiB))),
    expect: [echoBinary(binaryPattern(64 * KiB))],
    timeoutMs: 10_000,
  },
  {
    id: "9.9.1",
    title: "text message one byte over the maximum → 1009",
    steps: oneWrite(text(stars(MAX_MESSAGE_BYTES + 1))),
    expect: closedWith(1009),
    timeoutMs: 10_000,
  },
  {
    id: "9.9.2",
    title: "binary message one byte over the maximum → 1009",
    steps: oneWrite(binary(binaryPattern(MAX_MESSAGE_BYTES + 1))),
    expect: closedWith(1009),
    timeoutMs: 10_000,
  },
  {
    id: "9.9.3",
    title: "fragmented text whose fragments are each under the maximum but total over it → 1009",
    steps: oneWrite(...fragmented(Opcode.text, bytes(stars(MAX_MESSAGE_BYTES + 64 * KiB)), 600 * KiB)),
    expect: closedWith(1009),
    timeoutMs: 10_000,
  },
  {
    id: "9.9.4",
    title: "frame header announcing 2^40 bytes → 1009 without waiting for the payload",
    steps: oneWrite(binary(Buffer.alloc(0), { declaredLength: 2n ** 40n })),
    expect: closedWith(1009),
  },
];

const misc: ConformanceCase[] = [
  {
    id: "10.1.1",
    title: "text message of 65536 bytes in 1300-byte fragments → echoed intact",
    steps: oneWrite(...fragmented(Opcode.text, bytes(stars(65536)), 1300)),
    expect: [echoText(stars(65536))],
  },
  {
    id: "10.1.2",
    title: "binary message of 512 KiB (every byte value) → echoed intact",
    steps: oneWrite(binary(binaryPattern(512 * KiB))),
    expect: [echoBinary(binaryPattern(512 * KiB))],
    timeoutMs: 10_000,
  },
];

export const conformanceGroups: { name: string; cases: ConformanceCase[] }[] = [
  { name: "1 framing", cases: framing },
  { name: "2 pings and pongs", cases: pingsAndPongs },
  { name: "3 reserved bits", cases: reservedBits },
  { name: "4 opcodes", cases: reservedOpcodes },
  { name: "5 fragmentation", cases: fragmentation },
  { name: "6 UTF-8 handling", cases: utf8 },
  { name: "7 close handling", cases: closeHandling },
  { name: "9 limits", cases: limits },
  { name: "10 miscellaneous", cases: misc },
];
