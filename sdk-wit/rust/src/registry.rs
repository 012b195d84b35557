//! The SDK's state in a plugin instance: the entries registered at init, the phase handlers of
//! requests in flight, the open connections' handlers, and what the guest is running now (for the
//! panic hook). A plugin instance runs one callback at a time and the host never calls back while
//! one runs, so no borrow of this state is ever held across a plugin's own code.
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::bindings::nylon::plugin::types::Phase;
use crate::phase::PhaseHandler;
use crate::plugin::RegisterEntry;
use crate::websocket::WebSocketHandler;

pub(crate) struct Entry {
    pub name: String,
    pub register: RegisterEntry,
    pub phases: Vec<Phase>,
}

/// What the guest is running, for the panic hook's message.
#[derive(Clone, Copy)]
pub(crate) enum CallSite {
    Idle,
    Init,
    Phase(u32, Phase),
    RequestEnd,
    WebSocket(&'static str),
    Timer,
}

thread_local! {
    pub(crate) static ENTRIES: OnceCell<Vec<Entry>> = const { OnceCell::new() };
    /// Per-request handlers of entries with phases still to run, by `handler_key`.
    pub(crate) static HANDLERS: RefCell<HashMap<u64, PhaseHandler>> = RefCell::new(HashMap::new());
    pub(crate) static CONNECTIONS: RefCell<HashMap<u32, Rc<RefCell<dyn WebSocketHandler>>>> = RefCell::new(HashMap::new());
    pub(crate) static CALL_SITE: Cell<CallSite> = const { Cell::new(CallSite::Idle) };
}

pub(crate) fn handler_key(req: u32, entry: u32) -> u64 {
    (u64::from(req) << 32) | u64::from(entry)
}

pub(crate) fn entry_name(index: u32) -> String {
    ENTRIES.with(|entries| match entries.get().and_then(|e| e.get(index as usize)) {
        Some(entry) => entry.name.clone(),
        None => format!("#{index}"),
    })
}

pub(crate) fn set_call_site(site: CallSite) {
    CALL_SITE.with(|c| c.set(site));
}

pub(crate) fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::RequestFilter => "request-filter",
        Phase::ResponseFilter => "response-filter",
        Phase::ResponseBodyFilter => "response-body-filter",
        Phase::Logging => "logging",
    }
}

/// "entry \"x\" request-filter", "ws-on-message-text", ...: how the proxy's log names the call.
pub(crate) fn describe_call_site() -> String {
    match CALL_SITE.with(Cell::get) {
        CallSite::Idle => "the plugin".to_owned(),
        CallSite::Init => "init".to_owned(),
        CallSite::Phase(entry, phase) => format!("entry \"{}\" {}", entry_name(entry), phase_name(phase)),
        CallSite::RequestEnd => "on-request-end".to_owned(),
        CallSite::WebSocket(callback) => callback.to_owned(),
        CallSite::Timer => "on-timer".to_owned(),
    }
}
