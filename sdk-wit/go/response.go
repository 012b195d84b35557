package sdk

import "encoding/json"

// Response is the response: built by the plugin (then End), or the upstream's in later phases.
type Response struct {
	req uint32
}

// ResponseStream is a chunked (streamed) response, e.g. server-sent events. It is an io.Writer.
type ResponseStream struct {
	req uint32
}

// SetStatus sets the status (100-999).
func (r *Response) SetStatus(status uint16) error { return host.ResponseSetStatus(r.req, status) }

// SetHeader sets (replaces) a response header; CR, LF and other invalid characters are refused.
// Content-Length, Transfer-Encoding and Connection are the proxy's: setting them is accepted and
// ignored.
func (r *Response) SetHeader(key, value string) error {
	return host.ResponseSetHeader(r.req, key, value)
}

// RemoveHeader removes a response header.
func (r *Response) RemoveHeader(key string) { host.ResponseRemoveHeader(r.req, key) }

// BodyRaw sets the body (End sends it in a request filter; in a body filter it replaces the body).
func (r *Response) BodyRaw(body []byte) { host.ResponseSetBody(r.req, body) }

// BodyJSON sets the body to v as JSON, with Content-Type: application/json.
func (r *Response) BodyJSON(v any) *Response {
	body, err := json.Marshal(v)
	if err != nil {
		panic("BodyJSON: " + err.Error())
	}
	r.SetHeader(HeaderContentType, ContentTypeJSON)
	r.BodyRaw(body)
	return r
}

// BodyText sets a text/plain body.
func (r *Response) BodyText(s string) *Response {
	r.SetHeader(HeaderContentType, ContentTypeText)
	r.BodyRaw([]byte(s))
	return r
}

// BodyHTML sets a text/html body.
func (r *Response) BodyHTML(s string) *Response {
	r.SetHeader(HeaderContentType, ContentTypeHTML)
	r.BodyRaw([]byte(s))
	return r
}

// Redirect sets the status (default 302), Location and an empty body; the caller still calls End.
func (r *Response) Redirect(url string, code ...uint16) *Response {
	status := uint16(StatusFound)
	if len(code) > 0 {
		status = code[0]
	}
	r.SetStatus(status)
	r.SetHeader(HeaderLocation, url)
	r.BodyRaw([]byte{})
	return r
}

// ReadBody is the body as it stands in this phase (in a body filter: the upstream's whole body).
func (r *Response) ReadBody() []byte { return host.ResponseBody(r.req) }

// Status is the status as it stands (the upstream's in the response phases).
func (r *Response) Status() int { return int(host.ResponseStatus(r.req)) }

// Headers are the response's headers as they stand (the upstream's in the response phases).
func (r *Response) Headers() map[string]string { return pairMap(host.ResponseHeaders(r.req)) }

// Bytes is the body bytes sent (logging) or set.
func (r *Response) Bytes() int64 { return int64(host.ResponseBytes(r.req)) }

// Duration is the milliseconds since the request arrived.
func (r *Response) Duration() int64 { return int64(host.ResponseDurationMs(r.req)) }

// Error is why the request failed (logging phase), or "".
func (r *Response) Error() string {
	text, _ := host.ResponseError(r.req)
	return text
}

// Stream sends the status and headers set so far and starts a chunked body (request filter of an
// HTTP request only). Write chunks, then End; the stream may go on from timers after the filter
// returned.
func (r *Response) Stream() (*ResponseStream, error) {
	if err := host.ResponseStreamStart(r.req); err != nil {
		return nil, err
	}
	return &ResponseStream{req: r.req}, nil
}

// Write sends one chunk at once.
func (s *ResponseStream) Write(p []byte) (int, error) {
	if err := host.ResponseStreamWrite(s.req, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// End completes the stream; the request finishes.
func (s *ResponseStream) End() error { return host.ResponseStreamEnd(s.req) }
