// `service.rewrite` for upstream services: the literal leading segments of the matched pattern are
// replaced by the rewrite value and the rest of the path (and the query) is kept.
//   pattern /api/{*rest}, rewrite /v2      : /api/users?x=1  -> /v2/users?x=1
//   pattern /users/{id}/posts, rewrite /p  : /users/5/posts  -> /p/5/posts
//   pattern /api/{*rest}, rewrite /        : /api/users      -> /users
// Counting segments (not comparing strings) keeps percent-encoded literal segments working.

export interface PathRewrite {
  /** How many leading path segments the pattern spells literally. */
  literalSegments: number;
  /** What replaces them; "" for "/" so that no double slash appears. */
  replacement: string;
}

export function pathRewriteFor(pattern: string, rewrite: string): PathRewrite {
  let literalSegments = 0;
  for (const segment of pattern.split("/").slice(1)) {
    if (segment.startsWith("{") || segment === "") break;
    literalSegments++;
  }
  return { literalSegments, replacement: rewrite.replace(/\/+$/, "") };
}

/** Applies a rewrite to a request target (path with optional query). */
export function applyPathRewrite(target: string, rewrite: PathRewrite): string {
  const queryAt = target.indexOf("?");
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? "" : target.slice(queryAt);
  let cut = 0;
  for (let i = 0; i < rewrite.literalSegments; i++) {
    const next = path.indexOf("/", cut + 1);
    cut = next === -1 ? path.length : next;
  }
  const rewritten = rewrite.replacement + path.slice(cut);
  return (rewritten.startsWith("/") ? rewritten : "/" + rewritten) + query;
}
