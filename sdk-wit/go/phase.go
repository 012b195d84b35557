package sdk

import "encoding/json"

// PhaseHandler holds the phase handlers one entry registers for one request. The closures may share
// per-request state: the function given to AddPhaseHandler runs once per request.
type PhaseHandler struct {
	// SessionId is the host's handle of the request (Nylon's session id).
	SessionId int32

	requestFilter      func(*PhaseRequestFilter)
	responseFilter     func(*PhaseResponseFilter)
	responseBodyFilter func(*PhaseResponseBodyFilter)
	logging            func(*PhaseLogging)
}

// RequestFilter runs before the service: it may answer (End), upgrade to a WebSocket, or pass on (Next).
func (p *PhaseHandler) RequestFilter(fn func(ctx *PhaseRequestFilter)) { p.requestFilter = fn }

// ResponseFilter runs when the response's status and headers are known.
func (p *PhaseHandler) ResponseFilter(fn func(ctx *PhaseResponseFilter)) { p.responseFilter = fn }

// ResponseBodyFilter runs on the whole response body (read it with ReadBody, replace it with BodyRaw).
func (p *PhaseHandler) ResponseBodyFilter(fn func(ctx *PhaseResponseBodyFilter)) {
	p.responseBodyFilter = fn
}

// Logging runs after the response was sent.
func (p *PhaseHandler) Logging(fn func(ctx *PhaseLogging)) { p.logging = fn }

// decision is what a phase handler chose; the WIT enum phase-result in its declaration order.
type decision uint32

const (
	decisionUnset decision = iota
	decisionNext
	decisionEnd
	decisionFailed
	// decisionPending: the phase waits for its operations; a callback decides it with resume-phase.
	decisionPending
)

// phaseContext is what every phase can do. A phase that started store operations or outbound calls
// and returned without deciding waits for them: Next or End from their callbacks decides it (and if
// the last callback returns without deciding, it continues as an undecided phase does).
type phaseContext struct {
	req      uint32
	decision decision
	// waiting counts the operations started for this phase whose callbacks have not run yet.
	waiting int
	// suspended: the phase returned pending; its decision goes to the host with resume-phase.
	suspended bool
}

func (c *phaseContext) base() *phaseContext { return c }

// decide records the phase's decision, and hands it to the host when the phase is pending.
func (c *phaseContext) decide(d decision) {
	if d != decisionFailed {
		c.decision = d
	}
	if !c.suspended {
		return
	}
	c.suspended = false
	// The host refuses when the request is gone (the client left, the pending timeout): nothing is left to decide.
	_ = host.ResumePhase(c.req, d)
}

// settle is what on-phase returns once the handler has: its decision, or pending while operations wait.
func (c *phaseContext) settle() decision {
	if c.decision != decisionUnset || c.waiting == 0 {
		return c.decision
	}
	c.suspended = true
	return decisionPending
}

// Request is the client's request as the host sees it in this phase.
func (c *phaseContext) Request() *Request { return &Request{req: c.req} }

// Response is the response: built by the plugin (then End), or the upstream's in later phases.
func (c *phaseContext) Response() *Response { return &Response{req: c.req} }

// GetPayload is the middleware's `payload:` from the config with its ${...} templates rendered for
// this request, or nil when there is none (or it is not a JSON object).
func (c *phaseContext) GetPayload() map[string]any {
	var payload map[string]any
	if err := c.DecodePayload(&payload); err != nil {
		return nil
	}
	return payload
}

// DecodePayload decodes the middleware's payload into v as encoding/json does; without a payload v
// is left as it is.
func (c *phaseContext) DecodePayload(v any) error {
	text, ok := host.GetPayload(c.req)
	if !ok {
		return nil
	}
	return json.Unmarshal([]byte(text), v)
}

// Next continues with the next middleware or the service.
func (c *phaseContext) Next() { c.decide(decisionNext) }

// SetResponseHeader sets (replaces) a response header.
func (c *phaseContext) SetResponseHeader(key, value string) error {
	return c.Response().SetHeader(key, value)
}

// RemoveResponseHeader removes a response header.
func (c *phaseContext) RemoveResponseHeader(key string) { c.Response().RemoveHeader(key) }

// PhaseRequestFilter is the request filter's context.
type PhaseRequestFilter struct {
	phaseContext
}

// End sends the response built with Response() and stops the chain.
func (c *PhaseRequestFilter) End() { c.decide(decisionEnd) }

// WebSocketUpgrade takes the request over as a WebSocket: the handshake completes after the filter
// returns, then OnOpen runs. On a request that is not a valid upgrade it returns an error and sends
// nothing, so the plugin can fall back with Next or answer itself.
func (c *PhaseRequestFilter) WebSocketUpgrade(callbacks WebSocketCallbacks, options ...UpgradeOption) error {
	var o upgradeOptions
	for _, opt := range options {
		opt(&o)
	}
	conn, err := host.WebsocketUpgrade(c.req, o.protocol, o.hasProtocol)
	if err != nil {
		return err
	}
	openConnection(conn, callbacks)
	c.decide(decisionEnd)
	return nil
}

// PhaseResponseFilter is the response filter's context.
type PhaseResponseFilter struct {
	phaseContext
}

// SetResponseStatus sets the status of the response.
func (c *PhaseResponseFilter) SetResponseStatus(status uint16) error {
	return c.Response().SetStatus(status)
}

// GetRequestHeader is one request header's value ("" when absent; names are case-insensitive).
func (c *PhaseResponseFilter) GetRequestHeader(key string) string {
	return c.Request().Headers().Get(key)
}

// GetRequestHeaders is every request header, by lower-case name.
func (c *PhaseResponseFilter) GetRequestHeaders() map[string]string {
	return c.Request().Headers().GetAll()
}

// PhaseResponseBodyFilter is the response body filter's context.
type PhaseResponseBodyFilter struct {
	phaseContext
}

// PhaseLogging is the logging phase's context.
type PhaseLogging struct {
	phaseContext
}
