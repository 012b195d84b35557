package sdk

import (
	"errors"
	"runtime/debug"
	"strconv"
)

// The `guest` interface of sdk-wit/wit/plugin.wit, implemented once for every plugin: what the
// proxy's calls do, in typed Go (abi_exports.go lifts the calls into these functions). Its
// semantics are those of the TypeScript SDK's sdk-wit/ts/exports.ts.
//
// The SDK itself uses neither fmt nor encoding/json nor net/url (about a megabyte of WebAssembly
// together): they are linked only into plugins that use them, or the SDK methods that need them
// (Initialize, GetPayload, BodyJSON, QueryParam).

// phaseID is the WIT enum `phase`, in its declaration order.
type phaseID uint8

const (
	phaseRequestFilter phaseID = iota
	phaseResponseFilter
	phaseResponseBodyFilter
	phaseLogging
)

var phaseNames = [...]string{"request-filter", "response-filter", "response-body-filter", "logging"}

func (p phaseID) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "phase " + strconv.Itoa(int(p))
}

// entryInfo is the WIT record entry-info: an entry and the phases it handles, in order.
type entryInfo struct {
	name   string
	phases []byte
}

// maxEntries bounds the entries of a plugin, so (request, entry index) makes one map key.
const maxEntries = 1024

var (
	// entryRegisters and entryLastPhase are indexed like the list entries() returned: the host
	// passes that index to on-phase.
	entryRegisters []func(*PhaseHandler)
	entryLastPhase []int // -1: the entry handles no phase
	// handlers are the live per-request handlers, keyed by requestKey.
	handlers = map[uint64]*PhaseHandler{}
	// connections are the open WebSocket connections and their callbacks, by handle.
	connections = map[uint32]*openConn{}
)

type openConn struct {
	ws        *WebSocketConn
	callbacks WebSocketCallbacks
}

func requestKey(req, entry uint32) uint64 { return uint64(req)*maxEntries + uint64(entry) }

// guestInit runs the plugin's initializers with its config (JSON text; "" is {}).
func guestInit(config string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(panicText(r))
		}
	}()
	if config == "" {
		config = "{}"
	}
	for _, fn := range registry.initializers {
		if err := fn(config); err != nil {
			return err
		}
	}
	return nil
}

// guestEntries describes the registered entries by running each registration function once with a
// probe handler (registration functions only register handlers, as in every Nylon plugin).
func guestEntries() []entryInfo {
	if len(registry.entryNames) > maxEntries {
		panic("a plugin may register at most " + strconv.Itoa(maxEntries) + " entries")
	}
	out := make([]entryInfo, 0, len(registry.entryNames))
	entryRegisters = entryRegisters[:0]
	entryLastPhase = entryLastPhase[:0]
	for _, name := range registry.entryNames {
		register := registry.entries[name]
		probe := &PhaseHandler{}
		register(probe)
		var phases []byte
		for ph, set := range [...]bool{probe.requestFilter != nil, probe.responseFilter != nil, probe.responseBodyFilter != nil, probe.logging != nil} {
			if set {
				phases = append(phases, byte(ph))
			}
		}
		last := -1
		if len(phases) > 0 {
			last = int(phases[len(phases)-1])
		}
		out = append(out, entryInfo{name: name, phases: phases})
		entryRegisters = append(entryRegisters, register)
		entryLastPhase = append(entryLastPhase, last)
	}
	return out
}

// guestOnPhase runs one phase of an entry for a request. A panic is the phase's failure: logged with
// its text and stack, answered 500 by the host; the instance lives on.
func guestOnPhase(req, entry uint32, phase phaseID) (result decision) {
	defer dropIfLast(req, entry, phase)
	defer func() {
		if r := recover(); r != nil {
			host.Log(logError, "entry "+strconv.Quote(entryName(entry))+" "+phase.String()+" failed: "+panicText(r))
			result = decisionFailed
		}
	}()
	h := handlerFor(req, entry, isLastPhase(entry, phase))
	if h == nil {
		host.Log(logError, "no handler registered for entry #"+strconv.Itoa(int(entry)))
		return decisionFailed
	}
	ctx := phaseContext{req: req}
	switch phase {
	case phaseRequestFilter:
		return runHandler(h.requestFilter, &PhaseRequestFilter{ctx})
	case phaseResponseFilter:
		return runHandler(h.responseFilter, &PhaseResponseFilter{ctx})
	case phaseResponseBodyFilter:
		return runHandler(h.responseBodyFilter, &PhaseResponseBodyFilter{ctx})
	default:
		return runHandler(h.logging, &PhaseLogging{ctx})
	}
}

// runHandler runs a phase's handler on its context; a phase the entry does not handle continues, as
// in Nylon's Go SDK.
func runHandler[C any, P interface {
	*C
	base() *phaseContext
}](fn func(P), ctx P) decision {
	if fn == nil {
		return decisionNext
	}
	runFor(ctx.base(), func() { fn(ctx) })
	return ctx.base().settle()
}

