/** What a template may read from the request being handled. */
export interface TemplateContext {
  /** First value of a request header, looked up case-insensitively. */
  header(name: string): string | undefined;
  clientIp: string;
  /** Host without the port. */
  host: string;
  tls: boolean;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Decoded query parameter (first occurrence). */
  query(name: string): string | undefined;
  /** Decoded cookie value. */
  cookie(name: string): string | undefined;
  /** Route parameter captured by the path pattern. */
  param(name: string): string | undefined;
}

/** A compiled `${...}` expression or templated string. */
export type RenderString = (context: TemplateContext) => string;
