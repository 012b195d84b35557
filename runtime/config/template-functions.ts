// Turns parsed template expressions into closures, checking names and arities once, at load time.
import { randomBytes, randomUUID } from "node:crypto";
import { didYouMean } from "./suggest.js";
import type { RenderString, TemplateContext } from "./template-context.js";
import { TemplateSyntaxError, type TemplateExpression } from "./template-syntax.js";

const VARIABLES: Record<string, RenderString> = {
  client_ip: (context) => context.clientIp,
  host: (context) => context.host,
  tls: (context) => String(context.tls),
};

const REQUEST_FIELDS: Record<string, RenderString> = {
  ...VARIABLES,
  method: (context) => context.method,
  path: (context) => context.path,
  scheme: (context) => (context.tls ? "https" : "http"),
};

/** RFC 9562 version 7: 48-bit Unix milliseconds, then random bits, with version and variant set. */
function uuidV7(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_VERSIONS: Record<string, RenderString> = { v4: () => randomUUID(), v7: uuidV7 };

interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  usage: string;
  compile(args: TemplateExpression[]): RenderString;
}

/** A name argument (header name, query key, ...): a bare word or a quoted literal. */
function nameArgument(expression: TemplateExpression | undefined, usage: string): string {
  if (expression?.kind === "word" || expression?.kind === "literal") {
    return expression.kind === "word" ? expression.name : expression.value;
  }
  throw new TemplateSyntaxError(`${usage}: the argument must be a name, not a function call`);
}

/** One choice among a fixed set (request field, uuid version). */
function choiceArgument(expression: TemplateExpression | undefined, choices: Record<string, RenderString>, usage: string): RenderString {
  const name = nameArgument(expression, usage);
  const render = choices[name];
  if (render === undefined) {
    const allowed = Object.keys(choices);
    throw new TemplateSyntaxError(`${usage}: "${name}" is not one of ${allowed.join(", ")}${didYouMean(name, allowed)}`);
  }
  return render;
}

/** A lookup by name with an optional fallback expression, used when the value is missing or empty. */
function lookupWithDefault(lookup: (context: TemplateContext, name: string) => string | undefined, usage: string) {
  return (args: TemplateExpression[]): RenderString => {
    const name = nameArgument(args[0], usage);
    const fallback = args[1] === undefined ? () => "" : compileArgument(args[1]);
    return (context) => lookup(context, name) || fallback(context);
  };
}

/** eq/neq: the third argument (or the first) when the comparison holds, else "". */
function comparison(holds: (a: string, b: string) => boolean) {
  return ([a, b, value]: TemplateExpression[]): RenderString => {
    const left = compileArgument(a);
    const right = compileArgument(b);
    const result = value === undefined ? left : compileArgument(value);
    return (context) => (holds(left(context), right(context)) ? result(context) : "");
  };
}

function unary(map: (value: string) => string) {
  return ([argument]: TemplateExpression[]): RenderString => {
    const inner = compileArgument(argument);
    return (context) => map(inner(context));
  };
}

const ANY = Infinity;

const lookupParam = lookupWithDefault((context, name) => context.param(name), "param(name[, default])");

