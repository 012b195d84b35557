// Relative file paths mean "relative to the file that declared them"; the rest of the proxy only sees absolute paths.
import path from "node:path";
import type { ConfigDirFile, NylonConfig } from "./schema.js";

type FileReferences = Pick<ConfigDirFile, "plugins" | "services" | "tls">;

/** Plugin files, static roots and TLS certificate files made absolute against `baseDir`. */
export function resolveProxyPaths<Part extends FileReferences>(part: Part, baseDir: string): Part {
  const absolute = (file: string) => path.resolve(baseDir, file);
  return {
    ...part,
    plugins: part.plugins.map((plugin) => ({ ...plugin, file: absolute(plugin.file) })),
    services: part.services.map((service) =>
      service.service_type === "static" ? { ...service, static: { ...service.static, root: absolute(service.static.root) } } : service,
    ),
    tls: part.tls.map((certificate) => ({
      ...certificate,
      cert: absolute(certificate.cert),
      key: absolute(certificate.key),
      ...(certificate.chain === undefined ? {} : { chain: certificate.chain.map(absolute) }),
    })),
  };
}

/** config_dir and the Redis TLS files of the main file, plus its proxy keys. */
export function resolveMainPaths(config: NylonConfig, baseDir: string): NylonConfig {
  const absolute = (file: string) => path.resolve(baseDir, file);
  const resolved = resolveProxyPaths(config, baseDir);
  if (config.config_dir !== undefined) resolved.config_dir = absolute(config.config_dir);
  const redis = config.websocket.redis;
  if (redis !== undefined && typeof redis.tls === "object") {
    const tls = { ...redis.tls };
    for (const key of ["ca", "cert", "key"] as const) {
      const file = tls[key];
      if (file !== undefined) tls[key] = absolute(file);
    }
    resolved.websocket = { ...config.websocket, redis: { ...redis, tls } };
  }
  return resolved;
}
