// The routing rules (path syntax, paths or methods declared twice, two routes claiming one host or header
// value) live in the router; here they run over the merged configuration and come back with their place in
// the file, so that `validate` reports them and `run` never meets one while starting.
import { Router, type RouteProblem } from "../http/router.js";
import type { ConfigIssue } from "./config-error.js";
import type { KeyPath } from "./key-path.js";
import type { MergedProxyConfig } from "./merge.js";
import { issueAt } from "./yaml-source.js";

function keyPathOf(problem: RouteProblem, routePath: KeyPath): KeyPath {
  const pathKey = [...routePath, "paths", problem.path ?? 0];
  switch (problem.key) {
    case "name":
      return [...routePath, "name"];
    case "value":
      return [...routePath, "route", "value"];
    case "path":
      return [...pathKey, "path", ...(problem.pattern === undefined ? [] : [problem.pattern])];
    case "methods":
      return [...pathKey, "methods", ...(problem.method === undefined ? [] : [problem.method])];
    case "middleware":
      return problem.path === undefined ? [...routePath, "middleware"] : [...pathKey, "middleware"];
  }
}

export function checkRoutes(config: MergedProxyConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const input = {
    routes: config.routes.map((route) => route.value),
    middleware_groups: Object.fromEntries([...config.middlewareGroups].map(([name, group]) => [name, group.value])),
    ...(config.headerSelector === undefined ? {} : { header_selector: config.headerSelector }),
  };
  new Router(input, (problem) => {
    // Names and groups are checked with their own messages before this runs (merge.ts, references.ts).
    if (problem.key === "name" || problem.key === "middleware") return;
    const route = config.routes[problem.route]!;
    issues.push(issueAt(route.source, keyPathOf(problem, route.path), problem.message));
  });
  return issues;
}
