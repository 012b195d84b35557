//! The seed's chat server in Rust: everyone shares room "general"; joins, messages and departures are
//! broadcast. The same behaviour as plugins/chat (TypeScript).
use nylon_sdk::{info, Plugin, WebSocketCallbacks};

const ROOM: &str = "general";

nylon_sdk::plugin!(register);

fn register(plugin: &mut Plugin) {
    plugin.add_phase_handler("chat", |phase| {
        phase.request_filter(|ctx| -> nylon_sdk::Result {
            let upgraded = ctx.web_socket_upgrade(
                WebSocketCallbacks::new()
                    .on_open(|ws| -> nylon_sdk::Result {
                        info!("[Chat] User joined");
                        ws.join_room(ROOM)?;
                        ws.broadcast_text(ROOM, "A user joined the chat")?;
                        ws.send_text("Welcome to the chat!")?;
                        Ok(())
                    })
                    .on_message_text(|ws, msg| {
                        info!("[Chat] Message: {msg}");
                        // The sender is in the room too, so it sees its own message (the browser page relies on that).
                        ws.broadcast_text(ROOM, msg)
                    })
                    .on_close(|ws, _code, _reason| -> nylon_sdk::Result {
                        info!("[Chat] User left");
                        ws.leave_room(ROOM)?;
                        ws.broadcast_text(ROOM, "A user left the chat")?;
                        Ok(())
                    })
                    .on_error(|_ws, error| info!("[Chat] Error: {error}")),
            );
            if upgraded.is_err() {
                // Not a WebSocket handshake (e.g. a plain GET): answer it instead of passing it on.
                ctx.response().set_status(400)?;
                ctx.response().body_text("WebSocket upgrade failed");
                ctx.end();
            }
            Ok(())
        });
    });
}
