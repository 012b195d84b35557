//! The seed's multi-room chat in Rust: a connection starts in "general" and moves with
//! "/join <room>"; other text is broadcast to the room it is in. The same behaviour as
//! plugins/multi-chat (TypeScript).
//!
//! The seed keeps `currentRoom` in a variable its callbacks share; here the connection's handler is a
//! type whose field is that state (`WebSocketCallbacks` closures would share it through an
//! `Rc<RefCell<String>>`).
use nylon_sdk::{Plugin, WebSocketConn, WebSocketHandler};

const ROOMS: [&str; 3] = ["general", "tech", "random"];
const JOIN_COMMAND: &str = "/join ";

nylon_sdk::plugin!(register);

/// One connection: the room it is in.
struct MultiChat {
    current_room: String,
}

impl WebSocketHandler for MultiChat {
    fn on_open(&mut self, ws: &WebSocketConn) -> nylon_sdk::Result {
        ws.join_room(&self.current_room)?;
        ws.send_text(&format!("Joined {}", self.current_room))?;
        Ok(())
    }

    fn on_message_text(&mut self, ws: &WebSocketConn, msg: &str) -> nylon_sdk::Result {
        let Some(new_room) = msg.strip_prefix(JOIN_COMMAND) else {
            ws.broadcast_text(&self.current_room, msg)?;
            return Ok(());
        };
        if !ROOMS.contains(&new_room) {
            ws.send_text("Room not found")?;
            return Ok(());
        }
        ws.leave_room(&self.current_room)?;
        self.current_room = new_room.to_owned();
        ws.join_room(&self.current_room)?;
        ws.send_text(&format!("Joined {}", self.current_room))?;
        Ok(())
    }

    fn on_close(&mut self, ws: &WebSocketConn, _code: u16, _reason: &str) -> nylon_sdk::Result {
        ws.leave_room(&self.current_room)?;
        Ok(())
    }
}

fn register(plugin: &mut Plugin) {
    plugin.add_phase_handler("multi-chat", |phase| {
        phase.request_filter(|ctx| {
            // One request is one connection, so this handler's state is per-connection state.
            if ctx.web_socket_upgrade(MultiChat { current_room: "general".to_owned() }).is_err() {
                ctx.next();
            }
        });
    });
}
