// Listeners that cannot all be opened are refused at load, with both places named: the same address twice,
// a wildcard beside a specific address on the same port (0.0.0.0:P and 127.0.0.1:P; "::" takes IPv4 too on
// Linux), or a proxy and a metrics listener on one port. An https listener needs a certificate.
import { isIP } from "node:net";
import type { ConfigIssue } from "./config-error.js";
import { parseListenerAddress } from "./listener-address.js";
import type { MergedProxyConfig } from "./merge.js";
import type { NylonConfig } from "./schema.js";
import { issueAt, placeOf, type YamlSource } from "./yaml-source.js";

const KINDS = ["http", "https", "metrics"] as const;

interface Listener {
  kind: (typeof KINDS)[number];
  index: number;
  address: string;
  host: string;
  port: number;
}

function overlaps(a: Listener, b: Listener): boolean {
  if (a.port !== b.port) return false;
  if (a.host === b.host || a.host === "::" || b.host === "::") return true;
  const coversIpv4 = (wildcard: Listener, other: Listener) => wildcard.host === "0.0.0.0" && isIP(other.host) === 4;
  return coversIpv4(a, b) || coversIpv4(b, a);
}

export function checkListeners(main: YamlSource, config: NylonConfig, merged: MergedProxyConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen: Listener[] = [];
  for (const kind of KINDS) {
    config[kind].forEach((address, index) => {
      const parsed = parseListenerAddress(address);
      if (parsed === undefined) return;
      const listener = { kind, index, address, host: parsed.host.toLowerCase(), port: parsed.port };
      const earlier = seen.find((other) => overlaps(other, listener));
      if (earlier === undefined) seen.push(listener);
      else {
        const message =
          earlier.address === address
            ? `${address} is listed twice (first as ${earlier.kind}[${earlier.index}] at ${placeOf(main, [earlier.kind, earlier.index])})`
            : `${address} overlaps ${earlier.address} (${earlier.kind}[${earlier.index}] at ${placeOf(main, [earlier.kind, earlier.index])}): both cannot listen on port ${parsed.port}`;
        issues.push(issueAt(main, [kind, index], message));
      }
    });
  }
  if (config.https.length > 0 && merged.tls.length === 0) {
    issues.push(issueAt(main, ["https", 0], "an https listener needs a certificate: add one under tls"));
  }
  return issues;
}

/** A configuration with no http or https listener would start and serve nothing. */
export function checkSomethingListens(main: YamlSource, config: NylonConfig): ConfigIssue[] {
  if (config.http.length + config.https.length > 0) return [];
  return [issueAt(main, ["http"], 'no listener: nylon would serve nothing; add one such as http: ["0.0.0.0:8080"] (or https)')];
}
