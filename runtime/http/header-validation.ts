// RFC 9110 token and field-value rules. A plugin or a config cannot smuggle CR/LF into a response
// (response splitting) or set a header Node would reject mid-response.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, space, tab and obs-text; no CR, LF or NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A request method is a token too (RFC 9110 §9.1): "GE T" is not one. */
export function methodError(method: string): string | null {
  return TOKEN.test(method) ? null : `method ${JSON.stringify(method.slice(0, 64))} is not an HTTP token (letters, digits and !#$%&'*+-.^_\`|~, no spaces)`;
}

export function headerNameError(name: string): string | null {
  if (name.length === 0) return "header name is empty";
  if (name.length > 256) return "header name is longer than 256 characters";
  return TOKEN.test(name) ? null : `header name ${JSON.stringify(name.slice(0, 64))} has invalid characters`;
}

export function headerValueError(value: string): string | null {
  if (value.length > 16384) return "header value is longer than 16384 characters";
  return FIELD_VALUE.test(value) ? null : "header value contains CR, LF, NUL or other invalid characters";
}

/** Headers a plugin may not set on a response: the host computes them. */
export const HOST_MANAGED_RESPONSE_HEADERS = new Set(["content-length", "transfer-encoding", "connection"]);
