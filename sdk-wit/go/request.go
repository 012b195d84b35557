package sdk

import (
	"net/url"
	"strings"
)

// Request is the client's request as the host sees it in the current phase.
type Request struct {
	req uint32
}

// Headers are request headers by lower-case name; several values of one name are joined with ", ".
type Headers struct {
	headers map[string]string
}

func headersFrom(list []header) *Headers {
	h := &Headers{headers: make(map[string]string, len(list))}
	for _, kv := range list {
		key := strings.ToLower(kv.name)
		if prev, ok := h.headers[key]; ok {
			h.headers[key] = prev + ", " + kv.value
		} else {
			h.headers[key] = kv.value
		}
	}
	return h
}

// pairMap is a list of name/value pairs as a map (a later pair of the same name wins).
func pairMap(list []header) map[string]string {
	out := make(map[string]string, len(list))
	for _, kv := range list {
		out[kv.name] = kv.value
	}
	return out
}

// Get is one header's value, or "" when absent; the name is case-insensitive.
func (h *Headers) Get(key string) string { return h.headers[strings.ToLower(key)] }

// GetAll is every header by lower-case name.
func (h *Headers) GetAll() map[string]string { return h.headers }

// URL is scheme://host[:port]/path?query.
func (r *Request) URL() string { return host.RequestURL(r.req) }

// Path is the path, without the query.
func (r *Request) Path() string { return host.RequestPath(r.req) }

// Query is the raw query string, without "?".
func (r *Request) Query() string { return host.RequestQuery(r.req) }

// QueryParam is one query parameter, decoded, or "" when absent.
func (r *Request) QueryParam(name string) string {
	values, _ := url.ParseQuery(r.Query())
	return values.Get(name)
}

// Params are the route's path parameters, percent-decoded.
func (r *Request) Params() map[string]string { return pairMap(host.RequestParams(r.req)) }

// Header is one header's value, or "" when the request does not carry it (case-insensitive).
func (r *Request) Header(key string) string {
	value, _ := host.RequestHeader(r.req, key)
	return value
}

// Headers is every header of the request.
func (r *Request) Headers() *Headers { return headersFrom(host.RequestHeaders(r.req)) }

// Method is the request's method.
func (r *Request) Method() string { return host.RequestMethod(r.req) }

// Host is the Host, without the port.
func (r *Request) Host() string { return host.RequestHost(r.req) }

// ClientIP is the peer's address (X-Forwarded-For only from trusted proxies).
func (r *Request) ClientIP() string { return host.RequestClientIP(r.req) }

// RawBody is the whole request body; nil when it is over the proxy's cap (see Body).
func (r *Request) RawBody() []byte {
	body, _ := r.Body()
	return body
}

// Body is the whole request body, or NYLON_E_BODY_TOO_LARGE when it is over the proxy's cap (the
// client then gets 413 unless the plugin answers itself).
func (r *Request) Body() ([]byte, error) { return host.RequestBody(r.req) }

// Bytes is the body's length (Content-Length while the body is not read).
func (r *Request) Bytes() int64 { return int64(host.RequestBytes(r.req)) }

// Timestamp is when the request arrived, in milliseconds since the epoch.
func (r *Request) Timestamp() int64 { return int64(host.RequestTimestampMs(r.req)) }

// SetHeader sets a header on the request that goes upstream.
func (r *Request) SetHeader(key, value string) error { return host.RequestSetHeader(r.req, key, value) }

// RemoveHeader removes a header from the request that goes upstream.
func (r *Request) RemoveHeader(key string) { host.RequestRemoveHeader(r.req, key) }
