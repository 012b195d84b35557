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
      chain: certificate.chain?.map(absolute),
    })),
  };
}

/** config_dir and the Redis TLS files of the main file, plus its proxy keys. */
export function resolveMainPaths(config: NylonConfig, baseDir: string): NylonConfig {
  const absolute = (file: string | undefined) => (file === undefined ? undefined : path.resolve(baseDir, file));
  const redis = config.websocket.redis;
  const redisTls = redis?.tls;
  return {
    ...resolveProxyPaths(config, baseDir),
    config_dir: absolute(config.config_dir),
    websocket: {
      ...config.websocket,
      redis:
        redis === undefined || typeof redisTls !== "object"
          ? redis
          : { ...redis, tls: { ...redisTls, ca: absolute(redisTls.ca), cert: absolute(redisTls.cert), key: absolute(redisTls.key) } },
    },
  };
}
