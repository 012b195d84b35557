use std::fmt;

use crate::bindings::nylon::plugin::types::HostError;

/// An expected failure reported by the host: a bad header value, an unknown connection, a body over
/// the cap... `code` is stable (`NYLON_E_...`, listed in sdk-wit/README.md), `message` is for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NylonError {
    pub code: String,
    pub message: String,
}

impl From<HostError> for NylonError {
    fn from(e: HostError) -> Self {
        NylonError { code: e.code, message: e.message }
    }
}

impl fmt::Display for NylonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for NylonError {}

/// A host call whose WIT result is `result<_, host-error>`, as the SDK returns it.
pub(crate) fn host_result<T>(r: Result<T, HostError>) -> Result<T, NylonError> {
    r.map_err(NylonError::from)
}
