//! Typed JSON (feature `json`): the plugin's config, a middleware's payload and response bodies.
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::phase::PhaseContext;
use crate::plugin::Plugin;
use crate::response::Response;

impl Plugin {
    /// The plugin's `config` from YAML, deserialised (`serde_json::Value` for any shape).
    pub fn config_json<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.config())
    }
}

impl PhaseContext {
    /// The middleware's payload, deserialised; `Ok(None)` when it has none.
    pub fn get_payload_json<T: DeserializeOwned>(&self) -> serde_json::Result<Option<T>> {
        self.get_payload().map(|text| serde_json::from_str(&text)).transpose()
    }
}

impl Response {
    /// The body as application/json.
    pub fn body_json<T: Serialize + ?Sized>(&self, value: &T) -> serde_json::Result<&Self> {
        let body = serde_json::to_vec(value)?;
        Ok(self.body_with_type("application/json", &body))
    }
}
