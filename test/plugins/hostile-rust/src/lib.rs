//! Hostile, in Rust: the sandbox tests' misbehaviours in one crate, the one to act out chosen by the
//! plugin's config (`{ "misbehave": "<mode>" }`). A request with `?misbehave=1` or the WebSocket text
//! "misbehave" triggers it; otherwise requests get 200 "ok <mode>" and text is echoed as "echo: <text>".
//!
//! Modes: `spin-request-filter`, `spin-on-message` (endless loops), `allocate-forever` (keeps 1 MiB
//! buffers until memory runs out), `recurse-forever` (unbounded recursion), `panic` (a panic in the
//! request filter and in on_message_text), `throw` (an `Err` returned from both: the Rust SDK's
//! equivalent of a TypeScript throw), `trap` (a real WebAssembly trap, `unreachable`).
use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;

use nylon_sdk::{Plugin, WebSocketCallbacks};

nylon_sdk::plugin!(register);

thread_local! {
    static HOARD: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

fn register(plugin: &mut Plugin) -> nylon_sdk::Result {
    let config: serde_json::Value = plugin.config_json()?;
    let mode: Rc<str> = config["misbehave"].as_str().ok_or("config needs \"misbehave\": <mode>")?.into();
    plugin.add_phase_handler("hostile", move |phase| {
        let mode = Rc::clone(&mode);
        phase.request_filter(move |ctx| -> nylon_sdk::Result {
            if ctx.request().query_param("misbehave").is_some() {
                misbehave(&mode)?;
            }
            let on_message = Rc::clone(&mode);
            let upgraded = ctx.web_socket_upgrade(WebSocketCallbacks::new().on_message_text(move |ws, msg| -> nylon_sdk::Result {
                if msg == "misbehave" {
                    misbehave(&on_message)?;
                }
                ws.send_text(&format!("echo: {msg}"))?;
                Ok(())
            }));
            if upgraded.is_err() {
                ctx.response().set_status(200)?;
                ctx.response().body_text(&format!("ok {mode}"));
                ctx.end();
            }
            Ok(())
        });
    });
    Ok(())
}

fn misbehave(mode: &str) -> nylon_sdk::Result {
    match mode {
        "spin-request-filter" | "spin-on-message" => {
            let mut n: u64 = 0;
            loop {
                n = black_box(n + 1);
            }
        }
        "allocate-forever" => HOARD.with(|hoard| loop {
            hoard.borrow_mut().push(black_box(vec![1u8; 1024 * 1024]));
        }),
        "recurse-forever" => {
            black_box(deeper(0));
            Ok(())
        }
        "panic" => panic!("hostile plugin panics"),
        "throw" => Err("hostile plugin returns an error".into()),
        "trap" => core::arch::wasm32::unreachable(),
        other => Err(format!("unknown mode {other}").into()),
    }
}

fn deeper(n: u64) -> u64 {
    black_box(deeper(black_box(n + 1))) + 1
}
