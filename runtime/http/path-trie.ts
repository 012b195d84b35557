// Path and method matching inside one route: a trie of path segments.
//
// Hand-written rather than find-my-way because the semantics we need differ from it: `{id}` must not
// match an empty segment (find-my-way gives id ""), a 405 needs the methods every matching pattern
// accepts (find-my-way cannot list them), and patterns use matchit's `{name}` / `{*name}` syntax.
//
// Semantics:
// - `/users/{id}` captures one non-empty segment; `/files/{*path}` captures the rest of the path and
//   must be the last segment. Unlike matchit, the catch-all also matches the empty remainder:
//   `/files/{*path}` matches `/files/` (path "") but not `/files`.
// - Precedence at every segment: literal > parameter > catch-all, independent of declaration order,
//   with backtracking (`/a/{x}/c` still wins for /a/b/c when `/a/b/{y}` exists but has no `/c`).
// - Methods are part of the match: a pattern whose methods do not include the request's is skipped and
//   the next less specific pattern is tried (matchit's `/METHOD/path` keys behaved the same way).
// - A pattern without methods accepts every method but TRACE, which a pattern must list to accept:
//   a TRACE is echoed back by whoever answers it, Cookie and Authorization included (RFC 9110 §9.3.8).
// - Segments are percent-decoded before comparison, so params come out decoded.

