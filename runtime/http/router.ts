// How a request finds its route: by header (header_selector), else by host, then by path and method
// inside that route (path-trie.ts). Built once per configuration; lookups do no allocation beyond
// the params object.
//
// - Header: the header named by `header_selector` (default x-nylon-proxy) whose value equals a
//   `type: header` route's value (exact, case-sensitive). Present but unknown -> fall back to host.
// - Host: the Host header, port stripped, case-insensitive, IPv6 literals in brackets handled; a
//   route's value is a '|'-separated list; "*" makes the route the default for unknown hosts.
// - No route -> 404 NYLON_E_ROUTE_NOT_FOUND; path matches but not the method -> 405 with `allow`.
//   TRACE is accepted only where a path entry lists it in `methods` (path-trie.ts).
// - Route-level middleware comes first, then path-level; `group:` items are expanded in place.
// - Two routes claiming the same host or header value, and colliding paths inside a route, are build
//   errors (Nylon silently let the last one win).
import type { IncomingHttpHeaders } from "node:http";
import { NylonError } from "../errors.js";
import { IMPLICIT_METHODS, PathTrie } from "./path-trie.js";
import { pathRewriteFor, type PathRewrite } from "./path-rewrite.js";
import { separatorReading } from "./request-target.js";

export interface MiddlewareItemInput {
  group?: string | undefined;
  plugin?: string | undefined;
  entry?: string | undefined;
  payload?: unknown;
}

export interface RoutePathInput {
  path: string | string[];
  methods?: string[] | undefined;
  middleware?: MiddlewareItemInput[] | undefined;
  service: { name: string; rewrite?: string | undefined };
}

export interface RouteInput {
  name: string;
  route: { type: "host" | "header"; value: string };
  middleware?: MiddlewareItemInput[] | undefined;
  paths: RoutePathInput[];
}

export interface RouterInput<R extends RouteInput = RouteInput> {
  routes: R[];
  header_selector?: string | undefined;
  middleware_groups?: Record<string, MiddlewareItemInput[]> | undefined;
}

export interface RouteRequest {
  method: string;
  /** The normalised path (request-target.ts); a query string after it is ignored. */
  path: string;
  /** The Host header (or HTTP/2 :authority); undefined when absent. */
  host: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface RouteMatch<R extends RouteInput = RouteInput> {
  kind: "match";
  route: R;
  pathEntry: R["paths"][number];
  /** The pattern that matched, as written in the config. */
  pattern: string;
  /** Percent-decoded. */
  params: Record<string, string>;
  /** Route-level then path-level items, groups expanded; no item has `group`. */
  middleware: readonly MiddlewareItemInput[];
  /** Set when the path entry has `service.rewrite` (upstream services; see path-rewrite.ts). */
  rewrite: PathRewrite | null;
}

export interface RouteMiss {
  kind: "miss";
  /** NYLON_E_ROUTE_NOT_FOUND (404), NYLON_E_METHOD_NOT_ALLOWED (405) or NYLON_E_BAD_REQUEST (400). */
  error: NylonError;
  /** For a 405: the methods the path accepts, for the Allow header. */
  allow: readonly string[];
}

export const DEFAULT_HEADER_SELECTOR = "x-nylon-proxy";

interface PathTarget<R extends RouteInput> {
  pathEntry: R["paths"][number];
  pattern: string;
  middleware: readonly MiddlewareItemInput[];
  rewrite: PathRewrite | null;
}

interface CompiledRoute<R extends RouteInput> {
  route: R;
  paths: PathTrie<PathTarget<R>>;
}

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const ALLOW_CANDIDATES = [...IMPLICIT_METHODS, "TRACE"];

/**
 * A route that cannot be built, with where it is: `route` indexes `routes`; `path` its `paths`, `pattern`
 * a list of patterns in `path`, `method` its `methods`. The configuration check turns these into file:line.
 */
export interface RouteProblem {
  route: number;
  /** Which key of the route is wrong. */
  key: "name" | "value" | "path" | "methods" | "middleware";
  path?: number;
  pattern?: number;
  method?: number;
  message: string;
}

type ReportProblem = (problem: RouteProblem) => void;

function throwProblem(problem: RouteProblem): never {
  throw new NylonError("NYLON_E_CONFIG", problem.message);
}

export class Router<R extends RouteInput = RouteInput> {
  private readonly byHost = new Map<string, CompiledRoute<R>>();
  private readonly byHeader = new Map<string, CompiledRoute<R>>();
  private defaultRoute: CompiledRoute<R> | null = null;
  private readonly headerSelector: string;

