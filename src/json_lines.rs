//! The JSON Lines life-tui writes for scripts: the headless reports and
//! summary on stdout, the live view's `live_stats` on stderr. Their format
//! is `docs/json-lines.schema.json`, and every line starts with its version.

use serde::Serialize;

/// The version of the JSON Lines' format, the first field of every line:
/// raised when a field changes meaning or goes, not when one is added.
pub const VERSION: u32 = 1;

/// `value`'s fields as one line (no newline), after `"version"`.
pub fn line(value: &impl Serialize) -> String {
    #[derive(Serialize)]
    struct Versioned<'a, T> {
        version: u32,
        #[serde(flatten)]
        line: &'a T,
    }
    let versioned = Versioned {
        version: VERSION,
        line: value,
    };
    serde_json::to_string(&versioned).expect("JSON lines serialise")
}
