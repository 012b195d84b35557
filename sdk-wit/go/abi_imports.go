//go:build wasip1

package sdk

// The component's imports: every function of the WIT `host` interface the SDK uses, lowered by hand
// (see abi.go), and wasmHost, which turns them into the typed hostAPI. The plugin-wide functions
// the SDK leaves out (now-ms, random-bytes, monotonic-ns, random-u64, write-output, exit) are the
// ones Go's runtime reaches through the preview1 adapter (runtime/compile/preview1-adapter.ts):
// time, crypto/rand, fmt and os.Exit.

import (
	"runtime"
	"unsafe"
)

//go:wasmimport nylon:plugin/host@0.3.0 log
func importLog(level uint32, msg unsafe.Pointer, msgLen uint32)

//go:wasmimport nylon:plugin/host@0.3.0 set-timer
func importSetTimer(id, delayMs uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 clear-timer
func importClearTimer(id uint32)

//go:wasmimport nylon:plugin/host@0.3.0 get-payload
func importGetPayload(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-method
func importRequestMethod(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-url
func importRequestURL(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-path
func importRequestPath(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-query
func importRequestQuery(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-header
func importRequestHeader(req uint32, name unsafe.Pointer, nameLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-headers
func importRequestHeaders(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-host
func importRequestHost(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-client-ip
func importRequestClientIP(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-params
func importRequestParams(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-body
func importRequestBody(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-bytes
func importRequestBytes(req uint32) uint64

//go:wasmimport nylon:plugin/host@0.3.0 request-timestamp-ms
func importRequestTimestampMs(req uint32) uint64

//go:wasmimport nylon:plugin/host@0.3.0 request-set-header
func importRequestSetHeader(req uint32, name unsafe.Pointer, nameLen uint32, value unsafe.Pointer, valueLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 request-remove-header
func importRequestRemoveHeader(req uint32, name unsafe.Pointer, nameLen uint32)

//go:wasmimport nylon:plugin/host@0.3.0 response-set-status
func importResponseSetStatus(req, status uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 response-status
func importResponseStatus(req uint32) uint32

//go:wasmimport nylon:plugin/host@0.3.0 response-set-header
func importResponseSetHeader(req uint32, name unsafe.Pointer, nameLen uint32, value unsafe.Pointer, valueLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 response-remove-header
func importResponseRemoveHeader(req uint32, name unsafe.Pointer, nameLen uint32)

//go:wasmimport nylon:plugin/host@0.3.0 response-headers
func importResponseHeaders(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 response-set-body
func importResponseSetBody(req uint32, body unsafe.Pointer, bodyLen uint32)

//go:wasmimport nylon:plugin/host@0.3.0 response-body
func importResponseBody(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 response-bytes
func importResponseBytes(req uint32) uint64

//go:wasmimport nylon:plugin/host@0.3.0 response-duration-ms
func importResponseDurationMs(req uint32) uint64

//go:wasmimport nylon:plugin/host@0.3.0 response-error
func importResponseError(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 response-stream-start
func importResponseStreamStart(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 response-stream-write
func importResponseStreamWrite(req uint32, chunk unsafe.Pointer, chunkLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 response-stream-end
func importResponseStreamEnd(req uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 websocket-upgrade
func importWebsocketUpgrade(req, hasProtocol uint32, protocol unsafe.Pointer, protocolLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-send-text
func importWsSendText(conn uint32, msg unsafe.Pointer, msgLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-send-binary
func importWsSendBinary(conn uint32, data unsafe.Pointer, dataLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-close
func importWsClose(conn, hasCode, code, hasReason uint32, reason unsafe.Pointer, reasonLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-join-room
func importWsJoinRoom(conn uint32, room unsafe.Pointer, roomLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-leave-room
func importWsLeaveRoom(conn uint32, room unsafe.Pointer, roomLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-broadcast-text
func importWsBroadcastText(conn uint32, room unsafe.Pointer, roomLen uint32, msg unsafe.Pointer, msgLen uint32, excludeSelf uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-broadcast-binary
func importWsBroadcastBinary(conn uint32, room unsafe.Pointer, roomLen uint32, data unsafe.Pointer, dataLen uint32, excludeSelf uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-connection-id
func importWsConnectionID(conn uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-send-text-to
func importWsSendTextTo(id unsafe.Pointer, idLen uint32, msg unsafe.Pointer, msgLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-send-binary-to
func importWsSendBinaryTo(id unsafe.Pointer, idLen uint32, data unsafe.Pointer, dataLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-rooms
func importWsRooms(conn uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 kv-get
func importKvGet(key unsafe.Pointer, keyLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 kv-set
func importKvSet(key unsafe.Pointer, keyLen uint32, value unsafe.Pointer, valueLen uint32, hasTTL, ttlMs uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 kv-delete
func importKvDelete(key unsafe.Pointer, keyLen uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 kv-increment
func importKvIncrement(key unsafe.Pointer, keyLen uint32, delta int64, hasTTL, ttlMs uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 kv-compare-and-swap
func importKvCompareAndSwap(key unsafe.Pointer, keyLen uint32, hasExpected uint32, expected unsafe.Pointer, expectedLen uint32, value unsafe.Pointer, valueLen uint32, hasTTL, ttlMs uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 kv-list-keys
func importKvListKeys(prefix unsafe.Pointer, prefixLen uint32, limit uint32, ret unsafe.Pointer)

// http-request takes the outbound-request record flattened: method, url, headers, body, timeout-ms
// (option), follow-redirects.
//
//go:wasmimport nylon:plugin/host@0.3.0 http-request
func importHTTPRequest(method unsafe.Pointer, methodLen uint32, url unsafe.Pointer, urlLen uint32, headers unsafe.Pointer, headerCount uint32, body unsafe.Pointer, bodyLen uint32, hasTimeout, timeoutMs, followRedirects uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 resume-phase
func importResumePhase(req, decision uint32, ret unsafe.Pointer)

//go:wasmimport nylon:plugin/host@0.3.0 ws-room-size
func importWsRoomSize(room unsafe.Pointer, roomLen uint32) uint32

type wasmHost struct{}

var host hostAPI = wasmHost{}

func (wasmHost) Log(level logLevel, message string) {
	p, n := stringArg(message)
	importLog(uint32(level), p, n)
	runtime.KeepAlive(message)
}

func (wasmHost) SetTimer(id, delayMs uint32) error {
	importSetTimer(id, delayMs, retPtr())
	return retError()
}

func (wasmHost) ClearTimer(id uint32) { importClearTimer(id) }

func (wasmHost) GetPayload(req uint32) (string, bool) {
	importGetPayload(req, retPtr())
	return retOption()
}

func (wasmHost) RequestMethod(req uint32) string {
	importRequestMethod(req, retPtr())
	return retString()
}

func (wasmHost) RequestURL(req uint32) string {
	importRequestURL(req, retPtr())
	return retString()
}

func (wasmHost) RequestPath(req uint32) string {
	importRequestPath(req, retPtr())
	return retString()
}

func (wasmHost) RequestQuery(req uint32) string {
	importRequestQuery(req, retPtr())
	return retString()
}

func (wasmHost) RequestHeader(req uint32, name string) (string, bool) {
	p, n := stringArg(name)
	importRequestHeader(req, p, n, retPtr())
	runtime.KeepAlive(name)
	return retOption()
}

func (wasmHost) RequestHeaders(req uint32) []header {
	importRequestHeaders(req, retPtr())
	return retHeaders()
}

func (wasmHost) RequestHost(req uint32) string {
	importRequestHost(req, retPtr())
	return retString()
}

func (wasmHost) RequestClientIP(req uint32) string {
	importRequestClientIP(req, retPtr())
	return retString()
}

func (wasmHost) RequestParams(req uint32) []header {
	importRequestParams(req, retPtr())
	return retHeaders()
}

func (wasmHost) RequestBody(req uint32) ([]byte, error) {
	importRequestBody(req, retPtr())
	if err := retError(); err != nil {
		return nil, err
	}
	return liftBytes(retArea[1], retArea[2]), nil
}

func (wasmHost) RequestBytes(req uint32) uint64 { return importRequestBytes(req) }

func (wasmHost) RequestTimestampMs(req uint32) uint64 { return importRequestTimestampMs(req) }

func (wasmHost) RequestSetHeader(req uint32, name, value string) error {
	np, nn := stringArg(name)
	vp, vn := stringArg(value)
	importRequestSetHeader(req, np, nn, vp, vn, retPtr())
	runtime.KeepAlive(name)
	runtime.KeepAlive(value)
	return retError()
}

func (wasmHost) RequestRemoveHeader(req uint32, name string) {
	p, n := stringArg(name)
	importRequestRemoveHeader(req, p, n)
	runtime.KeepAlive(name)
}

func (wasmHost) ResponseSetStatus(req uint32, status uint16) error {
	importResponseSetStatus(req, uint32(status), retPtr())
	return retError()
}

func (wasmHost) ResponseStatus(req uint32) uint16 { return uint16(importResponseStatus(req)) }

func (wasmHost) ResponseSetHeader(req uint32, name, value string) error {
	np, nn := stringArg(name)
	vp, vn := stringArg(value)
	importResponseSetHeader(req, np, nn, vp, vn, retPtr())
	runtime.KeepAlive(name)
	runtime.KeepAlive(value)
	return retError()
}

func (wasmHost) ResponseRemoveHeader(req uint32, name string) {
	p, n := stringArg(name)
	importResponseRemoveHeader(req, p, n)
	runtime.KeepAlive(name)
}

func (wasmHost) ResponseHeaders(req uint32) []header {
	importResponseHeaders(req, retPtr())
	return retHeaders()
}

func (wasmHost) ResponseSetBody(req uint32, body []byte) {
	p, n := bytesArg(body)
	importResponseSetBody(req, p, n)
	runtime.KeepAlive(body)
}

func (wasmHost) ResponseBody(req uint32) []byte {
	importResponseBody(req, retPtr())
	return retBytes()
}

func (wasmHost) ResponseBytes(req uint32) uint64 { return importResponseBytes(req) }

func (wasmHost) ResponseDurationMs(req uint32) uint64 { return importResponseDurationMs(req) }

func (wasmHost) ResponseError(req uint32) (string, bool) {
	importResponseError(req, retPtr())
	return retOption()
}

func (wasmHost) ResponseStreamStart(req uint32) error {
	importResponseStreamStart(req, retPtr())
	return retError()
}

func (wasmHost) ResponseStreamWrite(req uint32, chunk []byte) error {
	p, n := bytesArg(chunk)
	importResponseStreamWrite(req, p, n, retPtr())
	runtime.KeepAlive(chunk)
	return retError()
}

func (wasmHost) ResponseStreamEnd(req uint32) error {
	importResponseStreamEnd(req, retPtr())
	return retError()
}

func (wasmHost) WebsocketUpgrade(req uint32, protocol string, hasProtocol bool) (uint32, error) {
	p, n := stringArg(protocol)
	importWebsocketUpgrade(req, boolArg(hasProtocol), p, n, retPtr())
	runtime.KeepAlive(protocol)
	if err := retError(); err != nil {
		return 0, err
	}
	return retArea[1], nil
}

func (wasmHost) WsSendText(conn uint32, message string) error {
	p, n := stringArg(message)
	importWsSendText(conn, p, n, retPtr())
	runtime.KeepAlive(message)
	return retError()
}

func (wasmHost) WsSendBinary(conn uint32, data []byte) error {
	p, n := bytesArg(data)
	importWsSendBinary(conn, p, n, retPtr())
	runtime.KeepAlive(data)
	return retError()
}

func (wasmHost) WsClose(conn uint32, code uint16, hasCode bool, reason string, hasReason bool) error {
	p, n := stringArg(reason)
	importWsClose(conn, boolArg(hasCode), uint32(code), boolArg(hasReason), p, n, retPtr())
	runtime.KeepAlive(reason)
	return retError()
}

func (wasmHost) WsJoinRoom(conn uint32, room string) error {
	p, n := stringArg(room)
	importWsJoinRoom(conn, p, n, retPtr())
	runtime.KeepAlive(room)
	return retError()
}

func (wasmHost) WsLeaveRoom(conn uint32, room string) error {
	p, n := stringArg(room)
	importWsLeaveRoom(conn, p, n, retPtr())
	runtime.KeepAlive(room)
	return retError()
}

func (wasmHost) WsBroadcastText(conn uint32, room, message string, excludeSelf bool) error {
	rp, rn := stringArg(room)
	mp, mn := stringArg(message)
	importWsBroadcastText(conn, rp, rn, mp, mn, boolArg(excludeSelf), retPtr())
	runtime.KeepAlive(room)
	runtime.KeepAlive(message)
	return retError()
}

func (wasmHost) WsBroadcastBinary(conn uint32, room string, data []byte, excludeSelf bool) error {
	rp, rn := stringArg(room)
	dp, dn := bytesArg(data)
	importWsBroadcastBinary(conn, rp, rn, dp, dn, boolArg(excludeSelf), retPtr())
	runtime.KeepAlive(room)
	runtime.KeepAlive(data)
	return retError()
}

func (wasmHost) WsConnectionID(conn uint32) string {
	importWsConnectionID(conn, retPtr())
	return retString()
}

func (wasmHost) WsSendTextTo(connectionID, message string) error {
	ip, in := stringArg(connectionID)
	mp, mn := stringArg(message)
	importWsSendTextTo(ip, in, mp, mn, retPtr())
	runtime.KeepAlive(connectionID)
	runtime.KeepAlive(message)
	return retError()
}

func (wasmHost) WsSendBinaryTo(connectionID string, data []byte) error {
	ip, in := stringArg(connectionID)
	dp, dn := bytesArg(data)
	importWsSendBinaryTo(ip, in, dp, dn, retPtr())
	runtime.KeepAlive(connectionID)
	runtime.KeepAlive(data)
	return retError()
}

func (wasmHost) WsRooms(conn uint32) []string {
	importWsRooms(conn, retPtr())
	return retStrings()
}

func (wasmHost) WsRoomSize(room string) uint32 {
	p, n := stringArg(room)
	size := importWsRoomSize(p, n)
	runtime.KeepAlive(room)
	return size
}

// retOp reads result<u32, host-error>: the op id a waiting function started, or the host's refusal.
func retOp() (uint32, error) {
	if err := retError(); err != nil {
		return 0, err
	}
	return retArea[1], nil
}

func (wasmHost) KvGet(key string) (uint32, error) {
	p, n := stringArg(key)
	importKvGet(p, n, retPtr())
	runtime.KeepAlive(key)
	return retOp()
}

func (wasmHost) KvSet(key string, value []byte, ttl optionalMs) (uint32, error) {
	kp, kn := stringArg(key)
	vp, vn := bytesArg(value)
	importKvSet(kp, kn, vp, vn, boolArg(ttl.set), ttl.ms, retPtr())
	runtime.KeepAlive(key)
	runtime.KeepAlive(value)
	return retOp()
}

func (wasmHost) KvDelete(key string) (uint32, error) {
	p, n := stringArg(key)
	importKvDelete(p, n, retPtr())
	runtime.KeepAlive(key)
	return retOp()
}

func (wasmHost) KvIncrement(key string, delta int64, ttl optionalMs) (uint32, error) {
	p, n := stringArg(key)
	importKvIncrement(p, n, delta, boolArg(ttl.set), ttl.ms, retPtr())
	runtime.KeepAlive(key)
	return retOp()
}

func (wasmHost) KvCompareAndSwap(key string, expected []byte, value []byte, ttl optionalMs) (uint32, error) {
	kp, kn := stringArg(key)
	ep, en := bytesArg(expected)
	vp, vn := bytesArg(value)
	importKvCompareAndSwap(kp, kn, boolArg(expected != nil), ep, en, vp, vn, boolArg(ttl.set), ttl.ms, retPtr())
	runtime.KeepAlive(key)
	runtime.KeepAlive(expected)
	runtime.KeepAlive(value)
	return retOp()
}

func (wasmHost) KvListKeys(prefix string, limit uint32) (uint32, error) {
	p, n := stringArg(prefix)
	importKvListKeys(p, n, limit, retPtr())
	runtime.KeepAlive(prefix)
	return retOp()
}

func (wasmHost) HTTPRequest(r outboundRequest) (uint32, error) {
	// list<header> in memory: 16-byte records of two strings (pointer, length each).
	records := make([]uint32, 0, 4*len(r.headers))
	for _, h := range r.headers {
		np, nn := stringArg(h.name)
		vp, vn := stringArg(h.value)
		records = append(records, uint32(uintptr(np)), nn, uint32(uintptr(vp)), vn)
	}
	mp, mn := stringArg(r.method)
	up, un := stringArg(r.url)
	bp, bn := bytesArg(r.body)
	importHTTPRequest(mp, mn, up, un, unsafe.Pointer(unsafe.SliceData(records)), uint32(len(r.headers)), bp, bn, boolArg(r.timeout.set), r.timeout.ms, boolArg(r.followRedirects), retPtr())
	runtime.KeepAlive(r)
	runtime.KeepAlive(records)
	return retOp()
}

func (wasmHost) ResumePhase(req uint32, d decision) error {
	importResumePhase(req, uint32(d), retPtr())
	return retError()
}
