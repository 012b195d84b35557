//! The plugins bench/plugin-phases.ts puts in front of a route, in Rust (the same as
//! plugins/phase-bench): a request filter that only continues, and one that also sets a response
//! header (one host call that validates and stores it).
use nylon_sdk::Plugin;

nylon_sdk::plugin!(register);

fn register(plugin: &mut Plugin) {
    plugin.add_phase_handler("noop", |phase| {
        phase.request_filter(|ctx| ctx.next());
    });
    plugin.add_phase_handler("set-header", |phase| {
        phase.request_filter(|ctx| -> nylon_sdk::Result {
            ctx.set_response_header("X-Bench", "1")?;
            ctx.next();
            Ok(())
        });
    });
}
