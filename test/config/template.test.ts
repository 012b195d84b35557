import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NylonError } from "../../runtime/errors.js";
import { compilePayload, compileTemplate, renderPayload, type TemplateContext } from "../../runtime/config/template.js";

const headers: Record<string, string> = { "x-id": "abc", "x-env": "prod", accept: "text/html" };
const queries: Record<string, string> = { page: "2", empty: "" };
const cookies: Record<string, string> = { session: "s3cr3t" };
const params: Record<string, string> = { room: "lobby" };

const context: TemplateContext = {
  header: (name) => headers[name.toLowerCase()],
  clientIp: "203.0.113.7",
  host: "example.com",
  tls: true,
  method: "POST",
  path: "/api/items",
  query: (name) => queries[name],
  cookie: (name) => cookies[name],
  param: (name) => params[name],
};

const render = (text: string) => compileTemplate(text)(context);

describe("template functions (reference §4)", () => {
  const cases: [string, string][] = [
    ["${client_ip}", "203.0.113.7"],
    ["${host}", "example.com"],
    ["${tls}", "true"],
    ["${header(x-id)}", "abc"],
    ["${header(X-ID)}", "abc"],
    ["${header('x-id')}", "abc"],
    ['${header("x-id")}', "abc"],
    ["${header(missing)}", ""],
    ["${query(page)}", "2"],
    ["${query(nope, 1)}", "1"],
    ["${query(empty, 'default')}", "default"],
    ["${cookie(session)}", "s3cr3t"],
    ["${cookie(lang, en)}", "en"],
    ["${param(room)}", "lobby"],
    ["${params(room)}", "lobby"],
    ["${param(other, header(x-id))}", "abc"],
    ["${request(client_ip)}", "203.0.113.7"],
    ["${request(host)}", "example.com"],
    ["${request(tls)}", "true"],
    ["${request(method)}", "POST"],
    ["${request(path)}", "/api/items"],
    ["${request(scheme)}", "https"],
    ["${or(header(missing), query(empty), 'fallback')}", "fallback"],
    ["${or(header(x-id), 'fallback')}", "abc"],
    ["${eq(header(x-env), prod)}", "prod"],
    ["${eq(header(x-env), 'prod', 'yes')}", "yes"],
    ["${eq(header(x-env), dev, yes)}", ""],
    ["${neq(header(x-env), dev, 'not-dev')}", "not-dev"],
    ["${neq(header(x-env), prod)}", ""],
    ["${concat(request(scheme), '://', host, request(path))}", "https://example.com/api/items"],
    ["${upper(header(x-env))}", "PROD"],
    ["${lower('ÄB')}", "äb"],
    ["${len('héllo')}", "6"],
    ["${if_cond(header(x-id), 'has id', 'no id')}", "has id"],
    ["${if_cond(header(missing), 'has id', 'no id')}", "no id"],
    ["Bearer ${cookie(session)} from ${client_ip}", "Bearer s3cr3t from 203.0.113.7"],
    ["${ concat( 'a' , 'b' ) }", "ab"],
    ["${'}'}", "}"],
    ["no template $ here", "no template $ here"],
  ];
  for (const [template, expected] of cases) {
    it(`${template} -> ${JSON.stringify(expected)}`, () => assert.equal(render(template), expected));
  }

  it("${env(NAME)} reads the process environment", () => {
    process.env.NYLON_TEMPLATE_TEST = "from-env";
    assert.equal(render("${env(NYLON_TEMPLATE_TEST)}"), "from-env");
    assert.equal(render("${env(NYLON_TEMPLATE_TEST_UNSET)}"), "");
  });

  it("${uuid(v4)} and ${uuid(v7)} give fresh UUIDs of that version", () => {
    const v4 = render("${uuid(v4)}");
    const v7 = render("${uuid(v7)}");
    assert.match(v4, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(v7, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(render("${uuid(v4)}"), v4);
    const milliseconds = parseInt(v7.replace(/-/g, "").slice(0, 12), 16);
    assert.ok(Math.abs(milliseconds - Date.now()) < 5000, "a v7 UUID starts with the current time");
  });

  it("${timestamp()} is RFC 3339 UTC with milliseconds", () => {
    const value = render("${timestamp()}");
    assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(value) - Date.now()) < 5000);
  });
});

describe("template errors are found when compiling", () => {
  const broken: [string, RegExp][] = [
    ["${heder(x)}", /unknown template function "heder" \(did you mean "header"\?\)/],
    ["${hots}", /unknown name "hots" \(did you mean "host"\?\)/],
    ["${header(x-id}", /expected "," or "\)"/],
    ["${header(x-id)", /expected "}" to close "\$\{"/],
    ["${'open}", /expected a closing '/],
    ["${}", /expected a name, a function call or a quoted 'literal'/],
    ["${if_cond(a, b)}", /if_cond\(condition, then, else\) called with 2 argument/],
    ["${timestamp(now)}", /timestamp\(\) called with 1 argument/],
    ["${uuid(v5)}", /"v5" is not one of v4, v7/],
    ["${request(url)}", /"url" is not one of client_ip, host, tls, method, path, scheme/],
    ["${header(concat(a, b))}", /the argument must be a name/],
  ];
  for (const [template, message] of broken) {
    it(template, () => assert.throws(() => compileTemplate(template), message));
  }

  it("compilePayload refuses a bad template with NYLON_E_CONFIG", () => {
    assert.throws(() => compilePayload({ a: ["${nope()}"] }), (error: unknown) => error instanceof NylonError && error.code === "NYLON_E_CONFIG");
  });
});

describe("payload rendering", () => {
  it("renders every templated leaf to a string and keeps other values", () => {
    const payload = {
      set: [{ name: "x-request-id", value: "${header(x-id)}" }, { name: "x-static", value: "plain" }],
      remove: ["x-version"],
      nested: { count: 3, enabled: true, nothing: null, url: "${request(scheme)}://${host}" },
    };
    const compiled = compilePayload(payload);
    const rendered = renderPayload(compiled, context) as typeof payload;
    assert.deepEqual(rendered, {
      set: [{ name: "x-request-id", value: "abc" }, { name: "x-static", value: "plain" }],
      remove: ["x-version"],
      nested: { count: 3, enabled: true, nothing: null, url: "https://example.com" },
    });
    assert.equal(rendered.remove, payload.remove, "untemplated subtrees are shared, not copied");
    assert.equal(payload.set[0]?.value, "${header(x-id)}", "the source payload is not changed");
  });

  it("returns the very same object when the payload has no template", () => {
    const payload = { set: [{ name: "a", value: "b" }] };
    assert.equal(renderPayload(compilePayload(payload), context), payload);
    assert.equal(renderPayload(compilePayload(undefined), context), undefined);
    assert.equal(renderPayload(compilePayload("${host}"), context), "example.com");
  });
});
