//go:build !wasip1

package sdk

import (
	"fmt"
	"strings"
	"testing"
)

// fakeHost stands in for the proxy in the SDK's native tests: it answers requests from fields the
// test sets and records every effect as one line, in order.
type fakeHost struct {
	calls    []string
	payload  *string
	query    string
	headers  []header
	params   []header
	body     []byte
	bodyErr  error
	status   uint16
	nextConn uint32
	nextOp   uint32
	failNext map[string]error // host function name -> the error it returns once
}

// useFakeHost installs a fresh fake host and a fresh plugin registry for one test.
func useFakeHost(t *testing.T) *fakeHost {
	t.Helper()
	f := &fakeHost{status: 200, nextConn: 100, failNext: map[string]error{}}
	host = f
	registry.entryNames = nil
	registry.entries = map[string]func(*PhaseHandler){}
	registry.initializers = nil
	handlers = map[uint64]*PhaseHandler{}
	connections = map[uint32]*openConn{}
	timers = map[uint32]*Timer{}
	waitingOps = map[uint32]func(opResult){}
	t.Cleanup(func() { host = nil })
	return f
}

func (f *fakeHost) record(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeHost) fail(name string) error {
	err := f.failNext[name]
	delete(f.failNext, name)
	return err
}

// effects are the recorded calls, and are then forgotten.
func (f *fakeHost) effects() []string {
	out := f.calls
	f.calls = nil
	return out
}

// logged is the text of the log lines recorded so far.
func (f *fakeHost) logged() string {
	var lines []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, "log ") {
			lines = append(lines, c)
		}
	}
	return strings.Join(lines, "\n")
}

func (f *fakeHost) Log(level logLevel, message string) { f.record("log %d %s", level, message) }
func (f *fakeHost) SetTimer(id, delayMs uint32) error {
	if err := f.fail("SetTimer"); err != nil {
		return err
	}
	f.record("set-timer %d %d", id, delayMs)
	return nil
}
func (f *fakeHost) ClearTimer(id uint32) { f.record("clear-timer %d", id) }
func (f *fakeHost) GetPayload(req uint32) (string, bool) {
	if f.payload == nil {
		return "", false
	}
	return *f.payload, true
}
func (f *fakeHost) RequestMethod(req uint32) string { return "GET" }
func (f *fakeHost) RequestURL(req uint32) string    { return "http://example.test/path?" + f.query }
func (f *fakeHost) RequestPath(req uint32) string   { return "/path" }
func (f *fakeHost) RequestQuery(req uint32) string  { return f.query }
func (f *fakeHost) RequestHeader(req uint32, name string) (string, bool) {
	h := headersFrom(f.headers)
	value, ok := h.headers[strings.ToLower(name)]
	return value, ok
}
func (f *fakeHost) RequestHeaders(req uint32) []header     { return f.headers }
func (f *fakeHost) RequestHost(req uint32) string          { return "example.test" }
func (f *fakeHost) RequestClientIP(req uint32) string      { return "192.0.2.1" }
func (f *fakeHost) RequestParams(req uint32) []header      { return f.params }
func (f *fakeHost) RequestBody(req uint32) ([]byte, error) { return f.body, f.bodyErr }
func (f *fakeHost) RequestBytes(req uint32) uint64         { return uint64(len(f.body)) }
func (f *fakeHost) RequestTimestampMs(req uint32) uint64   { return 1_700_000_000_000 }
func (f *fakeHost) RequestSetHeader(req uint32, name, value string) error {
	f.record("request-set-header %s: %s", name, value)
	return f.fail("RequestSetHeader")
}
func (f *fakeHost) RequestRemoveHeader(req uint32, name string) {
	f.record("request-remove-header %s", name)
}
func (f *fakeHost) ResponseSetStatus(req uint32, status uint16) error {
	f.record("status %d", status)
	f.status = status
	return nil
}
func (f *fakeHost) ResponseStatus(req uint32) uint16 { return f.status }
func (f *fakeHost) ResponseSetHeader(req uint32, name, value string) error {
	if err := f.fail("ResponseSetHeader"); err != nil {
		return err
	}
	f.record("header %s: %s", name, value)
	return nil
}
func (f *fakeHost) ResponseRemoveHeader(req uint32, name string) { f.record("remove-header %s", name) }
func (f *fakeHost) ResponseHeaders(req uint32) []header {
	return []header{{"content-type", "text/html"}, {"x-a", "1"}}
}
func (f *fakeHost) ResponseSetBody(req uint32, body []byte) { f.record("body %s", body) }
func (f *fakeHost) ResponseBody(req uint32) []byte          { return []byte("<p>upstream</p>") }
func (f *fakeHost) ResponseBytes(req uint32) uint64         { return 15 }
func (f *fakeHost) ResponseDurationMs(req uint32) uint64    { return 42 }
func (f *fakeHost) ResponseError(req uint32) (string, bool) { return "", false }
func (f *fakeHost) ResponseStreamStart(req uint32) error {
	f.record("stream-start")
	return f.fail("ResponseStreamStart")
}
func (f *fakeHost) ResponseStreamWrite(req uint32, chunk []byte) error {
	f.record("stream-write %s", chunk)
	return nil
}
func (f *fakeHost) ResponseStreamEnd(req uint32) error {
	f.record("stream-end")
	return nil
}
func (f *fakeHost) WebsocketUpgrade(req uint32, protocol string, hasProtocol bool) (uint32, error) {
	if err := f.fail("WebsocketUpgrade"); err != nil {
		return 0, err
	}
	f.nextConn++
	f.record("upgrade %d protocol=%q/%v -> %d", req, protocol, hasProtocol, f.nextConn)
	return f.nextConn, nil
}
func (f *fakeHost) WsSendText(conn uint32, message string) error {
	f.record("send-text %d %s", conn, message)
	return f.fail("WsSendText")
}
func (f *fakeHost) WsSendBinary(conn uint32, data []byte) error {
	f.record("send-binary %d %v", conn, data)
	return nil
}
func (f *fakeHost) WsClose(conn uint32, code uint16, hasCode bool, reason string, hasReason bool) error {
	f.record("close %d code=%d/%v reason=%q/%v", conn, code, hasCode, reason, hasReason)
	return nil
}
func (f *fakeHost) WsJoinRoom(conn uint32, room string) error {
	f.record("join %d %s", conn, room)
	return nil
}
func (f *fakeHost) WsLeaveRoom(conn uint32, room string) error {
	f.record("leave %d %s", conn, room)
	return nil
}
func (f *fakeHost) WsBroadcastText(conn uint32, room, message string, excludeSelf bool) error {
	f.record("broadcast-text %d %s %s excludeSelf=%v", conn, room, message, excludeSelf)
	return nil
}
func (f *fakeHost) WsBroadcastBinary(conn uint32, room string, data []byte, excludeSelf bool) error {
	f.record("broadcast-binary %d %s %v excludeSelf=%v", conn, room, data, excludeSelf)
	return nil
}
func (f *fakeHost) WsConnectionID(conn uint32) string {
	f.record("connection-id %d", conn)
	return fmt.Sprintf("node:%d", conn)
}
func (f *fakeHost) WsSendTextTo(connectionID, message string) error {
	f.record("send-text-to %s %s", connectionID, message)
	return nil
}
func (f *fakeHost) WsSendBinaryTo(connectionID string, data []byte) error {
	f.record("send-binary-to %s %v", connectionID, data)
	return nil
}
func (f *fakeHost) WsRooms(conn uint32) []string  { return []string{"a", "b"} }
func (f *fakeHost) WsRoomSize(room string) uint32 { return 3 }

