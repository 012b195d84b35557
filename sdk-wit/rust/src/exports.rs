//! The `guest` interface of the WIT world, implemented once for every plugin; the `plugin!` macro
//! exports these functions. Mirrors sdk-wit/ts/exports.ts.
use std::rc::Rc;

use crate::bindings::nylon::plugin::host;
use crate::bindings::nylon::plugin::types::{EntryInfo, LogLevel, Phase, PhaseResult, WsEvent};
use crate::callback::{CallbackResult, Result};
use crate::phase::{Decision, PhaseHandler, PhaseLogging, PhaseRequestFilter, PhaseResponseBodyFilter, PhaseResponseFilter};
use crate::plugin::Plugin;
use crate::registry::{
    describe_call_site, entry_name, handler_key, phase_name, set_call_site, CallSite, Entry, CONNECTIONS, ENTRIES, HANDLERS,
};
use crate::timers;
use crate::websocket::WebSocketConn;

/// On `wasm32-unknown-unknown` a panic aborts (stable Rust cannot unwind there): the instance traps
/// and the proxy rebuilds it. The hook runs first and puts the panic's message and place in the
/// proxy's log, with the call it happened in.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        host::log(LogLevel::Error, &format!("{} panicked: {info}", describe_call_site()));
    }));
}

pub fn init<F, R>(config: String, register: F) -> std::result::Result<(), String>
where
    F: FnOnce(&mut Plugin) -> R,
    R: CallbackResult,
{
    install_panic_hook();
    set_call_site(CallSite::Init);
    let mut plugin = Plugin::new(config);
    register(&mut plugin).into_result().map_err(|e| e.to_string())?;
    if let Some(name) = plugin.duplicate {
        return Err(format!("entry \"{name}\" is registered twice"));
    }
    let entries: Vec<Entry> = plugin
        .entries
        .into_iter()
        .map(|(name, register)| {
            // Which phases the entry handles: run its registration once with a probe handler.
            let mut probe = PhaseHandler::new(0);
            register(&mut probe);
            let handled = [
                (probe.request_filter.is_some(), Phase::RequestFilter),
                (probe.response_filter.is_some(), Phase::ResponseFilter),
                (probe.response_body_filter.is_some(), Phase::ResponseBodyFilter),
                (probe.logging.is_some(), Phase::Logging),
            ];
            let phases = handled.into_iter().filter(|(has, _)| *has).map(|(_, phase)| phase).collect();
            Entry { name, register, phases }
        })
        .collect();
    set_call_site(CallSite::Idle);
    ENTRIES.with(|cell| cell.set(entries)).map_err(|_| "init ran twice".to_owned())
}

pub fn entries() -> Vec<EntryInfo> {
    ENTRIES.with(|cell| {
        cell.get()
            .map(|entries| entries.iter().map(|e| EntryInfo { name: e.name.clone(), phases: e.phases.clone() }).collect())
            .unwrap_or_default()
    })
}

pub fn on_phase(req: u32, entry: u32, phase: Phase) -> PhaseResult {
    set_call_site(CallSite::Phase(entry, phase));
    let key = handler_key(req, entry);
    let prepared = ENTRIES.with(|cell| {
        let e = cell.get()?.get(entry as usize)?;
        let last = e.phases.last() == Some(&phase);
        let handler = HANDLERS.with(|h| h.borrow_mut().remove(&key)).unwrap_or_else(|| {
            let mut handler = PhaseHandler::new(req);
            (e.register)(&mut handler);
            handler
        });
        Some((handler, last))
    });
    let Some((mut handler, last)) = prepared else {
        host::log(LogLevel::Error, &format!("no handler registered for entry #{entry}"));
        return PhaseResult::Failed;
    };
    let outcome = run_phase(&mut handler, req, phase);
    // A request filter that took a Pending: decided in place by it, or left pending for it.
    let waited = if phase == Phase::RequestFilter { crate::waiting::settle_phase(req, !matches!(outcome, Ok(Decision::Unset))) } else { None };
    // After an entry's last phase the host calls no more of its phases for this request.
    if !last {
        HANDLERS.with(|h| h.borrow_mut().insert(key, handler));
    }
    set_call_site(CallSite::Idle);
    if let (Some(result), Ok(_)) = (waited, &outcome) {
        return result;
    }
    match outcome {
        Ok(Decision::Unset) => PhaseResult::Unset,
        Ok(Decision::Next) => PhaseResult::Next,
        Ok(Decision::End) => PhaseResult::End,
        Err(error) => {
            host::log(LogLevel::Error, &format!("entry \"{}\" {} failed: {error}", entry_name(entry), phase_name(phase)));
            PhaseResult::Failed
        }
    }
}

