// One plugin's compile, in a process of its own (compile-process.ts): the parent kills it when it
// runs over its time or memory limit. Errors come back as text: a NylonError's message is the
// compiler's own words; anything else is reported as an internal failure of the build.
import { NylonError } from "../errors.js";
import { GUEST_LANGUAGES } from "./guest-languages.js";
import type { PluginSource } from "./guest-language.js";

export interface CompileChildRequest {
  source: PluginSource;
}

export type CompileChildReply = { step: string } | { component: Uint8Array } | { error: string };

function reply(message: CompileChildReply): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

// The parent is gone (killed, or interrupted with Ctrl-C): nothing waits for this build any more.
process.once("disconnect", () => process.exit(1));

process.once("message", async ({ source }: CompileChildRequest) => {
  const language = GUEST_LANGUAGES.find((l) => l.name === source.language)!;
  try {
    const component = await language.compile(source, (step) => void reply({ step }));
    await reply({ component });
  } catch (err) {
    await reply({
      error: err instanceof NylonError ? err.message : `the ${source.language} build failed unexpectedly: ${(err as Error).message ?? err}`,
    });
  }
  process.disconnect();
});