const FUNCTIONS: Record<string, FunctionSpec> = {
  header: {
    minArgs: 1, maxArgs: 1, usage: "header(name)",
    compile: (args) => {
      const name = nameArgument(args[0], "header(name)");
      return (context) => context.header(name) ?? "";
    },
  },
  query: { minArgs: 1, maxArgs: 2, usage: "query(name[, default])", compile: lookupWithDefault((context, name) => context.query(name), "query(name[, default])") },
  cookie: { minArgs: 1, maxArgs: 2, usage: "cookie(name[, default])", compile: lookupWithDefault((context, name) => context.cookie(name), "cookie(name[, default])") },
  param: { minArgs: 1, maxArgs: 2, usage: "param(name[, default])", compile: lookupParam },
  params: { minArgs: 1, maxArgs: 2, usage: "params(name[, default])", compile: lookupParam },
  request: {
    minArgs: 1, maxArgs: 1, usage: "request(client_ip|host|tls|method|path|scheme)",
    compile: (args) => choiceArgument(args[0], REQUEST_FIELDS, "request(field)"),
  },
  env: {
    minArgs: 1, maxArgs: 1, usage: "env(NAME)",
    compile: (args) => {
      const name = nameArgument(args[0], "env(NAME)");
      return () => process.env[name] ?? "";
    },
  },
  uuid: { minArgs: 1, maxArgs: 1, usage: "uuid(v4|v7)", compile: (args) => choiceArgument(args[0], UUID_VERSIONS, "uuid(version)") },
  timestamp: { minArgs: 0, maxArgs: 0, usage: "timestamp()", compile: () => () => new Date().toISOString() },
  or: {
    minArgs: 1, maxArgs: ANY, usage: "or(a, b, ...)",
    compile: (args) => {
      const options = args.map(compileArgument);
      return (context) => {
        for (const option of options) {
          const value = option(context);
          if (value !== "") return value;
        }
        return "";
      };
    },
  },
  eq: { minArgs: 2, maxArgs: 3, usage: "eq(a, b[, value])", compile: comparison((a, b) => a === b) },
  neq: { minArgs: 2, maxArgs: 3, usage: "neq(a, b[, value])", compile: comparison((a, b) => a !== b) },
  concat: {
    minArgs: 0, maxArgs: ANY, usage: "concat(a, b, ...)",
    compile: (args) => {
      const pieces = args.map(compileArgument);
      return (context) => pieces.map((piece) => piece(context)).join("");
    },
  },
  upper: { minArgs: 1, maxArgs: 1, usage: "upper(x)", compile: unary((value) => value.toUpperCase()) },
  lower: { minArgs: 1, maxArgs: 1, usage: "lower(x)", compile: unary((value) => value.toLowerCase()) },
  len: { minArgs: 1, maxArgs: 1, usage: "len(x)", compile: unary((value) => String(Buffer.byteLength(value))) },
  if_cond: {
    minArgs: 3, maxArgs: 3, usage: "if_cond(condition, then, else)",
    compile: (args) => {
      const [condition, then, otherwise] = args.map(compileArgument) as [RenderString, RenderString, RenderString];
      return (context) => (condition(context) !== "" ? then(context) : otherwise(context));
    },
  },
};

export const TEMPLATE_FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);
export const TEMPLATE_VARIABLE_NAMES: readonly string[] = Object.keys(VARIABLES);

function compileCall(name: string, args: TemplateExpression[]): RenderString {
  const spec = FUNCTIONS[name];
  if (spec === undefined) {
    throw new TemplateSyntaxError(
      `unknown template function "${name}"${didYouMean(name, TEMPLATE_FUNCTION_NAMES)}; known functions: ${TEMPLATE_FUNCTION_NAMES.join(", ")}`,
    );
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    throw new TemplateSyntaxError(`${spec.usage} called with ${args.length} argument(s)`);
  }
  return spec.compile(args);
}

/**
 * A bare word is client_ip, host or tls. As a function argument any other word is literal text
 * (query(page, 1), eq(header(x-env), prod)); alone, as in "${hots}", it is almost surely a typo: an error.
 */
function compileWord(name: string, isArgument: boolean): RenderString {
  const variable = VARIABLES[name];
  if (variable !== undefined) return variable;
  if (isArgument) return () => name;
  throw new TemplateSyntaxError(
    `unknown name "${name}"${didYouMean(name, [...TEMPLATE_VARIABLE_NAMES, ...TEMPLATE_FUNCTION_NAMES])}; ` +
      `a bare name must be one of ${TEMPLATE_VARIABLE_NAMES.join(", ")}, or a function call such as header(${name})`,
  );
}

/** Compiles a `${...}` expression to a closure; throws TemplateSyntaxError on unknown names or wrong arities. */
export function compileTemplateExpression(expression: TemplateExpression): RenderString {
  return expression.kind === "word" ? compileWord(expression.name, false) : compileArgument(expression);
}

/** Compiles a function argument. */
function compileArgument(expression: TemplateExpression | undefined): RenderString {
  if (expression === undefined) return () => "";
  switch (expression.kind) {
    case "literal": {
      const value = expression.value;
      return () => value;
    }
    case "word":
      return compileWord(expression.name, true);
    case "call":
      return compileCall(expression.name, expression.args);
  }
}
