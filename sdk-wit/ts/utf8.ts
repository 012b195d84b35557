// UTF-8 and query-string helpers. The QuickJS runtime plugins run in has no TextEncoder,
// TextDecoder or URLSearchParams, so the SDK carries these few lines itself.

export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

export function decodeUtf8(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let c: number;
    let n: number;
    if (b < 0x80) [c, n] = [b, 1];
    else if (b >= 0xc2 && b < 0xe0) [c, n] = [b & 0x1f, 2];
    else if (b >= 0xe0 && b < 0xf0) [c, n] = [b & 0x0f, 3];
    else if (b >= 0xf0 && b < 0xf5) [c, n] = [b & 0x07, 4];
    else [c, n] = [0xfffd, 0];
    if (n === 0 || i + n > bytes.length) {
      out += "\ufffd";
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; k < n; k++) {
      const cont = bytes[i + k]!;
      if ((cont & 0xc0) !== 0x80) ok = false;
      c = (c << 6) | (cont & 63);
    }
    if (!ok || (n === 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n === 4 && (c < 0x10000 || c > 0x10ffff))) {
      out += "\ufffd";
      i++;
      continue;
    }
    out += String.fromCodePoint(c);
    i += n;
  }
  return out;
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** The first value of `name` in a raw query string ("a=1&b=2"), decoded; undefined when absent. */
export function queryValue(query: string, name: string): string | undefined {
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    if (key === name) return eq < 0 ? "" : decodeComponent(pair.slice(eq + 1));
  }
  return undefined;
}
