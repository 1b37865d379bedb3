//! The layers, checked: each module of the crate may use only the modules
//! below it, so the data flows one way (engine <- view <- cluster <- live
//! round <- tui / headless <- main) and there is no import circle. Read from
//! the source's `crate::` paths, test code included.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module and the modules it may use. Anything not listed
/// is a new edge: add it here only if it points down.
const ALLOWED: &[(&str, &[&str])] = &[
    ("engine", &[]),
    ("files", &[]),
    ("launch", &[]),
    ("exit", &[]),
    ("signals", &[]),
    ("keys", &[]),
    ("pattern", &["engine", "files"]),
    ("view", &["engine"]),
    ("cluster", &["engine", "exit", "signals"]),
    ("cli", &["engine", "keys"]),
    ("config", &["cli", "cluster", "engine", "error", "pattern"]),
    (
        "error",
        &["cluster", "engine", "exit", "files", "pattern", "signals"],
    ),
    ("memory", &["cluster", "config", "engine", "error"]),
    ("checkpoint", &["config", "engine", "files", "pattern"]),
    (
        "input",
        &["checkpoint", "cluster", "error", "files", "pattern"],
    ),
    ("live", &["cluster", "config", "engine", "launch", "view"]),
    (
        "headless",
        &[
            "checkpoint",
            "cluster",
            "config",
            "engine",
            "error",
            "files",
            "launch",
            "memory",
            "pattern",
            "signals",
        ],
    ),
    (
        "tui",
        &[
            "checkpoint",
            "cli",
            "cluster",
            "config",
            "engine",
            "files",
            "input",
            "keys",
            "launch",
            "live",
            "memory",
            "pattern",
            "view",
        ],
    ),
];

/// `crate::name` references in `text`, outside comments.
fn crate_uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
            rest = after;
        }
    }
    found
}

/// Top-level module -> the top-level modules its files use.
fn uses_by_module(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap();
            let top = relative.components().next().unwrap().as_os_str();
            let module = Path::new(top).file_stem().unwrap().to_string_lossy();
            if matches!(&*module, "lib" | "main" | "layering") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let entry = uses.entry(module.to_string()).or_default();
            entry.extend(crate_uses(&text).into_iter().filter(|m| *m != module));
        }
    }
    uses
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, used) in uses_by_module(&src) {
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!("{module} is not in the layer table"));
            continue;
        };
        for target in used {
            if !may.contains(&target.as_str()) {
                wrong.push(format!("{module} uses {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken: {wrong:?}");
}

#[test]
fn the_layer_table_has_no_circle() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    // Depth-first search from every module; a module met again on the
    // current path closes a circle.
    fn visit<'a>(
        module: &'a str,
        allowed: &BTreeMap<&'a str, &'a [&'a str]>,
        path: &mut Vec<&'a str>,
    ) {
        assert!(
            !path.contains(&module),
            "import circle: {path:?} -> {module}"
        );
        path.push(module);
        for next in allowed.get(module).copied().unwrap_or_default() {
            visit(next, allowed, path);
        }
        path.pop();
    }
    for module in allowed.keys() {
        visit(module, &allowed, &mut Vec::new());
    }
}

#[test]
fn crate_paths_are_found_outside_comments() {
    let text =
        "use crate::engine::Strip;\n// crate::tui is only named here\nlet x = crate::view::f();";
    let found: Vec<String> = crate_uses(text).into_iter().collect();
    assert_eq!(found, ["engine", "view"]);
}
