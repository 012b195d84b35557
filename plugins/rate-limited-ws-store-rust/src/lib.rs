//! plugins/rate-limited-ws-store in Rust: the seed's connection limit counted in the plugin's store,
//! so it holds across every nylon process sharing the store (a node's workers, or every node on
//! Redis): at most 5 open WebSockets per client IP; the next one gets a plain HTTP 429 before any
//! upgrade, and 503 when the store cannot answer.
use nylon_sdk::{store, Pending, Plugin, WebSocketCallbacks};

const MAX_CONNECTIONS: i64 = 5;

nylon_sdk::plugin!(register);

fn slot_key(client_ip: &str) -> String {
    format!("connections:{client_ip}")
}

fn release(client_ip: &str) {
    store::increment(&slot_key(client_ip), -1, None, |_| ());
}

fn answer(pending: Pending, status: u16, text: &str) {
    let _ = pending.response().set_status(status);
    pending.response().body_text(text);
    pending.end();
}

fn register(plugin: &mut Plugin) {
    plugin.add_phase_handler("rate-limited-ws", |phase| {
        phase.request_filter(|ctx| {
            let client_ip = ctx.request().client_ip();
            let pending = ctx.wait();
            // The increment takes the slot atomically: two nodes never both admit a 5th.
            store::increment(&slot_key(&client_ip), 1, None, move |count| {
                match count {
                    Err(_) => answer(pending, 503, "Connection limit unavailable"),
                    Ok(n) if n > MAX_CONNECTIONS => {
                        release(&client_ip);
                        answer(pending, 429, "Too many connections");
                    }
                    Ok(_) => {
                        let ip = client_ip.clone();
                        let callbacks = WebSocketCallbacks::new()
                            .on_open(|ws| ws.send_text("Connected"))
                            .on_close(move |_, _, _| release(&ip));
                        if let Err((_, pending)) = pending.web_socket_upgrade(callbacks) {
                            release(&client_ip);
                            answer(pending, 400, "WebSocket upgrade failed");
                        }
                    }
                }
            });
        });
    });
}
