// The plugin toolchain (TypeScript, rolldown, the componentizers, jco) is the package's optional
// dependencies: a server that only runs prepared plugins installs without it
// (`npm install --omit=optional`, docs/operations.md). Whatever needs it imports it lazily and
// turns its absence into an error that says what to install.
import { NylonError } from "./errors.js";

/** The toolchain's packages, by name. */
export const TOOLCHAIN_PACKAGE = /^(typescript|rolldown|componentize-qjs|jco-legacy|@bytecodealliance\/[^/]+)$/;

/** The toolchain package an import failed to find, or null when `err` is anything else. */
export function missingToolchainPackage(err: unknown): string | null {
  if ((err as NodeJS.ErrnoException | null)?.code !== "ERR_MODULE_NOT_FOUND") return null;
  const name = /Cannot find package '([^']+)'/.exec((err as Error).message)?.[1];
  return name !== undefined && TOOLCHAIN_PACKAGE.test(name) ? name : null;
}

/** Imports what needs the toolchain; without it, fails with NYLON_E_NO_TOOLCHAIN naming `what`. */
export async function importToolchain<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const missing = missingToolchainPackage(err);
    if (missing === null) throw err;
    throw new NylonError(
      "NYLON_E_NO_TOOLCHAIN",
      `${what} needs the plugin toolchain, which this install left out (${missing} is missing): install nylon with its optional dependencies (npm install without --omit=optional)`,
      { cause: err },
    );
  }
}
