// A static service whose root is missing or is a file would answer 404 to every request, with nothing
// logged: it is refused at load instead, at its `root` key.
import fs from "node:fs";
import type { ConfigIssue } from "./config-error.js";
import { displayFile } from "./config-error.js";
import type { LoadedConfig } from "./load.js";
import { issueAt } from "./yaml-source.js";

export function checkStaticRoots(loaded: LoadedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const service of loaded.located.proxy.services) {
    if (service.value.service_type !== "static") continue;
    const root = service.value.static.root;
    const place = [...service.path, "static", "root"];
    try {
      if (!fs.statSync(root).isDirectory()) issues.push(issueAt(service.source, place, `${displayFile(root)} is a file; root names the directory to serve`));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      issues.push(issueAt(service.source, place, code === "ENOENT" ? `the directory ${displayFile(root)} does not exist` : `cannot use ${displayFile(root)}: ${(error as Error).message}`));
    }
  }
  return issues;
}
