// The fastest any QuickJS plugin can answer, measured with the same glue nylon uses but without nylon:
// a guest written straight against the WIT (no SDK), loaded without the sandbox, with host functions
// that do nothing. It bounds what tuning nylon's host or SDK could ever reach on this machine.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { componentizeQuickJs } from "../../runtime/compile/componentize-quickjs.js";
import { loadComponent } from "../../runtime/plugin/component-loader.js";
import type { GuestExports } from "../../runtime/plugin/guest-exports.js";
import { callsPerSecond } from "./calls-per-second.js";

/** `ws-on-message-text` echoes like the SDK's echo plugin; `ws-on-error` has the same signature and does nothing. */
const BARE_GUEST = `
import { wsSendText } from "nylon:plugin/host@0.3.0";
export const guest = {
  init() {}, entries() { return []; }, onPhase() { return "next"; }, onRequestEnd() {},
  wsOnOpen() {}, wsOnMessageBinary() {}, wsOnClose() {}, onTimer() {}, wsOnEvents() {},
  wsOnMessageText(conn, message) { wsSendText(conn, "Echo: " + message); },
  wsOnError(conn, message) {},
};`;

export interface QuickJsFloor {
  /** Calls/s of the bare echo: one string in, one send-text out. */
  bareEcho: number;
  /** Calls/s of an export taking (u32, string) that does nothing: the cost of entering QuickJS at all. */
  emptyCall: number;
}

export async function measureQuickJsFloor(seconds: number, message: string): Promise<QuickJsFloor> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-floor-"));
  try {
    const file = path.join(dir, "bare.wasm");
    fs.writeFileSync(file, await componentizeQuickJs(BARE_GUEST));
    const component = await loadComponent(file, null);
    let sent = 0;
    const noop = () => {};
    const host = new Proxy({}, { get: (_, name) => (name === "wsSendText" ? () => void sent++ : noop) });
    const { guest } = component.instantiate(host);
    const rate = (call: (g: GuestExports) => void) => callsPerSecond(() => call(guest), seconds);
    const bareEcho = rate((g) => g.wsOnMessageText(1, message));
    if (sent === 0) throw new Error("the bare echo guest never called send-text");
    return { bareEcho, emptyCall: rate((g) => g.wsOnError(1, message)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
