// Preloaded with `node --import <this file>`: the plugin toolchain's packages cannot be found, as in an
// install made with `npm install --omit=optional`. Everything else resolves as usual.
import { register } from "node:module";

register(new URL("./without-toolchain-hooks.js", import.meta.url));
