// The configurations bench/startup starts nylon with, each with the request that proves it serves and
// the check of its answer. Files are written into a temporary folder with free ports.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { pluginWasmPath, repoRoot } from "./repo-paths.js";

export interface Probe {
  port: number;
  host?: string;
  path: string;
  /** Why the answer is not the right one, or null when it is. */
  check(status: number, headers: Record<string, string | string[] | undefined>, body: string): string | null;
}

export interface StartupConfig {
  name: string;
  description: string;
  file: string;
  probe: Probe;
}

/** The seven plugins of the demo, under the names its nylon.yaml gives them. */
const DEMO_PLUGINS: Record<string, string> = {
  echo: "echo",
  chat: "chat",
  "multi-chat": "multi-chat",
  "json-ws": "json-ws",
  "auth-ws": "auth-ws",
  "rate-limited-ws": "rate-limited-ws",
  headers: "security-headers",
};

/** What a plugin's init needs, as in the demo. */
const PLUGIN_CONFIG: Record<string, string> = { "auth-ws": `, config: { tokens: ["secret-token"] }` };

export const CONFIG_NAMES = ["none", "one-plugin", "seven-plugins", "demo"] as const;
export type ConfigName = (typeof CONFIG_NAMES)[number];

const webRoot = join(repoRoot, "web");

function staticRoute(port: number, plugins: string[]): string {
  const middleware = plugins.includes("headers")
    ? `middleware_groups:\n  secure: [{ plugin: headers, entry: security, payload: { hsts_max_age: 0 } }]\n`
    : "";
  return [
    `http: ["127.0.0.1:${port}"]`,
    plugins.length === 0 ? "" : `plugins:\n${plugins.map((p) => `  - { name: ${p}, type: wasm, file: ${JSON.stringify(pluginWasmPath(DEMO_PLUGINS[p]!))}${PLUGIN_CONFIG[p] ?? ""} }`).join("\n")}`,
    `services:\n  - { name: web, service_type: static, static: { root: ${JSON.stringify(webRoot)}, index: index.html } }`,
    middleware,
    `routes:\n  - name: web\n    route: { type: host, value: "*" }${middleware ? "\n    middleware: [{ group: secure }]" : ""}\n    paths: [{ path: "/{*path}", service: { name: web } }]`,
  ].join("\n");
}

const servesIndex = (withPluginHeader: boolean) => (status: number, headers: Record<string, unknown>, body: string) => {
  if (status !== 200) return `status ${status}`;
  if (!body.includes("<html")) return "not the index page";
  if (withPluginHeader && headers["x-content-type-options"] !== "nosniff") return "no header from the security-headers plugin";
  return null;
};

export async function writeStartupConfig(name: ConfigName, dir: string): Promise<StartupConfig> {
  const port = await freePort();
  const file = join(dir, `${name}.yaml`);
  switch (name) {
    case "none":
      writeFileSync(file, staticRoute(port, []));
      return { name, description: "one static route, no plugin", file, probe: { port, path: "/", check: servesIndex(false) } };
    case "one-plugin":
      writeFileSync(file, staticRoute(port, ["headers"]));
      return {
        name,
        description: "one static route behind one TypeScript plugin (security-headers, response filter)",
        file,
        probe: { port, path: "/", check: servesIndex(true) },
      };
    case "seven-plugins":
      writeFileSync(file, staticRoute(port, Object.keys(DEMO_PLUGINS)));
      return {
        name,
        description: "the same route, with the demo's seven plugins loaded",
        file,
        probe: { port, path: "/", check: servesIndex(true) },
      };
    case "demo": {
      // The repository's nylon.yaml on free ports, its relative paths made absolute.
      const upstream = await freePort();
      const yaml = readFileSync(join(repoRoot, "nylon.yaml"), "utf8")
        .replaceAll("127.0.0.1:8080", `127.0.0.1:${port}`)
        .replaceAll("127.0.0.1:8081", `127.0.0.1:${upstream}`)
        .replaceAll("port: 8081", `port: ${upstream}`)
        .replaceAll("./plugins/", `${repoRoot}/plugins/`)
        .replaceAll("./web", `${repoRoot}/web`);
      writeFileSync(file, yaml);
      return {
        name,
        description: "the demo's nylon.yaml (seven plugins; the API request goes through middleware and the upstream)",
        file,
        probe: {
          port,
          host: "api.localhost",
          path: "/users.json",
          check: (status, headers, body) => {
            if (status !== 200) return `status ${status}`;
            if (headers["x-content-type-options"] !== "nosniff") return "no header from the security-headers plugin";
            return body.trimStart().startsWith("[") || body.trimStart().startsWith("{") ? null : "not the upstream's JSON";
          },
        },
      };
    }
  }
}