export type PathMatchResult<T> =
  | { kind: "match"; target: T; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-found" }
  | { kind: "bad-path" };

interface Leaf<T> {
  pattern: string;
  byMethod: Map<string, T>;
  /** The target of an entry that lists no methods: it accepts every method. */
  anyMethod: T | null;
}

interface TrieNode<T> {
  literals: Map<string, TrieNode<T>>;
  param: { name: string; node: TrieNode<T> } | null;
  catchAll: { name: string; leaf: Leaf<T> } | null;
  leaf: Leaf<T> | null;
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Methods that a pattern without `methods` does not accept: they must be listed. */
const OPT_IN_METHODS: ReadonlySet<string> = new Set(["TRACE"]);

/** What a pattern without `methods` accepts, as an Allow header lists it (other methods work too). */
export const IMPLICIT_METHODS: readonly string[] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

function newNode<T>(): TrieNode<T> {
  return { literals: new Map(), param: null, catchAll: null, leaf: null };
}

export class PathTrie<T> {
  private readonly root: TrieNode<T> = newNode();

  /**
   * Adds a pattern for the given methods (null = every method).
   * Throws an Error naming the pattern when it is malformed or collides with an earlier one.
   */
  add(pattern: string, methods: readonly string[] | null, target: T): void {
    if (!pattern.startsWith("/")) throw new Error(`path ${JSON.stringify(pattern)} must start with "/"`);
    const segments = pattern.split("/").slice(1);
    const seen = new Set<string>();
    let node = this.root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const param = /^\{(\*?)([^{}]*)\}$/.exec(segment);
      if (param === null) {
        if (segment.includes("{") || segment.includes("}")) {
          throw new Error(`path ${pattern}: a parameter must be a whole segment ({name} or {*name}), got ${JSON.stringify(segment)}`);
        }
        let child = node.literals.get(segment);
        if (child === undefined) node.literals.set(segment, (child = newNode()));
        node = child;
        continue;
      }
      const [, star, name] = param as unknown as [string, string, string];
      if (!PARAM_NAME.test(name)) throw new Error(`path ${pattern}: invalid parameter name ${JSON.stringify(name)}`);
      if (seen.has(name)) throw new Error(`path ${pattern}: parameter {${name}} appears twice`);
      seen.add(name);
      if (star === "*") {
        if (i !== segments.length - 1) throw new Error(`path ${pattern}: the catch-all {*${name}} must be the last segment`);
        if (node.catchAll !== null && node.catchAll.name !== name) {
          throw new Error(`path ${pattern} conflicts with ${node.catchAll.leaf.pattern}: catch-all {*${name}} vs {*${node.catchAll.name}} at the same position`);
        }
        node.catchAll ??= { name, leaf: { pattern, byMethod: new Map(), anyMethod: null } };
        addToLeaf(node.catchAll.leaf, pattern, methods, target);
        return;
      }
      if (node.param !== null && node.param.name !== name) {
        throw new Error(`path ${pattern}: parameter {${name}} conflicts with {${node.param.name}} declared at the same position by another path`);
      }
      node.param ??= { name, node: newNode() };
      node = node.param.node;
    }
    node.leaf ??= { pattern, byMethod: new Map(), anyMethod: null };
    addToLeaf(node.leaf, pattern, methods, target);
  }

  /** `path` is the path without the query string. */
  match(method: string, path: string): PathMatchResult<T> {
    // segments[0] is the "" before the leading "/"; the search starts at 1.
    const segments = path.split("/");
    if (path.includes("%")) {
      for (let i = 1; i < segments.length; i++) {
        try {
          segments[i] = decodeURIComponent(segments[i]!);
        } catch {
          return { kind: "bad-path" };
        }
      }
    }
    const search = new Search<T>(segments, method);
    const target = search.visit(this.root, 1);
    if (target !== null) return { kind: "match", target, params: search.params() };
    if (search.allow !== null) return { kind: "method-not-allowed", allow: [...search.allow].sort() };
    return { kind: "not-found" };
  }
}

function addToLeaf<T>(leaf: Leaf<T>, pattern: string, methods: readonly string[] | null, target: T): void {
  const shown = pattern === leaf.pattern ? pattern : `${pattern} (same shape as ${leaf.pattern})`;
  if (leaf.anyMethod !== null) throw new Error(`path ${shown} is declared twice; the first declaration accepts every method`);
  if (methods === null) {
    if (leaf.byMethod.size > 0) {
      throw new Error(`path ${shown} is declared twice; the second declaration accepts every method, the first already takes ${[...leaf.byMethod.keys()].join(", ")}`);
    }
    leaf.anyMethod = target;
    return;
  }
  for (const method of methods) {
    if (leaf.byMethod.has(method)) throw new Error(`path ${shown} is declared twice for method ${method}`);
    leaf.byMethod.set(method, target);
  }
}

/** One depth-first search: literal, then parameter, then catch-all at every level. */
class Search<T> {
  /** Methods of patterns that matched the path but not the method (for a 405); null until one does. */
  allow: Set<string> | null = null;
  private readonly names: string[] = [];
  private readonly values: string[] = [];

  constructor(
    private readonly segments: string[],
    private readonly method: string,
  ) {}

  visit(node: TrieNode<T>, i: number): T | null {
    if (i === this.segments.length) return node.leaf === null ? null : this.accept(node.leaf);
    const segment = this.segments[i]!;
    const literal = node.literals.get(segment);
    if (literal !== undefined) {
      const found = this.visit(literal, i + 1);
      if (found !== null) return found;
    }
    if (node.param !== null && segment !== "") {
      this.names.push(node.param.name);
      this.values.push(segment);
      const found = this.visit(node.param.node, i + 1);
      if (found !== null) return found;
      this.names.pop();
      this.values.pop();
    }
    if (node.catchAll !== null) {
      const found = this.accept(node.catchAll.leaf);
      if (found !== null) {
        this.names.push(node.catchAll.name);
        this.values.push(i === this.segments.length - 1 ? segment : this.segments.slice(i).join("/"));
        return found;
      }
    }
    return null;
  }

  params(): Record<string, string> {
    const params: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) params[this.names[i]!] = this.values[i]!;
    return params;
  }

  private accept(leaf: Leaf<T>): T | null {
    const anyMethod = leaf.anyMethod !== null && !OPT_IN_METHODS.has(this.method) ? leaf.anyMethod : null;
    const target = anyMethod ?? leaf.byMethod.get(this.method) ?? null;
    if (target === null) {
      this.allow ??= new Set();
      for (const method of leaf.byMethod.keys()) this.allow.add(method);
      if (leaf.anyMethod !== null) for (const method of IMPLICIT_METHODS) this.allow.add(method);
    }
    return target;
  }
}
