import { BlockList, isIP } from "node:net";
import type { IncomingMessage } from "node:http";

/**
 * The client's IP: the socket's peer address, or, when the peer is a configured trusted proxy, the
 * right-most X-Forwarded-For address that is not itself a trusted proxy. A client cannot pick its IP
 * by sending X-Forwarded-For to an untrusted listener.
 */
export class ClientAddress {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [addr, bits] = entry.split("/");
      const type = isIP(addr!) === 6 ? "ipv6" : "ipv4";
      if (bits === undefined) this.trusted.addAddress(addr!, type);
      else this.trusted.addSubnet(addr!, Number(bits), type);
    }
    this.any = trustedProxies.length > 0;
  }

  of(req: IncomingMessage): string {
    const peer = peerAddress(req.socket);
    if (!this.any || !this.isTrusted(peer)) return peer;
    const header = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
      .split(",")
      .map((s) => normalize(s.trim()))
      .filter((s) => isIP(s) !== 0);
    for (let i = hops.length - 1; i >= 0; i--) if (!this.isTrusted(hops[i]!)) return hops[i]!;
    return hops[0] ?? peer;
  }

  private isTrusted(ip: string): boolean {
    const type = isIP(ip);
    return type !== 0 && this.trusted.check(ip, type === 6 ? "ipv6" : "ipv4");
  }
}

/** The IP at the other end of a connection (what a request that never parsed is logged with). */
export function peerAddress(socket: { remoteAddress?: string | undefined }): string {
  return normalize(socket.remoteAddress ?? "");
}

/** "::ffff:127.0.0.1" -> "127.0.0.1". */
function normalize(ip: string): string {
  return ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
