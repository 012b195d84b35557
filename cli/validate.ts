// `nylon validate <config>`: checks a configuration without starting anything.
import { loadConfig } from "../runtime/config/load.js";
import { ConfigError } from "../runtime/config/config-error.js";

/** Prints the outcome to stderr; resolves to the process exit code (0 valid, 1 invalid). */
export async function validateCommand(configPath: string): Promise<number> {
  try {
    const { files } = await loadConfig(configPath);
    process.stderr.write(`configuration OK: ${files.join(", ")}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}
