package sdk

// WebSocketCallbacks are the callbacks of one connection; any may be left nil. Callbacks of one
// connection run one at a time, in the order the events happened.
type WebSocketCallbacks struct {
	OnOpen          func(ws *WebSocketConn)
	OnMessageText   func(ws *WebSocketConn, msg string)
	OnMessageBinary func(ws *WebSocketConn, data []byte)
	// OnClose runs once when the connection ends, whoever closed it; effects issued here are
	// applied (a farewell broadcast reaches the room). CloseStatus tells the code and reason.
	OnClose func(ws *WebSocketConn)
	OnError func(ws *WebSocketConn, err string)
}

// WebSocketConn is a WebSocket connection owned by this plugin.
type WebSocketConn struct {
	handle      uint32
	id          string
	closeCode   uint16
	closeReason string
}

// UpgradeOption adjusts WebSocketUpgrade.
type UpgradeOption func(*upgradeOptions)

type upgradeOptions struct {
	protocol    string
	hasProtocol bool
}

// Subprotocol accepts the upgrade with this subprotocol, one the client offered in
// Sec-WebSocket-Protocol (read it with Request().Header).
func Subprotocol(name string) UpgradeOption {
	return func(o *upgradeOptions) { o.protocol, o.hasProtocol = name, true }
}

// BroadcastOption adjusts BroadcastText and BroadcastBinary.
type BroadcastOption func(*broadcastOptions)

type broadcastOptions struct {
	excludeSelf bool
}

// ExcludeSelf leaves the sending connection out of a broadcast (by default the sender receives its
// own broadcast when it is in the room, as in Nylon).
func ExcludeSelf() BroadcastOption {
	return func(o *broadcastOptions) { o.excludeSelf = true }
}

func excludesSelf(options []BroadcastOption) bool {
	var o broadcastOptions
	for _, opt := range options {
		opt(&o)
	}
	return o.excludeSelf
}

// SendText sends a text message to this connection.
func (ws *WebSocketConn) SendText(msg string) error { return host.WsSendText(ws.handle, msg) }

// SendBinary sends a binary message to this connection.
func (ws *WebSocketConn) SendBinary(data []byte) error { return host.WsSendBinary(ws.handle, data) }

// Close closes the connection with code 1000; OnClose still runs.
func (ws *WebSocketConn) Close() error { return host.WsClose(ws.handle, 0, false, "", false) }

// CloseWith closes the connection with a code (1000-1003, 1007-1014, 3000-4999) and a reason of at
// most 123 bytes; OnClose still runs.
func (ws *WebSocketConn) CloseWith(code uint16, reason string) error {
	return host.WsClose(ws.handle, code, true, reason, true)
}

// CloseStatus is how the connection ended, valid in OnClose: the close code (1006 when the socket
// dropped, 1001 on shutdown) and reason.
func (ws *WebSocketConn) CloseStatus() (code uint16, reason string) {
	return ws.closeCode, ws.closeReason
}

// JoinRoom joins a room (1-256 bytes); joining twice is harmless. A closed connection leaves every room.
func (ws *WebSocketConn) JoinRoom(room string) error { return host.WsJoinRoom(ws.handle, room) }

// LeaveRoom leaves a room (not being in it is harmless).
func (ws *WebSocketConn) LeaveRoom(room string) error { return host.WsLeaveRoom(ws.handle, room) }

// BroadcastText sends to every member of the room on every node, this connection included unless
// ExcludeSelf is given. Broadcasting to a room one is not in is allowed.
func (ws *WebSocketConn) BroadcastText(room string, message string, options ...BroadcastOption) error {
	return host.WsBroadcastText(ws.handle, room, message, excludesSelf(options))
}

// BroadcastBinary is BroadcastText for binary messages.
func (ws *WebSocketConn) BroadcastBinary(room string, data []byte, options ...BroadcastOption) error {
	return host.WsBroadcastBinary(ws.handle, room, data, excludesSelf(options))
}

// ID is the cluster-wide id of this connection ("<node>:<n>"), for SendTextTo.
func (ws *WebSocketConn) ID() string {
	if ws.id == "" {
		ws.id = host.WsConnectionID(ws.handle)
	}
	return ws.id
}

// SendTextTo sends a text message to any connection in the cluster by its ID.
func (ws *WebSocketConn) SendTextTo(connectionID, msg string) error {
	return host.WsSendTextTo(connectionID, msg)
}

// SendBinaryTo sends a binary message to any connection in the cluster by its ID.
func (ws *WebSocketConn) SendBinaryTo(connectionID string, data []byte) error {
	return host.WsSendBinaryTo(connectionID, data)
}

// Rooms are the rooms this connection is in.
func (ws *WebSocketConn) Rooms() []string { return host.WsRooms(ws.handle) }

// RoomSize is how many connections, on every node, are in the room.
func (ws *WebSocketConn) RoomSize(room string) int { return int(host.WsRoomSize(room)) }
