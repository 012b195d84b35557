use std::ops::{Deref, DerefMut};

use crate::bindings::nylon::plugin::host;
use crate::callback::{CallbackResult, Result};
use crate::error::NylonError;
use crate::request::{Headers, Request};
use crate::response::Response;
use crate::websocket::{upgrade, WebSocketConn, WebSocketHandler};

/// What a phase decided. `Unset` (neither `next` nor `end` called) continues, and the proxy logs it
/// once per plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Unset,
    Next,
    End,
}

/// What every phase can do; the phase contexts below dereference to it.
pub struct PhaseContext {
    req: u32,
    decision: Decision,
}

impl PhaseContext {
    pub(crate) fn new(req: u32) -> Self {
        PhaseContext { req, decision: Decision::Unset }
    }

    pub(crate) fn decision(&self) -> Decision {
        self.decision
    }

    /// The host's handle of this request.
    pub fn request_id(&self) -> u32 {
        self.req
    }

    /// The client's request as it stands in this phase.
    pub fn request(&self) -> Request {
        Request::new(self.req)
    }

    /// The response: built by the plugin (then `end`), or the upstream's in later phases.
    pub fn response(&self) -> Response {
        Response::new(self.req)
    }

    /// The middleware's `payload:` from the config as JSON text, its `${...}` templates rendered for
    /// this request; `None` when it has none.
    pub fn get_payload(&self) -> Option<String> {
        host::get_payload(self.req)
    }

    /// Continue with the next middleware or the service.
    pub fn next(&mut self) {
        self.decision = Decision::Next;
    }

    pub fn set_response_header(&self, name: &str, value: &str) -> std::result::Result<(), NylonError> {
        self.response().set_header(name, value)
    }

    pub fn remove_response_header(&self, name: &str) {
        self.response().remove_header(name);
    }
}

/// The request filter: runs before the service; may answer (`end`), continue (`next`) or take the
/// request over as a WebSocket.
pub struct PhaseRequestFilter(PhaseContext);

impl PhaseRequestFilter {
    /// Send the response built with `response()` and stop the chain.
    pub fn end(&mut self) {
        self.0.decision = Decision::End;
    }

    /// Takes the request over as a WebSocket whose callbacks are `handler`'s: a
    /// [`WebSocketCallbacks`](crate::WebSocketCallbacks) or a type of your own, which then holds this
    /// connection's state. On a request that is not a valid upgrade it returns the error
    /// (`NYLON_E_NOT_UPGRADE`) and sends nothing, so the plugin can fall back with `next` or answer.
    pub fn web_socket_upgrade(&mut self, handler: impl WebSocketHandler) -> std::result::Result<WebSocketConn, NylonError> {
        self.upgrade_as(handler, None)
    }

    /// The same, accepting `protocol`, one of those the client offered in `Sec-WebSocket-Protocol`.
    pub fn web_socket_upgrade_with_protocol(
        &mut self,
        handler: impl WebSocketHandler,
        protocol: &str,
    ) -> std::result::Result<WebSocketConn, NylonError> {
        self.upgrade_as(handler, Some(protocol))
    }

    /// The phase's decision, to be made later: move the [`Pending`](crate::Pending) into the closure
    /// of a store operation or [`fetch`](crate::fetch) and call `next` or `end` on it there. The phase
    /// waits until it decides (or is dropped: then the request continues).
    pub fn wait(&mut self) -> crate::Pending {
        crate::Pending::new(self.0.req)
    }

    fn upgrade_as(&mut self, handler: impl WebSocketHandler, protocol: Option<&str>) -> std::result::Result<WebSocketConn, NylonError> {
        let ws = upgrade(self.0.req, handler, protocol)?;
        self.0.decision = Decision::End;
        Ok(ws)
    }
}

/// The response filter: runs when the response's status and headers are known.
pub struct PhaseResponseFilter(PhaseContext);

impl PhaseResponseFilter {
    pub fn set_response_status(&self, status: u16) -> std::result::Result<(), NylonError> {
        self.0.response().set_status(status)
    }

    pub fn get_request_header(&self, name: &str) -> Option<String> {
        self.0.request().header(name)
    }

    pub fn get_request_headers(&self) -> Headers {
        self.0.request().headers()
    }
}

/// The response body filter: runs on the whole response body (`response().read_body()`).
pub struct PhaseResponseBodyFilter(PhaseContext);

/// The logging phase: runs after the response was sent.
pub struct PhaseLogging(PhaseContext);

macro_rules! phase_context {
    ($($phase:ident),*) => {$(
        impl $phase {
            pub(crate) fn new(req: u32) -> Self {
                $phase(PhaseContext::new(req))
            }
        }
        impl Deref for $phase {
            type Target = PhaseContext;
            fn deref(&self) -> &PhaseContext {
                &self.0
            }
        }
        impl DerefMut for $phase {
            fn deref_mut(&mut self) -> &mut PhaseContext {
                &mut self.0
            }
        }
    )*};
}
phase_context!(PhaseRequestFilter, PhaseResponseFilter, PhaseResponseBodyFilter, PhaseLogging);

type Handler<C> = Option<Box<dyn FnMut(&mut C) -> Result>>;

fn boxed<C, F, R>(mut f: F) -> Handler<C>
where
    F: FnMut(&mut C) -> R + 'static,
    R: CallbackResult,
{
    Some(Box::new(move |ctx: &mut C| f(ctx).into_result()))
}

/// The handlers one entry registers for one request. Closures may keep per-request state; share it
/// between phases with `Rc<RefCell<_>>`.
pub struct PhaseHandler {
    req: u32,
    pub(crate) request_filter: Handler<PhaseRequestFilter>,
    pub(crate) response_filter: Handler<PhaseResponseFilter>,
    pub(crate) response_body_filter: Handler<PhaseResponseBodyFilter>,
    pub(crate) logging: Handler<PhaseLogging>,
}

impl PhaseHandler {
    pub(crate) fn new(req: u32) -> Self {
        PhaseHandler { req, request_filter: None, response_filter: None, response_body_filter: None, logging: None }
    }

    /// The host's handle of the request these handlers are for (0 while the plugin loads).
    pub fn request_id(&self) -> u32 {
        self.req
    }

    pub fn request_filter<F, R>(&mut self, f: F)
    where
        F: FnMut(&mut PhaseRequestFilter) -> R + 'static,
        R: CallbackResult,
    {
        self.request_filter = boxed(f);
    }

    pub fn response_filter<F, R>(&mut self, f: F)
    where
        F: FnMut(&mut PhaseResponseFilter) -> R + 'static,
        R: CallbackResult,
    {
        self.response_filter = boxed(f);
    }

    pub fn response_body_filter<F, R>(&mut self, f: F)
    where
        F: FnMut(&mut PhaseResponseBodyFilter) -> R + 'static,
        R: CallbackResult,
    {
        self.response_body_filter = boxed(f);
    }

    pub fn logging<F, R>(&mut self, f: F)
    where
        F: FnMut(&mut PhaseLogging) -> R + 'static,
        R: CallbackResult,
    {
        self.logging = boxed(f);
    }
}