  /**
   * Throws NylonError NYLON_E_CONFIG naming the route when the routes collide or are malformed; with
   * `report`, hands over every problem instead and leaves the offending entries out.
   */
  constructor(config: RouterInput<R>, report: ReportProblem = throwProblem) {
    this.headerSelector = (config.header_selector ?? DEFAULT_HEADER_SELECTOR).toLowerCase();
    this.addRoutes(config, report);
  }

  private addRoutes(config: RouterInput<R>, report: ReportProblem): void {
    const groups = config.middleware_groups ?? {};
    const names = new Set<string>();
    config.routes.forEach((route, index) => {
      if (names.has(route.name)) report({ route: index, key: "name", message: `route name ${route.name} is not unique` });
      names.add(route.name);
      const compiled = compileRoute(route, groups, (problem) => report({ ...problem, route: index }));
      const claim = (map: Map<string, CompiledRoute<R>>, key: string, what: string) => {
        const other = map.get(key);
        if (other !== undefined && other !== compiled) report({ route: index, key: "value", message: `routes ${other.route.name} and ${route.name} both claim ${what}` });
        else map.set(key, compiled);
      };
      if (route.route.type === "header") {
        claim(this.byHeader, route.route.value, `header value ${JSON.stringify(route.route.value)}`);
        return;
      }
      for (const piece of route.route.value.split("|")) {
        const host = piece.trim();
        if (host === "*") {
          if (this.defaultRoute !== null) {
            report({ route: index, key: "value", message: `routes ${this.defaultRoute.route.name} and ${route.name} both claim the default host "*"` });
          } else this.defaultRoute = compiled;
        } else if (host !== "") {
          claim(this.byHost, normalizeHost(host), `host ${host}`);
        }
      }
    });
  }

  match(request: RouteRequest): RouteMatch<R> | RouteMiss {
    const compiled = this.selectRoute(request);
    if (compiled === null) {
      const host = request.host ?? "(none)";
      return miss(new NylonError("NYLON_E_ROUTE_NOT_FOUND", `no route for host ${JSON.stringify(host)}`));
    }
    const queryAt = request.path.indexOf("?");
    const path = queryAt === -1 ? request.path : request.path.slice(0, queryAt);
    const result = compiled.paths.match(request.method, path);
    switch (result.kind) {
      case "match": {
        const { pathEntry, pattern, middleware, rewrite } = result.target;
        return { kind: "match", route: compiled.route, pathEntry, pattern, params: result.params, middleware, rewrite };
      }
      case "method-not-allowed":
        return {
          kind: "miss",
          error: new NylonError("NYLON_E_METHOD_NOT_ALLOWED", `${request.method} is not allowed on ${path}; allowed: ${result.allow.join(", ")}`),
          allow: result.allow,
        };
      case "bad-path":
        return miss(new NylonError("NYLON_E_BAD_REQUEST", `the path ${JSON.stringify(path)} has malformed percent-encoding`));
      case "not-found":
        return miss(new NylonError("NYLON_E_ROUTE_NOT_FOUND", `route ${compiled.route.name} has no path matching ${path}`));
    }
  }

  /**
   * match() for a normalised request target (request-target.ts), refusing with 400 a path whose
   * separator reading would be routed to another path entry: what an upstream that splits on `%2F`
   * or cuts `;` parameters serves must be what the matched entry (and its middleware) covers.
   */
  matchTarget(request: RouteRequest): RouteMatch<R> | RouteMiss {
    const match = this.match(request);
    if (match.kind !== "match") return match;
    const reading = separatorReading(request.path);
    if (reading === null) return match;
    const other = this.match({ ...request, path: reading });
    if (other.kind !== "match" || (other.route === match.route && other.pathEntry === match.pathEntry)) return match;
    return miss(
      new NylonError(
        "NYLON_E_BAD_REQUEST",
        `the path ${JSON.stringify(request.path)} reads as ${JSON.stringify(reading)} to a server that splits on %2F or %5C or cuts ";" parameters, which another route entry covers`,
      ),
    );
  }

