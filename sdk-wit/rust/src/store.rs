//! The plugin's key-value store: its own namespace on the proxy's store (memory, shared by the node's
//! workers; or Redis, shared by the cluster). Each function starts the operation and calls `done`
//! with its result later, after the current callback has returned (see [`Pending`](crate::Pending)
//! for a request filter that waits). `ttl_ms` of `None` never expires.

use crate::bindings::nylon::plugin::host;
use crate::bindings::nylon::plugin::types::OpResult;
use crate::callback::CallbackResult;
use crate::error::NylonError;
use crate::waiting::{run_callback, start_operation, unexpected};

type Answer<T> = Result<T, NylonError>;

fn answer<T>(result: OpResult, wanted: &str, pick: impl FnOnce(OpResult) -> Option<T>) -> Answer<T> {
    match result {
        OpResult::Failed(error) => Err(error.into()),
        other => pick(other).ok_or_else(|| unexpected(wanted)),
    }
}

/// The key's value, `None` for a missing key.
pub fn get<R: CallbackResult>(key: &str, done: impl FnOnce(Answer<Option<Vec<u8>>>) -> R + 'static) {
    start_operation(
        || host::kv_get(key),
        move |r| run_callback("store get", || done(answer(r, "value", |r| if let OpResult::Value(v) = r { Some(v) } else { None }))),
    );
}

/// Sets the key, expiring after `ttl_ms` if given.
pub fn set<R: CallbackResult>(key: &str, value: &[u8], ttl_ms: Option<u32>, done: impl FnOnce(Answer<()>) -> R + 'static) {
    start_operation(
        || host::kv_set(key, value, ttl_ms),
        move |r| run_callback("store set", || done(answer(r, "done", |r| matches!(r, OpResult::Done(_)).then_some(())))),
    );
}

/// Removes the key; the answer says whether it existed.
pub fn delete<R: CallbackResult>(key: &str, done: impl FnOnce(Answer<bool>) -> R + 'static) {
    start_operation(|| host::kv_delete(key), move |r| run_callback("store delete", || done(answer(r, "done", done_value))));
}

/// Adds `delta` to the integer at `key` (a missing key counts as 0), atomically across every process
/// sharing the store; `ttl_ms` applies when this creates the key. The answer is the new value.
pub fn increment<R: CallbackResult>(key: &str, delta: i64, ttl_ms: Option<u32>, done: impl FnOnce(Answer<i64>) -> R + 'static) {
    start_operation(
        || host::kv_increment(key, delta, ttl_ms),
        move |r| run_callback("store increment", || done(answer(r, "count", |r| if let OpResult::Count(n) = r { Some(n) } else { None }))),
    );
}

/// Sets `value` only if the key holds `expected` (`None`: only if it is absent); the answer says whether it did.
pub fn compare_and_swap<R: CallbackResult>(key: &str, expected: Option<&[u8]>, value: &[u8], ttl_ms: Option<u32>, done: impl FnOnce(Answer<bool>) -> R + 'static) {
    start_operation(
        || host::kv_compare_and_swap(key, expected, value, ttl_ms),
        move |r| run_callback("store compare-and-swap", || done(answer(r, "done", done_value))),
    );
}

/// The keys starting with `prefix`, in byte order, at most `limit` (and at most 1000).
pub fn list_keys<R: CallbackResult>(prefix: &str, limit: u32, done: impl FnOnce(Answer<Vec<String>>) -> R + 'static) {
    start_operation(
        || host::kv_list_keys(prefix, limit),
        move |r| run_callback("store list-keys", || done(answer(r, "keys", |r| if let OpResult::Keys(k) = r { Some(k) } else { None }))),
    );
}

fn done_value(r: OpResult) -> Option<bool> {
    if let OpResult::Done(b) = r {
        Some(b)
    } else {
        None
    }
}
