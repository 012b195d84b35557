import { rawUpgrade, type UpgradedSocket } from "./raw-upgrade.js";

/** Opens `count` raw upgraded connections, `concurrency` handshakes at a time so the accept queue isn't flooded. */
export async function openRawConnections(url: string, count: number, concurrency = 200): Promise<UpgradedSocket[]> {
  const connections: UpgradedSocket[] = [];
  while (connections.length < count) {
    const batch = Math.min(concurrency, count - connections.length);
    connections.push(...(await Promise.all(Array.from({ length: batch }, () => rawUpgrade(url)))));
  }
  return connections;
}
