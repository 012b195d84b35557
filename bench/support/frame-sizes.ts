/** Bytes on the wire of an unmasked (server-sent) frame carrying `payloadBytes`: 2-byte head plus the extended length. */
export function serverFrameBytes(payloadBytes: number): number {
  if (payloadBytes <= 125) return 2 + payloadBytes;
  return (payloadBytes <= 0xffff ? 4 : 10) + payloadBytes;
}