fn run_phase(handler: &mut PhaseHandler, req: u32, phase: Phase) -> Result<Decision> {
    // A phase the entry does not handle continues, as in Nylon's Go SDK.
    macro_rules! run {
        ($slot:ident, $context:ident) => {
            match handler.$slot.as_mut() {
                Some(f) => {
                    let mut ctx = $context::new(req);
                    f(&mut ctx)?;
                    Ok(ctx.decision())
                }
                None => Ok(Decision::Next),
            }
        };
    }
    match phase {
        Phase::RequestFilter => run!(request_filter, PhaseRequestFilter),
        Phase::ResponseFilter => run!(response_filter, PhaseResponseFilter),
        Phase::ResponseBodyFilter => run!(response_body_filter, PhaseResponseBodyFilter),
        Phase::Logging => run!(logging, PhaseLogging),
    }
}

pub fn on_request_end(req: u32) {
    set_call_site(CallSite::RequestEnd);
    let count = ENTRIES.with(|cell| cell.get().map_or(0, Vec::len)) as u32;
    HANDLERS.with(|h| {
        let mut handlers = h.borrow_mut();
        for entry in 0..count {
            handlers.remove(&handler_key(req, entry));
        }
    });
    set_call_site(CallSite::Idle);
}

/// Runs one callback of connection `conn`; an error is logged and closes that connection with 1011.
fn connection_call(conn: u32, callback: &'static str, call: impl FnOnce(&mut dyn crate::WebSocketHandler, &WebSocketConn) -> Result) {
    let Some(handler) = CONNECTIONS.with(|c| c.borrow().get(&conn).map(Rc::clone)) else { return };
    set_call_site(CallSite::WebSocket(callback));
    let result = call(&mut *handler.borrow_mut(), &WebSocketConn::new(conn));
    set_call_site(CallSite::Idle);
    if let Err(error) = result {
        host::log(LogLevel::Error, &format!("WebSocket {callback} failed: {error}"));
        // The connection may already be closing; then there is nothing left to close.
        let _ = host::ws_close(conn, Some(1011), Some("plugin error"));
    }
}

pub fn ws_on_open(conn: u32) {
    connection_call(conn, "ws-on-open", |h, ws| h.on_open(ws));
}

pub fn ws_on_message_text(conn: u32, message: &str) {
    connection_call(conn, "ws-on-message-text", |h, ws| h.on_message_text(ws, message));
}

pub fn ws_on_message_binary(conn: u32, data: &[u8]) {
    connection_call(conn, "ws-on-message-binary", |h, ws| h.on_message_binary(ws, data));
}

pub fn ws_on_error(conn: u32, error: &str) {
    connection_call(conn, "ws-on-error", |h, ws| h.on_error(ws, error));
}

/// The connection's last callback: its handler (and the state it holds) is dropped afterwards.
pub fn ws_on_close(conn: u32, code: u16, reason: &str) {
    let Some(handler) = CONNECTIONS.with(|c| c.borrow_mut().remove(&conn)) else { return };
    set_call_site(CallSite::WebSocket("ws-on-close"));
    let result = handler.borrow_mut().on_close(&WebSocketConn::new(conn), code, reason);
    set_call_site(CallSite::Idle);
    if let Err(error) = result {
        host::log(LogLevel::Error, &format!("WebSocket ws-on-close failed: {error}"));
    }
}

pub fn on_timer(id: u32) {
    set_call_site(CallSite::Timer);
    let result = timers::fire(id);
    set_call_site(CallSite::Idle);
    if let Err(error) = result {
        host::log(LogLevel::Error, &format!("timer callback failed: {error}"));
    }
}

pub fn ws_on_events(events: Vec<WsEvent>) {
    for event in events {
        match event {
            WsEvent::Open(conn) => ws_on_open(conn),
            WsEvent::Text((conn, message)) => ws_on_message_text(conn, &message),
            WsEvent::Binary((conn, data)) => ws_on_message_binary(conn, &data),
            WsEvent::Close((conn, code, reason)) => ws_on_close(conn, code, &reason),
            WsEvent::Error((conn, error)) => ws_on_error(conn, &error),
        }
    }
}
