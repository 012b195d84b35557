//! A plugin has no stdout (`println!` goes nowhere on `wasm32-unknown-unknown`): its lines go to the
//! proxy's log, tagged with the plugin's name and rate-limited by the host.

pub use crate::bindings::nylon::plugin::types::LogLevel;

/// One line in the proxy's log at `level`.
pub fn log(level: LogLevel, message: &str) {
    crate::bindings::nylon::plugin::host::log(level, message);
}

/// `info!("format {}", args)`: a line in the proxy's log at level info (also `trace!`, `debug!`,
/// `warn!`, `error!`).
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log($crate::LogLevel::Info, &::std::format!($($arg)*)) };
}

#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => { $crate::log($crate::LogLevel::Trace, &::std::format!($($arg)*)) };
}

#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log($crate::LogLevel::Debug, &::std::format!($($arg)*)) };
}

#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log($crate::LogLevel::Warn, &::std::format!($($arg)*)) };
}

#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log($crate::LogLevel::Error, &::std::format!($($arg)*)) };
}
