//! The seed's echo server in Rust: text comes back prefixed with "Echo: ", binary comes back as it is.
use nylon_sdk::{Plugin, WebSocketCallbacks};

nylon_sdk::plugin!(register);

fn register(plugin: &mut Plugin) {
    plugin.add_phase_handler("echo", |phase| {
        phase.request_filter(|ctx| {
            let upgraded = ctx.web_socket_upgrade(
                WebSocketCallbacks::new()
                    // concat sizes the reply once (format! grows it, copying a large message twice).
                    .on_message_text(|ws, msg| ws.send_text(&["Echo: ", msg].concat()))
                    .on_message_binary(|ws, data| ws.send_binary(data)),
            );
            if upgraded.is_err() {
                ctx.next();
            }
        });
    });
}
