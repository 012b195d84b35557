use crate::phase::PhaseHandler;

/// An entry's registration function: runs once per request that reaches the entry.
pub(crate) type RegisterEntry = Box<dyn Fn(&mut PhaseHandler)>;

/// The plugin, as its registration function (`nylon_sdk::plugin!(register)`) sees it: register
/// entries by the names the proxy's config uses (`entry:` of a middleware or a plugin service).
pub struct Plugin {
    config: String,
    pub(crate) entries: Vec<(String, RegisterEntry)>,
    pub(crate) duplicate: Option<String>,
}

impl Plugin {
    pub(crate) fn new(config: String) -> Self {
        let config = if config.is_empty() { "{}".to_owned() } else { config };
        Plugin { config, entries: Vec::new(), duplicate: None }
    }

    /// The plugin's `config` from the proxy's YAML, as JSON text (`{}` when there is none).
    pub fn config(&self) -> &str {
        &self.config
    }

    /// Registers entry `entry`. `register` runs once per request that reaches the entry and
    /// registers that request's phase handlers; closures it creates may share per-request state.
    /// It must only register handlers: it also runs once at load, to learn the entry's phases.
    pub fn add_phase_handler<F>(&mut self, entry: &str, register: F) -> &mut Self
    where
        F: Fn(&mut PhaseHandler) + 'static,
    {
        if self.entries.iter().any(|(name, _)| name == entry) {
            self.duplicate.get_or_insert_with(|| entry.to_owned());
        } else {
            self.entries.push((entry.to_owned(), Box::new(register)));
        }
        self
    }
}
