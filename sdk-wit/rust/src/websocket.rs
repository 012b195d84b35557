use std::cell::RefCell;
use std::rc::Rc;

use crate::bindings::nylon::plugin::host;
use crate::callback::{CallbackResult, Result};
use crate::error::{host_result, NylonError};
use crate::registry::CONNECTIONS;

/// A WebSocket connection owned by this plugin: a handle, cheap to copy (into a timer, a map of
/// connections...). Every method is a host call; a closed or foreign connection is
/// `NYLON_E_UNKNOWN_CONNECTION`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WebSocketConn {
    handle: u32,
}

impl WebSocketConn {
    pub(crate) fn new(handle: u32) -> Self {
        WebSocketConn { handle }
    }

    /// The host's handle of this connection in this plugin.
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// The cluster-wide id of this connection ("<node>:<n>"), for `send_text_to` from anywhere.
    pub fn id(&self) -> String {
        host::ws_connection_id(self.handle)
    }

    pub fn send_text(&self, message: &str) -> std::result::Result<(), NylonError> {
        host_result(host::ws_send_text(self.handle, message))
    }

    pub fn send_binary(&self, data: &[u8]) -> std::result::Result<(), NylonError> {
        host_result(host::ws_send_binary(self.handle, data))
    }

    /// Closes the connection with 1000; `on_close` still runs.
    pub fn close(&self) -> std::result::Result<(), NylonError> {
        host_result(host::ws_close(self.handle, None, None))
    }

    /// Closes with `code` (1000–1003, 1007–1014, 3000–4999) and `reason` (at most 123 bytes).
    pub fn close_with(&self, code: u16, reason: &str) -> std::result::Result<(), NylonError> {
        host_result(host::ws_close(self.handle, Some(code), Some(reason)))
    }

    /// Joins a room; joining twice is harmless. A closed connection leaves every room.
    pub fn join_room(&self, room: &str) -> std::result::Result<(), NylonError> {
        host_result(host::ws_join_room(self.handle, room))
    }

    pub fn leave_room(&self, room: &str) -> std::result::Result<(), NylonError> {
        host_result(host::ws_leave_room(self.handle, room))
    }

    /// Sends to every member of the room on every node, this connection included.
    pub fn broadcast_text(&self, room: &str, message: &str) -> std::result::Result<(), NylonError> {
        host_result(host::ws_broadcast_text(self.handle, room, message, false))
    }

    /// Sends to every other member of the room.
    pub fn broadcast_text_to_others(&self, room: &str, message: &str) -> std::result::Result<(), NylonError> {
        host_result(host::ws_broadcast_text(self.handle, room, message, true))
    }

    pub fn broadcast_binary(&self, room: &str, data: &[u8]) -> std::result::Result<(), NylonError> {
        host_result(host::ws_broadcast_binary(self.handle, room, data, false))
    }

    pub fn broadcast_binary_to_others(&self, room: &str, data: &[u8]) -> std::result::Result<(), NylonError> {
        host_result(host::ws_broadcast_binary(self.handle, room, data, true))
    }

    /// Sends to any connection in the cluster by its id ([`WebSocketConn::id`]).
    pub fn send_text_to(&self, connection_id: &str, message: &str) -> std::result::Result<(), NylonError> {
        host_result(host::ws_send_text_to(connection_id, message))
    }

    pub fn send_binary_to(&self, connection_id: &str, data: &[u8]) -> std::result::Result<(), NylonError> {
        host_result(host::ws_send_binary_to(connection_id, data))
    }

    /// The rooms this connection is in.
    pub fn rooms(&self) -> Vec<String> {
        host::ws_rooms(self.handle)
    }

    /// Members of the room on every node.
    pub fn room_size(&self, room: &str) -> u32 {
        host::ws_room_size(room)
    }
}

/// The callbacks of one connection. Implement it on a type of your own to keep that connection's
/// state in its fields (every method has a default that does nothing), or use
/// [`WebSocketCallbacks`]. An `Err` is logged and closes that connection with 1011, except from
/// `on_close`, where it is only logged.
pub trait WebSocketHandler: 'static {
    fn on_open(&mut self, _ws: &WebSocketConn) -> Result {
        Ok(())
    }
    fn on_message_text(&mut self, _ws: &WebSocketConn, _message: &str) -> Result {
        Ok(())
    }
    fn on_message_binary(&mut self, _ws: &WebSocketConn, _data: &[u8]) -> Result {
        Ok(())
    }
    /// Runs once when the connection ends, whoever closed it; effects issued here are applied
    /// before the connection leaves its rooms, so a farewell broadcast reaches the others.
    fn on_close(&mut self, _ws: &WebSocketConn, _code: u16, _reason: &str) -> Result {
        Ok(())
    }
    /// A protocol or socket error (always followed by `on_close`).
    fn on_error(&mut self, _ws: &WebSocketConn, _error: &str) -> Result {
        Ok(())
    }
}

