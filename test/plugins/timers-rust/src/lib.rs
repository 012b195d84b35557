//! Timers and the clock in Rust, for the harness's time tests (the same as test/plugins/timers):
//! "countdown N" sends "tick 1".."tick N" one second apart and then closes with 4000; "now" answers
//! with the plugin's clock.
use std::cell::Cell;
use std::rc::Rc;

use nylon_sdk::{clear_timer, now_ms, set_interval, Plugin, TimerId, WebSocketCallbacks};

nylon_sdk::plugin!(register);

fn register(plugin: &mut Plugin) {
    plugin.add_phase_handler("countdown", |phase| {
        phase.request_filter(|ctx| {
            let callbacks = WebSocketCallbacks::new().on_message_text(|ws, msg| -> nylon_sdk::Result {
                if msg == "now" {
                    ws.send_text(&now_ms().to_string())?;
                    return Ok(());
                }
                let total: u32 = msg.trim_start_matches("countdown ").parse()?;
                let ws = *ws;
                let tick = Cell::new(0);
                // The interval clears itself from its own callback, so it needs its own id.
                let id: Rc<Cell<Option<TimerId>>> = Rc::new(Cell::new(None));
                let own_id = Rc::clone(&id);
                id.set(Some(set_interval(1000, move || -> nylon_sdk::Result {
                    tick.set(tick.get() + 1);
                    ws.send_text(&format!("tick {}", tick.get()))?;
                    if tick.get() >= total {
                        if let Some(id) = own_id.get() {
                            clear_timer(id);
                        }
                        ws.close_with(4000, "countdown over")?;
                    }
                    Ok(())
                })?));
                Ok(())
            });
            let _ = ctx.web_socket_upgrade(callbacks);
        });
    });
}
