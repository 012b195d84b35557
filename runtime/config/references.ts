// Checks that every name used somewhere is defined somewhere (services, plugins, middleware groups), across files.
import type { ConfigIssue } from "./config-error.js";
import type { KeyPath } from "./key-path.js";
import type { Located, MergedProxyConfig } from "./merge.js";
import { BUILT_IN_PLUGINS, type MiddlewareItem } from "./schema.js";
import { didYouMean } from "./suggest.js";
import { issueAt } from "./yaml-source.js";

function undefinedName(kind: string, name: string, defined: readonly string[]): string {
  const listed = defined.length === 0 ? "none" : defined.join(", ");
  return `${kind} "${name}" is not defined${didYouMean(name, defined)} (defined ${kind}s: ${listed})`;
}

export function checkReferences(config: MergedProxyConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const serviceNames = config.services.map((service) => service.value.name);
  const pluginNames = config.plugins.map((plugin) => plugin.value.name);
  const middlewarePlugins = [...pluginNames, ...BUILT_IN_PLUGINS];
  const groupNames = [...config.middlewareGroups.keys()];

  const checkMiddleware = (owner: Located<unknown>, path: KeyPath, items: readonly MiddlewareItem[] | undefined, insideGroup: boolean) => {
    items?.forEach((item, index) => {
      const itemPath = [...path, index];
      if ("group" in item) {
        if (insideGroup) issues.push(issueAt(owner.source, [...itemPath, "group"], "a middleware group cannot include another group; list its items instead"));
        else if (!config.middlewareGroups.has(item.group)) issues.push(issueAt(owner.source, [...itemPath, "group"], undefinedName("middleware group", item.group, groupNames)));
      } else if (!middlewarePlugins.includes(item.plugin)) {
        issues.push(issueAt(owner.source, [...itemPath, "plugin"], undefinedName("plugin", item.plugin, middlewarePlugins)));
      }
    });
  };

  for (const service of config.services) {
    if (service.value.service_type === "plugin" && !pluginNames.includes(service.value.plugin.name)) {
      issues.push(issueAt(service.source, [...service.path, "plugin", "name"], undefinedName("plugin", service.value.plugin.name, pluginNames)));
    }
  }
  for (const route of config.routes) {
    checkMiddleware(route, [...route.path, "middleware"], route.value.middleware, false);
    route.value.paths.forEach((routePath, index) => {
      const pathKey = [...route.path, "paths", index];
      checkMiddleware(route, [...pathKey, "middleware"], routePath.middleware, false);
      if (!serviceNames.includes(routePath.service.name)) {
        issues.push(issueAt(route.source, [...pathKey, "service", "name"], undefinedName("service", routePath.service.name, serviceNames)));
      }
    });
  }
  for (const group of config.middlewareGroups.values()) checkMiddleware(group, group.path, group.value, true);
  return issues;
}
