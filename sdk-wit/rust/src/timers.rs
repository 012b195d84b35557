//! A plugin has no event loop: timers are the host's (`set-timer`), and the host calls the
//! `on-timer` export when one is due.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::bindings::nylon::plugin::host;
use crate::callback::{CallbackResult, Result};
use crate::error::{host_result, NylonError};

/// A pending timer, for [`clear_timer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimerId(u32);

enum Callback {
    Once(Box<dyn FnOnce() -> Result>),
    Repeat(Box<dyn FnMut() -> Result>, u32),
}

thread_local! {
    /// A timer's callback is taken out while it runs (`None`), so it can clear or set timers.
    static TIMERS: RefCell<HashMap<u32, Option<Callback>>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

fn schedule(callback: Callback, delay_ms: u32) -> std::result::Result<TimerId, NylonError> {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(if id >= 0x7fff_ffff { 1 } else { id + 1 });
        id
    });
    host_result(host::set_timer(id, delay_ms))?;
    TIMERS.with(|t| t.borrow_mut().insert(id, Some(callback)));
    Ok(TimerId(id))
}

/// Runs `f` once, `delay_ms` from now. At most 10,000 timers may be pending per plugin.
pub fn set_timeout<R: CallbackResult>(delay_ms: u32, f: impl FnOnce() -> R + 'static) -> std::result::Result<TimerId, NylonError> {
    schedule(Callback::Once(Box::new(move || f().into_result())), delay_ms)
}

/// Runs `f` every `every_ms` (at least 1 ms) until cleared.
pub fn set_interval<R: CallbackResult>(every_ms: u32, mut f: impl FnMut() -> R + 'static) -> std::result::Result<TimerId, NylonError> {
    let every_ms = every_ms.max(1);
    schedule(Callback::Repeat(Box::new(move || f().into_result()), every_ms), every_ms)
}

/// Cancels a timer; a timer that already ran (or was cleared) is ignored.
pub fn clear_timer(id: TimerId) {
    if TIMERS.with(|t| t.borrow_mut().remove(&id.0)).is_some() {
        host::clear_timer(id.0);
    }
}

/// Runs a due timer (the `on-timer` export). An interval is set again before its callback runs.
pub(crate) fn fire(id: u32) -> Result {
    let Some(callback) = TIMERS.with(|t| t.borrow_mut().get_mut(&id).and_then(Option::take)) else {
        return Ok(());
    };
    match callback {
        Callback::Once(f) => {
            TIMERS.with(|t| t.borrow_mut().remove(&id));
            f()
        }
        Callback::Repeat(mut f, every_ms) => {
            let rearmed = host_result(host::set_timer(id, every_ms));
            let result = f();
            TIMERS.with(|t| {
                let mut timers = t.borrow_mut();
                // Unless the callback cleared its own interval (or re-arming failed), keep it.
                match (timers.get_mut(&id), &rearmed) {
                    (Some(slot), Ok(())) => *slot = Some(Callback::Repeat(f, every_ms)),
                    _ => {
                        timers.remove(&id);
                    }
                }
            });
            rearmed?;
            result
        }
    }
}
