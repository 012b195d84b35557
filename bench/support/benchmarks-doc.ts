// Benchmarks that record their figures replace their own section of docs/benchmarks.md (or append
// it), leaving every other section alone.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./repo-paths.js";

export function recordSection(heading: string, text: string): void {
  const section = `${text.trimEnd()}\n\n`;
  const file = join(repoRoot, "docs", "benchmarks.md");
  const doc = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = doc.indexOf(heading);
  let next: string;
  if (start === -1) next = `${doc.trimEnd()}\n\n${section}`;
  else {
    const end = doc.indexOf("\n## ", start + heading.length);
    next = doc.slice(0, start) + section + (end === -1 ? "" : doc.slice(end + 1));
  }
  writeFileSync(file, next);
  console.log(`recorded in ${file}`);
}
