//! What a plugin's callbacks return: nothing, or a `Result` whose error is logged and fails the
//! callback (500 for a phase, 1011 for a WebSocket connection), so `?` works in every callback.

/// Any error a callback may return (`NylonError`, a parse error, a `String` or `&str`...).
pub type Error = Box<dyn std::error::Error>;

/// The result of a callback; `nylon_sdk::Result` is `Result<(), Error>`.
pub type Result<T = (), E = Error> = std::result::Result<T, E>;

/// Implemented by what a callback may return: `()` (it cannot fail) or `Result<(), E>`.
pub trait CallbackResult {
    fn into_result(self) -> Result;
}

impl CallbackResult for () {
    #[inline]
    fn into_result(self) -> Result {
        Ok(())
    }
}

impl<E: Into<Error>> CallbackResult for std::result::Result<(), E> {
    #[inline]
    fn into_result(self) -> Result {
        self.map_err(Into::into)
    }
}