// The waiting functions record their start and return the next op id (from 1); a test answers with guestOnResult.
func (f *fakeHost) startOp(name, format string, args ...any) (uint32, error) {
	if err := f.fail(name); err != nil {
		return 0, err
	}
	f.nextOp++
	f.record(format+" -> op %d", append(args, f.nextOp)...)
	return f.nextOp, nil
}
func (f *fakeHost) KvGet(key string) (uint32, error) { return f.startOp("KvGet", "kv-get %s", key) }
func (f *fakeHost) KvSet(key string, value []byte, ttl optionalMs) (uint32, error) {
	return f.startOp("KvSet", "kv-set %s %q ttl=%d/%v", key, value, ttl.ms, ttl.set)
}
func (f *fakeHost) KvDelete(key string) (uint32, error) { return f.startOp("KvDelete", "kv-delete %s", key) }
func (f *fakeHost) KvIncrement(key string, delta int64, ttl optionalMs) (uint32, error) {
	return f.startOp("KvIncrement", "kv-increment %s %d ttl=%d/%v", key, delta, ttl.ms, ttl.set)
}
func (f *fakeHost) KvCompareAndSwap(key string, expected []byte, value []byte, ttl optionalMs) (uint32, error) {
	return f.startOp("KvCompareAndSwap", "kv-cas %s expected=%q/%v %q", key, expected, expected != nil, value)
}
func (f *fakeHost) KvListKeys(prefix string, limit uint32) (uint32, error) {
	return f.startOp("KvListKeys", "kv-list-keys %s %d", prefix, limit)
}
func (f *fakeHost) HTTPRequest(r outboundRequest) (uint32, error) {
	return f.startOp("HTTPRequest", "http-request %s %s timeout=%d/%v", r.method, r.url, r.timeout.ms, r.timeout.set)
}
func (f *fakeHost) ResumePhase(req uint32, d decision) error {
	f.record("resume-phase %d %d", req, d)
	return f.fail("ResumePhase")
}
