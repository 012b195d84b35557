import { SourceMap, type SourceMapPayload } from "node:module";
import { ByteReader, encodeName, encodeU32 } from "./sandbox/wasm-bytes.js";

// A TypeScript plugin runs as one bundled module inside QuickJS, so its stack frames say
// `componentize-qjs:user.js:472:35`. The build keeps the bundle's source map inside the component,
// as a custom section, and the host maps those positions back to the plugin's sources
// (`plugin.ts:11:5`) in what the plugin logs and in build errors. Inside the component rather than
// beside it: a .wasm is copied, deployed and reloaded as one file, so its map can neither go missing
// nor belong to another build; a custom section changes nothing the component does.

/** The custom section's name. */
export const SOURCE_MAP_SECTION = "nylon:source-map";

/** Where QuickJS says a frame of the bundled module is. */
const BUNDLE_POSITION = /componentize-qjs:user\.js:(\d+):(\d+)/g;

/** `component` with the source map appended as a custom section (valid anywhere among a component's sections). */
export function withSourceMapSection(component: Uint8Array, map: SourceMapPayload): Uint8Array {
  const payload = Buffer.concat([encodeName(SOURCE_MAP_SECTION), Buffer.from(JSON.stringify(map))]);
  return Buffer.concat([component, Uint8Array.of(0), encodeU32(payload.length), payload]);
}

/** The source map a component carries, if it has one. */
export function sourceMapIn(component: Uint8Array): SourceMapPayload | undefined {
  try {
    const r = new ByteReader(component, 8); // after the magic and the version/layer
    while (!r.done) {
      const id = r.byte();
      const size = r.u32();
      const end = r.pos + size;
      if (id === 0 && r.name() === SOURCE_MAP_SECTION) return JSON.parse(Buffer.from(component.subarray(r.pos, end)).toString("utf8")) as SourceMapPayload;
      r.skip(end - r.pos);
    }
  } catch {
    // a damaged section or map only costs the mapping
  }
  return undefined;
}

/** Rewrites every bundle position in `text` to the plugin source it came from. */
export type StackMapper = (text: string) => string;

export function stackMapper(map: SourceMapPayload): StackMapper {
  const sourceMap = new SourceMap(map);
  return (text) =>
    text.replace(BUNDLE_POSITION, (whole, line: string, column: string) => {
      const origin = sourceMap.findOrigin(Number(line), Number(column));
      if (!("fileName" in origin)) return whole;
      return `${displayName(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}`;
    });
}

/** The map's paths are relative to the plugin's folder; the SDK's own files are shown as `@nylon/sdk/...`. */
function displayName(source: string): string {
  const sdk = /(?:^|\/)sdk-wit\/ts\/(.+)$/.exec(source);
  return sdk ? `@nylon/sdk/${sdk[1]}` : source;
}
