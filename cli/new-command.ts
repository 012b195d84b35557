import fs from "node:fs";
import path from "node:path";
import { packageRoot } from "../runtime/package-paths.js";

const TEMPLATES = path.join(packageRoot, "cli", "templates", "plugin");
const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Template file -> where it goes in the new plugin folder. */
function layout(name: string): [string, string][] {
  return [
    ["plugin.ts.tmpl", "plugin.ts"],
    ["README.md", "README.md"],
    ["package.json", "package.json"],
    ["scenario.yaml", `${name}.scenario.yaml`],
    ["test/plugin.test.js.tmpl", `test/${name}.test.js`],
  ];
}

/**
 * `nylon new plugin <name> [--dir <parent>]`: a plugin folder that builds and whose tests pass as
 * generated. Returns the exit code.
 */
export function newPluginCommand(name: string, options: { dir?: string } = {}): number {
  if (!PLUGIN_NAME.test(name)) {
    process.stderr.write(`nylon new plugin: "${name}" is not a plugin name (lower-case letters, digits and "-", starting with a letter)\n`);
    return 2;
  }
  const target = path.resolve(options.dir ?? process.cwd(), name);
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    process.stderr.write(`nylon new plugin: ${target} already exists and is not empty\n`);
    return 1;
  }
  for (const [from, to] of layout(name)) {
    const file = path.join(target, to);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, fs.readFileSync(path.join(TEMPLATES, from), "utf8").replaceAll("__NAME__", name));
  }
  // The harness test imports "nylon-proxy/harness": link the nylon that made the folder, so it runs without an install.
  fs.mkdirSync(path.join(target, "node_modules"), { recursive: true });
  fs.symlinkSync(packageRoot, path.join(target, "node_modules", "nylon-proxy"), "dir");
  const shown = path.relative(process.cwd(), target) || ".";
  process.stdout.write(
    `created ${shown}/ (plugin.ts, ${name}.scenario.yaml, test/${name}.test.js, README.md)\n\n` +
      `  cd ${shown}\n  nylon build .\n  nylon test ${name}.wasm ${name}.scenario.yaml\n  node --test test/\n`,
  );
  return 0;
}
