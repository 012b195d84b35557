import fs from "node:fs";
import tls from "node:tls";
import type { TlsCertificate } from "../config/schema.js";
import { NylonError } from "../errors.js";

/** Key and certificate chain (PEM), as https.createServer and setSecureContext take them. */
export interface CertificatePair {
  cert: Buffer;
  key: Buffer;
}

/**
 * The `tls` certificates, read from disk once per (re)load: SNI picks the entry listing the name
 * (exactly, or as "*.example.com" for one label), anything else gets the default certificate: the
 * entry listing "*", else the first entry.
 */
export class TlsCertificates {
  private constructor(
    private readonly exact: ReadonlyMap<string, tls.SecureContext>,
    private readonly wildcard: ReadonlyMap<string, tls.SecureContext>,
    private readonly fallback: tls.SecureContext,
    readonly defaultPair: CertificatePair,
  ) {}

  /** Reads every file and builds its context; a missing file or a key that does not fit is an error. */
  static load(entries: readonly TlsCertificate[]): TlsCertificates | null {
    if (entries.length === 0) return null;
    const exact = new Map<string, tls.SecureContext>();
    const wildcard = new Map<string, tls.SecureContext>();
    let defaultEntry: { pair: CertificatePair; context: tls.SecureContext } | undefined;
    for (const entry of entries) {
      const pair = readPair(entry);
      let context: tls.SecureContext;
      try {
        context = tls.createSecureContext({ ...pair, minVersion: MIN_TLS_VERSION });
      } catch (err) {
        throw new NylonError("NYLON_E_CONFIG", `tls certificate ${entry.cert}: ${(err as Error).message}`, { cause: err });
      }
      for (const domain of entry.domains) {
        const name = domain.toLowerCase();
        if (name === "*") defaultEntry = { pair, context };
        else if (name.startsWith("*.")) wildcard.set(name.slice(2), context);
        else exact.set(name, context);
      }
      defaultEntry ??= { pair, context };
    }
    return new TlsCertificates(exact, wildcard, defaultEntry!.context, defaultEntry!.pair);
  }

  /** The context for an SNI server name. */
  contextFor(servername: string): tls.SecureContext {
    const name = servername.toLowerCase();
    const found = this.exact.get(name);
    if (found) return found;
    const dot = name.indexOf(".");
    return (dot > 0 ? this.wildcard.get(name.slice(dot + 1)) : undefined) ?? this.fallback;
  }
}

export const MIN_TLS_VERSION = "TLSv1.2" as const;

function readPair(entry: TlsCertificate): CertificatePair {
  const read = (file: string, what: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new NylonError("NYLON_E_CONFIG", `tls ${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const chain = (entry.chain ?? []).map((file) => read(file, "chain"));
  return { cert: Buffer.concat([read(entry.cert, "cert"), ...chain.map((c) => Buffer.concat([Buffer.from("\n"), c]))]), key: read(entry.key, "key") };
}
