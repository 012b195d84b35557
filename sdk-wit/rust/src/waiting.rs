//! Plugins that wait (contract 0.3.0): the plugin's key-value store ([`store`](crate::store)) and
//! outbound HTTP ([`fetch`](crate::fetch)). Every operation answers later, through a closure, after the
//! callback that started it has returned (the host calls `on-result`). A request filter that will be
//! decided by such a closure takes a [`Pending`] with [`PhaseRequestFilter::wait`](crate::PhaseRequestFilter::wait)
//! and moves it into the closure: the phase waits until the `Pending` decides it (`next`, `end`) or is
//! dropped (then it continues, as an undecided phase does).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::bindings::nylon::plugin::host;
use crate::bindings::nylon::plugin::types::{HostError, LogLevel, OpResult, PhaseResult};
use crate::callback::CallbackResult;
use crate::error::NylonError;
use crate::request::Request;
use crate::response::Response;
use crate::websocket::{upgrade, WebSocketConn, WebSocketHandler};

type Settle = Box<dyn FnOnce(OpResult)>;

/// Where a waiting request's phase stands.
#[derive(Clone, Copy)]
enum PhaseState {
    /// Its handler is still running: a decision made now is the handler's own.
    Running(Option<PhaseResult>),
    /// The handler returned `pending`: a decision goes to the host with `resume-phase`.
    Suspended,
}

thread_local! {
    static WAITING_OPS: RefCell<HashMap<u32, Settle>> = RefCell::new(HashMap::new());
    static PHASES: RefCell<HashMap<u32, PhaseState>> = RefCell::new(HashMap::new());
}

/// Starts an operation (`start` is the host import returning its op id) and runs `settle` with its
/// result later; a start the host refuses runs `settle` at once with that failure.
pub(crate) fn start_operation(start: impl FnOnce() -> Result<u32, HostError>, settle: impl FnOnce(OpResult) + 'static) {
    match start() {
        Ok(op) => {
            WAITING_OPS.with(|ops| ops.borrow_mut().insert(op, Box::new(settle)));
        }
        Err(error) => settle(OpResult::Failed(error)),
    }
}

/// The `on-result` export: runs the operation's closure.
pub fn on_result(op: u32, outcome: OpResult) {
    match WAITING_OPS.with(|ops| ops.borrow_mut().remove(&op)) {
        Some(settle) => settle(outcome),
        None => host::log(LogLevel::Warn, &format!("result for operation {op}, which this plugin did not start")),
    }
}

/// Runs an operation's closure and logs what it returned as an error.
pub(crate) fn run_callback<R: CallbackResult>(what: &str, callback: impl FnOnce() -> R) {
    if let Err(error) = callback().into_result() {
        host::log(LogLevel::Error, &format!("{what} callback failed: {error}"));
    }
}

/// A request filter's decision, to be made later (from an operation's closure). Dropping it without
/// deciding continues the request, as a phase that decides nothing does.
pub struct Pending {
    req: u32,
    decided: bool,
}

impl Pending {
    pub(crate) fn new(req: u32) -> Self {
        PHASES.with(|p| p.borrow_mut().insert(req, PhaseState::Running(None)));
        Pending { req, decided: false }
    }

    /// The request, as the phase sees it.
    pub fn request(&self) -> Request {
        Request::new(self.req)
    }

    /// The response the phase builds (then `end`).
    pub fn response(&self) -> Response {
        Response::new(self.req)
    }

    /// Continue with the next middleware or the service.
    pub fn next(mut self) {
        self.decide(PhaseResult::Next);
    }

    /// Send the response built with `response()` and stop the chain.
    pub fn end(mut self) {
        self.decide(PhaseResult::End);
    }

    /// Takes the request over as a WebSocket (see
    /// [`PhaseRequestFilter::web_socket_upgrade`](crate::PhaseRequestFilter::web_socket_upgrade)); on
    /// an error nothing is decided yet, so the `Pending` comes back with it.
    pub fn web_socket_upgrade(mut self, handler: impl WebSocketHandler) -> Result<WebSocketConn, (NylonError, Pending)> {
        match upgrade(self.req, handler, None) {
            Ok(ws) => {
                self.decide(PhaseResult::End);
                Ok(ws)
            }
            Err(error) => Err((error, self)),
        }
    }

    /// The phase failed: the client gets 500.
    pub fn fail(mut self) {
        self.decide(PhaseResult::Failed);
    }

    fn decide(&mut self, decision: PhaseResult) {
        self.decided = true;
        let state = PHASES.with(|p| p.borrow().get(&self.req).copied());
        match state {
            Some(PhaseState::Running(_)) => {
                PHASES.with(|p| p.borrow_mut().insert(self.req, PhaseState::Running(Some(decision))));
            }
            Some(PhaseState::Suspended) => {
                PHASES.with(|p| p.borrow_mut().remove(&self.req));
                // Refused when the request is gone (the client left, the pending timeout): nothing is left to decide.
                let _ = host::resume_phase(self.req, decision);
            }
            None => {}
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.decided {
            self.decide(PhaseResult::Unset);
        }
    }
}

/// After the request filter's handler returned: what `on-phase` answers for a request that took a
/// `Pending` (its decision made in place, or `pending`); None when it took none.
pub(crate) fn settle_phase(req: u32, handler_decided: bool) -> Option<PhaseResult> {
    let state = PHASES.with(|p| p.borrow().get(&req).copied())?;
    match state {
        PhaseState::Running(Some(decision)) => {
            PHASES.with(|p| p.borrow_mut().remove(&req));
            Some(decision)
        }
        PhaseState::Running(None) if handler_decided => {
            PHASES.with(|p| p.borrow_mut().remove(&req));
            None
        }
        PhaseState::Running(None) => {
            PHASES.with(|p| p.borrow_mut().insert(req, PhaseState::Suspended));
            Some(PhaseResult::Pending)
        }
        PhaseState::Suspended => None,
    }
}

/// The failure an operation's result carries, or a mismatch as one.
pub(crate) fn unexpected(wanted: &str) -> NylonError {
    NylonError { code: "NYLON_E_GUEST".to_owned(), message: format!("expected a {wanted} result from the host") }
}
