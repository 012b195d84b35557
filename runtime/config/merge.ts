// Merges the main file and the config_dir files (reference §3.1): lists are concatenated, header_selector is taken
// from the last file that sets it, middleware groups are joined by name. A name defined twice is an error that
// names both places (Nylon silently let the later group win).
import type { ConfigIssue } from "./config-error.js";
import type { KeyPath } from "./key-path.js";
import type { ConfigDirFile, MiddlewareItem, PluginSpec, Route, Service, TlsCertificate } from "./schema.js";
import { issueAt, placeOf, type YamlSource } from "./yaml-source.js";

export type ProxyKeys = Pick<ConfigDirFile, "header_selector" | "plugins" | "services" | "routes" | "middleware_groups" | "tls">;

export interface ConfigPart<Value> {
  source: YamlSource;
  value: Value;
}

/** A merged value with the place it was declared, to report problems found after merging. */
export interface Located<Value> {
  value: Value;
  source: YamlSource;
  path: KeyPath;
}

export interface MergedProxyConfig {
  headerSelector: string | undefined;
  plugins: Located<PluginSpec>[];
  services: Located<Service>[];
  routes: Located<Route>[];
  tls: Located<TlsCertificate>[];
  middlewareGroups: Map<string, Located<MiddlewareItem[]>>;
}

type ListKey = "plugins" | "services" | "routes" | "tls";

function concatenate<Key extends ListKey>(parts: readonly ConfigPart<ProxyKeys>[], key: Key): Located<ProxyKeys[Key][number]>[] {
  return parts.flatMap((part) => part.value[key].map((value, index) => ({ value, source: part.source, path: [key, index] })));
}

/**
 * Reports every name after its first definition; `namesOf` lists the names of an item with their key paths.
 * `nameIsKey` when the name is a mapping key (middleware groups) rather than a value.
 */
function reportDuplicates<Value>(
  kind: string,
  items: readonly Located<Value>[],
  namesOf: (value: Value) => { name: string; path: KeyPath }[],
  nameIsKey = false,
): ConfigIssue[] {
  const first = new Map<string, { source: YamlSource; path: KeyPath }>();
  const issues: ConfigIssue[] = [];
  for (const item of items) {
    for (const { name, path } of namesOf(item.value)) {
      const namePath = [...item.path, ...path];
      const earlier = first.get(name);
      if (earlier === undefined) first.set(name, { source: item.source, path: namePath });
      else {
        const message = `duplicate ${kind} "${name}": already defined at ${placeOf(earlier.source, earlier.path, { atKey: nameIsKey })}`;
        issues.push(issueAt(item.source, namePath, message, { atKey: nameIsKey }));
      }
    }
  }
  return issues;
}

const byName = (value: { name: string }) => [{ name: value.name, path: ["name"] }];

export function mergeProxyParts(parts: readonly ConfigPart<ProxyKeys>[]): { merged: MergedProxyConfig; issues: ConfigIssue[] } {
  const merged: MergedProxyConfig = {
    headerSelector: parts.reduce<string | undefined>((selected, part) => part.value.header_selector ?? selected, undefined),
    plugins: concatenate(parts, "plugins"),
    services: concatenate(parts, "services"),
    routes: concatenate(parts, "routes"),
    tls: concatenate(parts, "tls"),
    middlewareGroups: new Map(),
  };
  const groups = parts.flatMap((part) =>
    Object.entries(part.value.middleware_groups).map(([name, items]) => ({ value: { name, items }, source: part.source, path: ["middleware_groups"] })),
  );
  const issues = [
    ...reportDuplicates("plugin name", merged.plugins, byName),
    ...reportDuplicates("service name", merged.services, byName),
    ...reportDuplicates("route name", merged.routes, byName),
    ...reportDuplicates("TLS domain", merged.tls, (certificate) => certificate.domains.map((name, index) => ({ name, path: ["domains", index] }))),
    ...reportDuplicates("middleware group", groups, (group) => [{ name: group.name, path: [group.name] }], true),
  ];
  for (const group of groups) {
    if (!merged.middlewareGroups.has(group.value.name)) {
      merged.middlewareGroups.set(group.value.name, { value: group.value.items, source: group.source, path: [...group.path, group.value.name] });
    }
  }
  return { merged, issues };
}
