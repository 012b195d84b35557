// When ws fails a connection for a protocol error (invalid UTF-8, a message over the limit, an unmasked
// frame, ...) it sends a close frame with the matching code but stops reading, so its 'close' event
// reports 1006 (no close frame received). The plugin's onClose should see the code that was sent.
// ws keeps that code on the error under a symbol its typings do not declare: found by description.

/** The close code ws sent because of `error`, or undefined for a socket error (nothing was sent). */
export function sentCloseCode(error: Error): number | undefined {
  const key = Object.getOwnPropertySymbols(error).find((symbol) => symbol.description === "status-code");
  const code = key === undefined ? undefined : (error as unknown as Record<symbol, unknown>)[key];
  return typeof code === "number" ? code : undefined;
}
