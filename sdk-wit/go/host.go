package sdk

// The `host` interface of sdk-wit/wit/plugin.wit as the SDK calls it: typed Go values in and out.
// In a plugin it is the component's imports (abi_imports.go); the SDK's own tests put a recording
// host in its place, so everything above the canonical ABI runs natively under `go test`.
type hostAPI interface {
	Log(level logLevel, message string)
	SetTimer(id, delayMs uint32) error
	ClearTimer(id uint32)

	GetPayload(req uint32) (payload string, ok bool)
	RequestMethod(req uint32) string
	RequestURL(req uint32) string
	RequestPath(req uint32) string
	RequestQuery(req uint32) string
	RequestHeader(req uint32, name string) (value string, ok bool)
	RequestHeaders(req uint32) []header
	RequestHost(req uint32) string
	RequestClientIP(req uint32) string
	RequestParams(req uint32) []header
	RequestBody(req uint32) ([]byte, error)
	RequestBytes(req uint32) uint64
	RequestTimestampMs(req uint32) uint64
	RequestSetHeader(req uint32, name, value string) error
	RequestRemoveHeader(req uint32, name string)

	ResponseSetStatus(req uint32, status uint16) error
	ResponseStatus(req uint32) uint16
	ResponseSetHeader(req uint32, name, value string) error
	ResponseRemoveHeader(req uint32, name string)
	ResponseHeaders(req uint32) []header
	ResponseSetBody(req uint32, body []byte)
	ResponseBody(req uint32) []byte
	ResponseBytes(req uint32) uint64
	ResponseDurationMs(req uint32) uint64
	ResponseError(req uint32) (text string, ok bool)
	ResponseStreamStart(req uint32) error
	ResponseStreamWrite(req uint32, chunk []byte) error
	ResponseStreamEnd(req uint32) error

	WebsocketUpgrade(req uint32, protocol string, hasProtocol bool) (conn uint32, err error)
	WsSendText(conn uint32, message string) error
	WsSendBinary(conn uint32, data []byte) error
	WsClose(conn uint32, code uint16, hasCode bool, reason string, hasReason bool) error
	WsJoinRoom(conn uint32, room string) error
	WsLeaveRoom(conn uint32, room string) error
	WsBroadcastText(conn uint32, room, message string, excludeSelf bool) error
	WsBroadcastBinary(conn uint32, room string, data []byte, excludeSelf bool) error
	WsConnectionID(conn uint32) string
	WsSendTextTo(connectionID, message string) error
	WsSendBinaryTo(connectionID string, data []byte) error
	WsRooms(conn uint32) []string
	WsRoomSize(room string) uint32

	// Waiting (contract 0.3.0): each starts an operation and returns its op id; the result comes to
	// the on-result export (guestOnResult).
	KvGet(key string) (op uint32, err error)
	KvSet(key string, value []byte, ttl optionalMs) (op uint32, err error)
	KvDelete(key string) (op uint32, err error)
	KvIncrement(key string, delta int64, ttl optionalMs) (op uint32, err error)
	KvCompareAndSwap(key string, expected []byte, value []byte, ttl optionalMs) (op uint32, err error)
	KvListKeys(prefix string, limit uint32) (op uint32, err error)
	HTTPRequest(r outboundRequest) (op uint32, err error)
	ResumePhase(req uint32, d decision) error
}

// optionalMs is a WIT option<u32> of milliseconds (a TTL, a timeout).
type optionalMs struct {
	ms  uint32
	set bool
}

// outboundRequest is the WIT record outbound-request.
type outboundRequest struct {
	method, url     string
	headers         []header
	body            []byte
	timeout         optionalMs
	followRedirects bool
}

// header is the WIT record `header` (a name/value pair).
type header struct {
	name, value string
}

// logLevel is the WIT enum `log-level`, in its declaration order.
type logLevel uint8

const (
	logTrace logLevel = iota
	logDebug
	logInfo
	logWarn
	logError
)