func entryName(entry uint32) string {
	if int(entry) < len(registry.entryNames) {
		return registry.entryNames[entry]
	}
	return "#" + strconv.Itoa(int(entry))
}

// handlerFor is the entry's handler for this request: the one an earlier phase registered, or a new
// one, kept for the request's later phases unless this is the last phase the entry handles (an entry
// with one phase, the usual filter, then never touches the map).
func handlerFor(req, entry uint32, last bool) *PhaseHandler {
	key := requestKey(req, entry)
	if h := handlers[key]; h != nil {
		return h
	}
	if int(entry) >= len(entryRegisters) {
		return nil
	}
	h := &PhaseHandler{SessionId: int32(req)}
	entryRegisters[entry](h)
	if !last {
		handlers[key] = h
	}
	return h
}

func isLastPhase(entry uint32, phase phaseID) bool {
	return int(entry) < len(entryLastPhase) && entryLastPhase[entry] == int(phase)
}

// dropIfLast drops an entry's per-request state after the last phase it handles: the host calls no
// more of its phases for this request.
func dropIfLast(req, entry uint32, phase phaseID) {
	if isLastPhase(entry, phase) {
		delete(handlers, requestKey(req, entry))
	}
}

// guestOnRequestEnd drops the per-request state of a request that ended early.
func guestOnRequestEnd(req uint32) {
	for i := range entryRegisters {
		delete(handlers, requestKey(req, uint32(i)))
	}
}

func openConnection(handle uint32, callbacks WebSocketCallbacks) {
	connections[handle] = &openConn{ws: &WebSocketConn{handle: handle}, callbacks: callbacks}
}

// callbackFailed contains a panicking WebSocket callback: logged, and its connection closed with
// 1011 (internal error); the instance and its other connections live on.
func callbackFailed(conn uint32, r any) {
	host.Log(logError, "WebSocket callback failed: "+panicText(r))
	_ = host.WsClose(conn, 1011, true, "plugin error", true)
}

// runCallback runs one callback of a connection, containing a panic.
func runCallback(o *openConn, call func()) {
	defer func() {
		if r := recover(); r != nil {
			callbackFailed(o.ws.handle, r)
		}
	}()
	call()
}

func guestWsOpen(conn uint32) {
	if o := connections[conn]; o != nil && o.callbacks.OnOpen != nil {
		runCallback(o, func() { o.callbacks.OnOpen(o.ws) })
	}
}

func guestWsText(conn uint32, msg string) {
	if o := connections[conn]; o != nil && o.callbacks.OnMessageText != nil {
		runCallback(o, func() { o.callbacks.OnMessageText(o.ws, msg) })
	}
}

func guestWsBinary(conn uint32, data []byte) {
	if o := connections[conn]; o != nil && o.callbacks.OnMessageBinary != nil {
		runCallback(o, func() { o.callbacks.OnMessageBinary(o.ws, data) })
	}
}

func guestWsError(conn uint32, text string) {
	if o := connections[conn]; o != nil && o.callbacks.OnError != nil {
		runCallback(o, func() { o.callbacks.OnError(o.ws, text) })
	}
}

// guestWsClose runs OnClose once; the connection is gone afterwards, so a panic there is only logged.
func guestWsClose(conn uint32, code uint16, reason string) {
	o := connections[conn]
	delete(connections, conn)
	if o == nil || o.callbacks.OnClose == nil {
		return
	}
	o.ws.closeCode, o.ws.closeReason = code, reason
	defer func() {
		if r := recover(); r != nil {
			host.Log(logError, "WebSocket OnClose failed: "+panicText(r))
		}
	}()
	o.callbacks.OnClose(o.ws)
}

func guestOnTimer(id uint32) {
	defer func() {
		if r := recover(); r != nil {
			host.Log(logError, "timer callback failed: "+panicText(r))
		}
	}()
	fireTimer(id)
}

// panicText is a recovered panic as the log shows it: Go's "panic: <value>" line and the stack of
// the goroutine that panicked.
func panicText(r any) string {
	return "panic: " + panicValue(r) + "\n\n" + string(debug.Stack())
}

// panicValue formats what was passed to panic: errors (runtime errors too), Stringers, strings and
// numbers, as fmt would. Anything else is named only by its kind: formatting an arbitrary value needs
// fmt and reflection, which the SDK does not link into every plugin.
func panicValue(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case interface{ String() string }:
		return v.String()
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int8:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint:
		return strconv.FormatUint(uint64(v), 10)
	case uint8:
		return strconv.FormatUint(uint64(v), 10)
	case uint16:
		return strconv.FormatUint(uint64(v), 10)
	case uint32:
		return strconv.FormatUint(uint64(v), 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		return "a value that is not an error, a Stringer, a string or a number"
	}
}
