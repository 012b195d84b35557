//! Write [nylon](https://github.com/) proxy plugins in Rust.
//!
//! A plugin is a WebAssembly component of the `nylon:plugin` world (`sdk-wit/wit/plugin.wit`); this
//! crate is its guest side, the same API as the TypeScript SDK (`@nylon/sdk`) and Nylon's Go SDK, in
//! Rust idiom. `nylon build <folder with Cargo.toml>` compiles it.
//!
//! ```ignore
//! use nylon_sdk::{Plugin, WebSocketCallbacks};
//!
//! nylon_sdk::plugin!(register);
//!
//! fn register(plugin: &mut Plugin) {
//!     plugin.add_phase_handler("echo", |phase| {
//!         phase.request_filter(|ctx| {
//!             let upgraded = ctx.web_socket_upgrade(
//!                 WebSocketCallbacks::new()
//!                     .on_message_text(|ws, msg| ws.send_text(&["Echo: ", msg].concat()))
//!                     .on_message_binary(|ws, data| ws.send_binary(data)),
//!             );
//!             if upgraded.is_err() {
//!                 ctx.next();
//!             }
//!         });
//!     });
//! }
//! ```
//!
//! * [`plugin!`] names the function that registers the plugin's entries; it runs once per instance,
//!   when the proxy loads the plugin, with the plugin's `config` from YAML ([`Plugin::config`]).
//! * An entry's function runs once per request that reaches the entry and registers that request's
//!   phase handlers; closures it creates share per-request state across the phases.
//! * [`PhaseRequestFilter::web_socket_upgrade`] takes a [`WebSocketHandler`] that belongs to that one
//!   connection: [`WebSocketCallbacks`] (closures, as in the seed's examples) or a type of your own
//!   whose fields are the connection's state.
//! * Callbacks return `()` or a `Result`; an `Err` is logged and treated like a thrown error in the
//!   TypeScript SDK (500 for a phase, close code 1011 for that connection). A panic is logged with
//!   its message, then the instance traps and the proxy rebuilds it (on stable Rust a panic cannot be
//!   caught on `wasm32-unknown-unknown`), which also closes the plugin's other connections with 1011.
//! * A plugin has no ambient authority: no files, network, environment or clock but the host's
//!   ([`now_ms`], [`random_bytes`], [`set_timeout`], the [`info!`]-style log macros).

mod callback;
mod error;
mod exports;
mod fetch;
#[cfg(feature = "json")]
mod json;
mod log;
mod phase;
mod plugin;
mod registry;
mod request;
mod response;
pub mod store;
mod timers;
mod waiting;
mod websocket;

/// The bindings `wit-bindgen` generates from `sdk-wit/wit`. Plugins use the safe API above; the
/// [`plugin!`] macro uses these to export the `guest` interface.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plugin",
        pub_export_macro: true,
        export_macro_name: "export_guest",
        default_bindings_module: "nylon_sdk::bindings",
    });
}

pub use callback::{CallbackResult, Error, Result};
pub use error::NylonError;
pub use log::{log, LogLevel};
pub use phase::{Decision, PhaseContext, PhaseHandler, PhaseLogging, PhaseRequestFilter, PhaseResponseBodyFilter, PhaseResponseFilter};
pub use plugin::Plugin;
pub use request::{Headers, Request};
pub use response::{Response, ResponseStream};
pub use timers::{clear_timer, set_interval, set_timeout, TimerId};
pub use websocket::{WebSocketCallbacks, WebSocketConn, WebSocketHandler};
pub use fetch::{fetch, OutboundRequest, OutboundResponse};
pub use waiting::Pending;

/// Milliseconds since the Unix epoch, from the host (the only clock a plugin has).
pub fn now_ms() -> u64 {
    bindings::nylon::plugin::host::now_ms()
}

/// Cryptographically strong random bytes from the host (at most 4096 per call).
pub fn random_bytes(len: u32) -> Vec<u8> {
    bindings::nylon::plugin::host::random_bytes(len)
}

/// The guest implementation [`plugin!`] exports; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::exports::*;
    pub use crate::waiting::on_result;
}

/// Exports the plugin: `nylon_sdk::plugin!(register)` where `register` is a function (or closure)
/// taking `&mut Plugin` and returning `()` or a `Result` (an `Err` fails the plugin's start with
/// its message). Use it once, in the crate root.
#[macro_export]
macro_rules! plugin {
    ($register:expr) => {
        struct NylonPluginGuest;

        impl $crate::bindings::exports::nylon::plugin::guest::Guest for NylonPluginGuest {
            fn init(config: ::std::string::String) -> ::std::result::Result<(), ::std::string::String> {
                $crate::__private::init(config, $register)
            }
            fn entries() -> ::std::vec::Vec<$crate::bindings::nylon::plugin::types::EntryInfo> {
                $crate::__private::entries()
            }
            fn on_phase(
                req: u32,
                entry: u32,
                phase: $crate::bindings::nylon::plugin::types::Phase,
            ) -> $crate::bindings::nylon::plugin::types::PhaseResult {
                $crate::__private::on_phase(req, entry, phase)
            }
            fn on_request_end(req: u32) {
                $crate::__private::on_request_end(req)
            }
            fn ws_on_open(conn: u32) {
                $crate::__private::ws_on_open(conn)
            }
            fn ws_on_message_text(conn: u32, message: ::std::string::String) {
                $crate::__private::ws_on_message_text(conn, &message)
            }
            fn ws_on_message_binary(conn: u32, data: ::std::vec::Vec<u8>) {
                $crate::__private::ws_on_message_binary(conn, &data)
            }
            fn ws_on_close(conn: u32, code: u16, reason: ::std::string::String) {
                $crate::__private::ws_on_close(conn, code, &reason)
            }
            fn ws_on_error(conn: u32, error: ::std::string::String) {
                $crate::__private::ws_on_error(conn, &error)
            }
            fn on_timer(id: u32) {
                $crate::__private::on_timer(id)
            }
            fn ws_on_events(events: ::std::vec::Vec<$crate::bindings::nylon::plugin::types::WsEvent>) {
                $crate::__private::ws_on_events(events)
            }
            fn on_result(op: u32, outcome: $crate::bindings::nylon::plugin::types::OpResult) {
                $crate::__private::on_result(op, outcome)
            }
        }

        $crate::bindings::export_guest!(NylonPluginGuest with_types_in $crate::bindings);
    };
}