  /**
   * The methods `request`'s path accepts, among those an Allow header can name (a pattern without
   * `methods` accepts others too); for an OPTIONS that nylon answers itself.
   */
  allowedMethods(request: Omit<RouteRequest, "method">): string[] {
    return ALLOW_CANDIDATES.filter((method) => this.match({ ...request, method }).kind === "match");
  }

  private selectRoute(request: RouteRequest): CompiledRoute<R> | null {
    const selector = request.headers[this.headerSelector];
    if (selector !== undefined) {
      const byHeader = this.byHeader.get(Array.isArray(selector) ? selector[0] ?? "" : selector);
      if (byHeader !== undefined) return byHeader;
    }
    if (request.host !== undefined) {
      const byHost = this.byHost.get(normalizeHost(request.host));
      if (byHost !== undefined) return byHost;
    }
    return this.defaultRoute;
  }
}

/** Lower-cases, strips the port and IPv6 brackets, drops a trailing dot: "[::1]:8080" -> "::1". */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase().trim();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(":");
  // Exactly one colon is host:port; more is a bare IPv6 literal (only possible in config values).
  if (colon !== -1 && h.indexOf(":", colon + 1) === -1) h = h.slice(0, colon);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

function miss(error: NylonError): RouteMiss {
  return { kind: "miss", error, allow: [] };
}

type ReportRouteProblem = (problem: Omit<RouteProblem, "route">) => void;

function compileRoute<R extends RouteInput>(route: R, groups: Record<string, MiddlewareItemInput[]>, report: ReportRouteProblem): CompiledRoute<R> {
  const paths = new PathTrie<PathTarget<R>>();
  const expand = (items: readonly MiddlewareItemInput[] | undefined, path?: number) => {
    try {
      return expandGroups(items ?? [], groups, `route ${route.name}`);
    } catch (error) {
      report({ key: "middleware", ...(path === undefined ? {} : { path }), message: (error as Error).message });
      return [];
    }
  };
  const routeMiddleware = expand(route.middleware);
  route.paths.forEach((pathEntry, pathIndex) => {
    const methods = pathEntry.methods === undefined ? null : normalizeMethods(pathEntry.methods, route.name, (problem) => report({ ...problem, path: pathIndex }));
    const middleware = [...routeMiddleware, ...expand(pathEntry.middleware, pathIndex)];
    const rewrite = pathEntry.service.rewrite;
    const patterns = typeof pathEntry.path === "string" ? [pathEntry.path] : pathEntry.path;
    patterns.forEach((pattern, patternIndex) => {
      const target: PathTarget<R> = {
        pathEntry,
        pattern,
        middleware,
        rewrite: rewrite === undefined ? null : pathRewriteFor(pattern, rewrite),
      };
      try {
        paths.add(pattern, methods, target);
      } catch (error) {
        const where = typeof pathEntry.path === "string" ? { path: pathIndex } : { path: pathIndex, pattern: patternIndex };
        report({ key: "path", ...where, message: `route ${route.name}: ${(error as Error).message}` });
      }
    });
  });
  return { route, paths };
}

function normalizeMethods(methods: string[], routeName: string, report: ReportRouteProblem): string[] {
  if (methods.length === 0) report({ key: "methods", message: `route ${routeName}: methods is empty; omit it to accept every method` });
  const valid: string[] = [];
  methods.forEach((method, index) => {
    if (!METHOD.test(method)) report({ key: "methods", method: index, message: `route ${routeName}: invalid method ${JSON.stringify(method)}` });
    // Nylon compared case-sensitively against the upper-cased request method, so lower-case entries never matched.
    else valid.push(method.toUpperCase());
  });
  return valid;
}

/** Replaces `group: X` items by the items of group X, recursively; unknown groups and cycles are errors. */
function expandGroups(
  items: readonly MiddlewareItemInput[],
  groups: Record<string, MiddlewareItemInput[]>,
  where: string,
  trail: readonly string[] = [],
): MiddlewareItemInput[] {
  const out: MiddlewareItemInput[] = [];
  for (const item of items) {
    if (item.group === undefined) {
      out.push(item);
      continue;
    }
    const group = Object.hasOwn(groups, item.group) ? groups[item.group] : undefined;
    if (group === undefined) throw new Error(`${where}: unknown middleware group ${item.group}`);
    if (trail.includes(item.group)) throw new Error(`${where}: middleware group cycle ${[...trail, item.group].join(" -> ")}`);
    out.push(...expandGroups(group, groups, where, [...trail, item.group]));
  }
  return out;
}
