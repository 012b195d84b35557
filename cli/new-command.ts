import fs from "node:fs";
import path from "node:path";
import { packageRoot } from "../runtime/package-paths.js";

/**
 * One folder of templates per guest language, cli/templates/<language>/, and cli/templates/common/
 * for what every language's plugin gets: the scenario and the harness test, which test the built
 * .wasm whatever language it was written in.
 */
const TEMPLATES = path.join(packageRoot, "cli", "templates");
const COMMON = "common";
const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** The languages a plugin can be scaffolded in: those with a template folder. */
export function scaffoldLanguages(): string[] {
  return fs
    .readdirSync(TEMPLATES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== COMMON)
    .map((d) => d.name)
    .sort();
}

/**
 * `nylon new plugin <name> [--dir <parent>] [--lang <language>]`: a plugin folder that builds and
 * whose tests pass as generated. Every file of the common and the language's template folders is copied, with
 * `__NAME__` (in names and contents) replaced by the plugin's name, `__NYLON_PACKAGE__` by where this
 * nylon is (what the folder's package.json installs), and a `.tmpl` suffix dropped. Returns the exit code.
 */
export function newPluginCommand(name: string, options: { dir?: string; lang?: string } = {}): number {
  const language = options.lang ?? "typescript";
  const languages = scaffoldLanguages();
  if (!languages.includes(language)) {
    process.stderr.write(`nylon new plugin: --lang ${language} is not one of ${languages.join(", ")}\n`);
    return 2;
  }
  if (!PLUGIN_NAME.test(name)) {
    process.stderr.write(`nylon new plugin: "${name}" is not a plugin name (lower-case letters, digits and "-", starting with a letter)\n`);
    return 2;
  }
  const target = path.resolve(options.dir ?? process.cwd(), name);
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    process.stderr.write(`nylon new plugin: ${target} already exists and is not empty\n`);
    return 1;
  }
  const fill = (text: string) => text.replaceAll("__NAME__", name).replaceAll("__NYLON_PACKAGE__", `file:${packageRoot}`);
  const created: string[] = [];
  for (const templates of [COMMON, language].map((folder) => path.join(TEMPLATES, folder))) {
    for (const entry of fs.readdirSync(templates, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const from = path.join(entry.parentPath, entry.name);
      const relative = fill(path.relative(templates, from)).replace(/\.tmpl$/, "");
      fs.mkdirSync(path.dirname(path.join(target, relative)), { recursive: true });
      fs.writeFileSync(path.join(target, relative), fill(fs.readFileSync(from, "utf8")));
      created.push(relative);
    }
  }
  const shown = path.relative(process.cwd(), target) || ".";
  process.stdout.write(
    `created ${shown}/ (${created.sort().join(", ")})\n\n` +
      `  cd ${shown}\n  npm install          # links the nylon that created it (see README.md to install it from a tarball)\n` +
      `  npm run build\n  npm test\n`,
  );
  return 0;
}