pub type OnOpen = Box<dyn FnMut(&WebSocketConn) -> Result>;
pub type OnMessageText = Box<dyn FnMut(&WebSocketConn, &str) -> Result>;
pub type OnMessageBinary = Box<dyn FnMut(&WebSocketConn, &[u8]) -> Result>;
pub type OnClose = Box<dyn FnMut(&WebSocketConn, u16, &str) -> Result>;
pub type OnError = Box<dyn FnMut(&WebSocketConn, &str) -> Result>;

/// A connection's callbacks as closures, like the seed's `WebSocketCallbacks`; any may be left out.
/// Build it with the methods of the same names (closures returning `()` or a `Result`):
///
/// ```ignore
/// WebSocketCallbacks::new()
///     .on_open(|ws| ws.send_text("Welcome!"))
///     .on_message_text(|ws, msg| ws.send_text(&format!("Echo: {msg}")))
/// ```
///
/// The closures belong to this one connection; state they share (the seed's `currentRoom`) goes in
/// an `Rc<RefCell<_>>` they each hold, or in a [`WebSocketHandler`] type of your own.
#[derive(Default)]
pub struct WebSocketCallbacks {
    pub on_open: Option<OnOpen>,
    pub on_message_text: Option<OnMessageText>,
    pub on_message_binary: Option<OnMessageBinary>,
    pub on_close: Option<OnClose>,
    pub on_error: Option<OnError>,
}

impl WebSocketCallbacks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn on_open<R: CallbackResult>(mut self, mut f: impl FnMut(&WebSocketConn) -> R + 'static) -> Self {
        self.on_open = Some(Box::new(move |ws| f(ws).into_result()));
        self
    }

    pub fn on_message_text<R: CallbackResult>(mut self, mut f: impl FnMut(&WebSocketConn, &str) -> R + 'static) -> Self {
        self.on_message_text = Some(Box::new(move |ws, message| f(ws, message).into_result()));
        self
    }

    pub fn on_message_binary<R: CallbackResult>(mut self, mut f: impl FnMut(&WebSocketConn, &[u8]) -> R + 'static) -> Self {
        self.on_message_binary = Some(Box::new(move |ws, data| f(ws, data).into_result()));
        self
    }

    pub fn on_close<R: CallbackResult>(mut self, mut f: impl FnMut(&WebSocketConn, u16, &str) -> R + 'static) -> Self {
        self.on_close = Some(Box::new(move |ws, code, reason| f(ws, code, reason).into_result()));
        self
    }

    pub fn on_error<R: CallbackResult>(mut self, mut f: impl FnMut(&WebSocketConn, &str) -> R + 'static) -> Self {
        self.on_error = Some(Box::new(move |ws, error| f(ws, error).into_result()));
        self
    }
}

impl WebSocketHandler for WebSocketCallbacks {
    fn on_open(&mut self, ws: &WebSocketConn) -> Result {
        self.on_open.as_mut().map_or(Ok(()), |f| f(ws))
    }
    fn on_message_text(&mut self, ws: &WebSocketConn, message: &str) -> Result {
        self.on_message_text.as_mut().map_or(Ok(()), |f| f(ws, message))
    }
    fn on_message_binary(&mut self, ws: &WebSocketConn, data: &[u8]) -> Result {
        self.on_message_binary.as_mut().map_or(Ok(()), |f| f(ws, data))
    }
    fn on_close(&mut self, ws: &WebSocketConn, code: u16, reason: &str) -> Result {
        self.on_close.as_mut().map_or(Ok(()), |f| f(ws, code, reason))
    }
    fn on_error(&mut self, ws: &WebSocketConn, error: &str) -> Result {
        self.on_error.as_mut().map_or(Ok(()), |f| f(ws, error))
    }
}

/// Accepts request `req` as a WebSocket and keeps `handler` as the new connection's callbacks.
pub(crate) fn upgrade(req: u32, handler: impl WebSocketHandler, protocol: Option<&str>) -> std::result::Result<WebSocketConn, NylonError> {
    let handle = host_result(host::websocket_upgrade(req, protocol))?;
    let handler: Rc<RefCell<dyn WebSocketHandler>> = Rc::new(RefCell::new(handler));
    CONNECTIONS.with(|c| c.borrow_mut().insert(handle, handler));
    Ok(WebSocketConn::new(handle))
}
