//! The built-in pattern library: `patterns/*.rle`, embedded at build time.

use super::{Pattern, PatternError, parse};

include!(concat!(env!("OUT_DIR"), "/builtin_patterns.rs"));

/// The text of the built-in pattern called `name` (its file stem, any case).
pub fn find(name: &str) -> Option<&'static str> {
    let name = name.strip_suffix(".rle").unwrap_or(name);
    BUILTIN
        .iter()
        .find(|(stem, _)| stem.eq_ignore_ascii_case(name))
        .map(|(_, text)| *text)
}

/// Every built-in pattern, parsed, with its name.
pub fn all() -> impl Iterator<Item = (&'static str, Result<Pattern, PatternError>)> {
    BUILTIN
        .iter()
        .map(|(stem, text)| (*stem, parse(text.as_bytes())))
}

/// One line per built-in pattern: name, size, rule, description.
pub fn listing() -> String {
    let mut out = String::new();
    for (stem, pattern) in all() {
        let Ok(pattern) = pattern else { continue };
        let size = format!("{}x{}", pattern.cells.width(), pattern.cells.height());
        let rule = pattern.rule.unwrap_or_default().to_string();
        let description = pattern.comments.first().map(String::as_str).unwrap_or("");
        out.push_str(&format!("{stem:<28} {size:>9}  {rule:<14} {description}\n"));
    }
    out
}
