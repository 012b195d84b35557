package sdk

import (
	"encoding/json"
	"strings"
	"time"
)

// OutboundRequest is an HTTP request a plugin sends with Fetch.
type OutboundRequest struct {
	Method string // default GET
	URL    string // its origin must be listed in the plugin's allowed_outbound_hosts
	Header map[string]string
	Body   []byte
	// Timeout bounds the whole call; 0 or more than the plugin's limits.outbound_timeout_ms means that limit.
	Timeout time.Duration
	// FollowRedirects follows 3xx answers to origins that are allowed too; otherwise the 3xx is the answer.
	FollowRedirects bool
}

// OutboundResponse is an upstream's answer: any status (a 404 or 500 is an answer, not an error).
type OutboundResponse struct {
	Status int
	// Header holds each header's values by lower-case name.
	Header map[string][]string
	Body   []byte
}

// Get is a header's first value ("" when absent; names are case-insensitive).
func (r *OutboundResponse) Get(name string) string {
	if values := r.Header[strings.ToLower(name)]; len(values) > 0 {
		return values[0]
	}
	return ""
}

// JSON decodes the body into v as encoding/json does.
func (r *OutboundResponse) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// Fetch sends req and calls done with the answer, later (after the current callback has returned). A
// refused host, a timeout, a response over the size limit or a connection failure is done's error.
// Started from a request filter, the phase waits for it.
func Fetch(req OutboundRequest, done func(resp *OutboundResponse, err error)) {
	method := req.Method
	if method == "" {
		method = "GET"
	}
	headers := make([]header, 0, len(req.Header))
	for name, value := range req.Header {
		headers = append(headers, header{name: name, value: value})
	}
	outbound := outboundRequest{method: method, url: req.URL, headers: headers, body: req.Body, timeout: ttlArg(req.Timeout), followRedirects: req.FollowRedirects}
	startOperation(func() (uint32, error) { return host.HTTPRequest(outbound) }, func(r opResult) {
		switch r.kind {
		case opResponse:
			resp := &OutboundResponse{Status: int(r.status), Header: map[string][]string{}, Body: r.body}
			for _, h := range r.headers {
				resp.Header[h.name] = append(resp.Header[h.name], h.value)
			}
			done(resp, nil)
		case opFailed:
			done(nil, r.err)
		default:
			done(nil, unexpected(r, "response"))
		}
	})
}
