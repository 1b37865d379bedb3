//! The layers, checked: each module of the crate may use only the modules
//! below it, so the data flows one way (engine <- view <- cluster <- live
//! round <- tui / headless <- main) and there is no import circle. Read from
//! the source's `crate::` paths, test code included, in this crate and in
//! the core crate (`core/`) whose modules it re-exports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules of the MPI-free core crate (`core/src`).
const CORE: &[&str] = &["checkpoint", "engine", "files", "pattern", "view"];

/// Each top-level module and the modules it may use. Anything not listed
/// is a new edge: add it here only if it points down.
const ALLOWED: &[(&str, &[&str])] = &[
    ("engine", &[]),
    ("files", &[]),
    ("launch", &[]),
    ("exit", &[]),
    ("signals", &[]),
    ("keys", &[]),
    ("json_lines", &[]),
    ("pattern", &["engine", "files"]),
    ("view", &["engine"]),
    ("checkpoint", &["engine", "files", "pattern"]),
    ("cluster", &["engine", "exit", "signals"]),
    ("cli", &["engine", "keys"]),
    (
        "config",
        &["checkpoint", "cli", "cluster", "engine", "error", "pattern"],
    ),
    (
        "error",
        &["cluster", "engine", "exit", "files", "pattern", "signals"],
    ),
    ("memory", &["cluster", "config", "engine", "error"]),
    (
        "playlist",
        &["cli", "config", "engine", "input", "memory", "pattern"],
    ),
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
            "json_lines",
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
            "error",
            "exit",
            "files",
            "input",
            "json_lines",
            "keys",
            "launch",
            "live",
            "memory",
            "pattern",
            "playlist",
            "view",
        ],
    ),
];

/// The top-level modules that `text`, the source of the module at
/// `module` (`["tui", "app"]` for `src/tui/app.rs`, `["tui"]` for its
/// `mod.rs`), names outside line comments: `crate::a` paths, grouped ones
/// (`crate::{a, b::c}`, over several lines as rustfmt writes them), and
/// `super::` paths that climb to the crate's root. A rustfmt setting that
/// groups imports cannot hide an edge.
fn crate_uses(text: &str, module: &[&str]) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found = BTreeSet::new();
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let starts_path = code[..at].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = if !starts_path {
            None
        } else if let Some(after) = rest.strip_prefix("crate::") {
            Some(after)
        } else if rest.starts_with("super::") {
            // Each `super` climbs one module; the root is reached when
            // they are as many as the module's path is long.
            let mut after = rest;
            let mut climbed = 0;
            while let Some(next) = after.strip_prefix("super::") {
                after = next.trim_start();
                climbed += 1;
            }
            (climbed == module.len()).then_some(after)
        } else {
            None
        };
        let Some(after) = after else {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let after = after.trim_start();
        let names: Vec<String> = match after.strip_prefix('{') {
            Some(group) => top_level_items(group)
                .iter()
                .map(|item| item.chars().take_while(|&c| is_ident(c)).collect())
                .collect(),
            None => vec![after.chars().take_while(|&c| is_ident(c)).collect()],
        };
        found.extend(names.into_iter().filter(|n| !n.is_empty() && n != "self"));
        at = code.len() - after.len();
    }
    found
}

/// The comma-separated items of a `{...}` group up to its closing brace
/// (`group` starts just after the opening one), nested groups kept whole.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(group[start..i].trim());
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(group[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items
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
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut module_path: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module_path.last().is_some_and(|last| last == "mod") {
                module_path.pop();
            }
            let module = module_path[0].clone();
            if matches!(&*module, "lib" | "main" | "layering") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let module_path: Vec<&str> = module_path.iter().map(String::as_str).collect();
            let entry = uses.entry(module.clone()).or_default();
            entry.extend(
                crate_uses(&text, &module_path)
                    .into_iter()
                    .filter(|m| *m != module),
            );
        }
    }
    uses
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    let mut uses = uses_by_module(&root.join("src"));
    // The core crate's modules, re-exported at this crate's root: the
    // compiler keeps them off this crate, the table keeps them in order.
    let core = uses_by_module(&root.join("core/src"));
    for module in CORE {
        assert!(core.contains_key(*module), "core/src has no {module}");
    }
    for module in core.keys() {
        if !CORE.contains(&module.as_str()) {
            wrong.push(format!("{module} is in core/src but not in CORE"));
        }
    }
    uses.extend(core);
    for (module, used) in uses {
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
    let found: Vec<String> = crate_uses(text, &["config"]).into_iter().collect();
    assert_eq!(found, ["engine", "view"]);
}

#[test]
fn grouped_and_super_paths_are_found_too() {
    // As rustfmt writes a grouped import, with a nested group and `self`.
    let grouped = "use crate::{\n    engine::{self, Strip},\n    view::Viewport,\n    cli,\n};\n";
    let found: Vec<String> = crate_uses(grouped, &["config"]).into_iter().collect();
    assert_eq!(found, ["cli", "engine", "view"]);
    let one_line = "use crate::{pattern, files::{read, write}}; fn f() {}";
    let found: Vec<String> = crate_uses(one_line, &["tui", "app"]).into_iter().collect();
    assert_eq!(found, ["files", "pattern"]);
    // `super::` reaches the root from src/tui/app.rs in two steps, from
    // src/config.rs (or src/tui/mod.rs) in one; fewer stay inside.
    let supers = "use super::super::engine::Strip;\nuse super::history;\n";
    let found: Vec<String> = crate_uses(supers, &["tui", "app"]).into_iter().collect();
    assert_eq!(found, ["engine"]);
    let found: Vec<String> = crate_uses("use super::{tui, view};", &["config"])
        .into_iter()
        .collect();
    assert_eq!(found, ["tui", "view"]);
    assert!(crate_uses("use super::history;", &["tui"]).contains("history"));
    // Not a path of this crate.
    assert!(crate_uses("use other_crate::tui; let s = nosuper::x;", &["config"]).is_empty());
}

/// The sibling files that `text`, the file `name` of the module folder
/// `folder`, names: `super::NAME` (one level up, so a sibling) or
/// `crate::FOLDER::NAME`, grouped forms included.
fn sibling_uses(text: &str, folder: &str, siblings: &BTreeSet<String>) -> BTreeSet<String> {
    // Seen from the folder, `crate::FOLDER::` is `super::`, which
    // `crate_uses` follows to the root of a one-level module.
    let text = text.replace(&format!("crate::{folder}::"), "super::");
    crate_uses(&text, &["file"])
        .into_iter()
        .filter(|name| siblings.contains(name))
        .collect()
}

/// Module folder -> each of its files (but `mod.rs`) -> the siblings it uses.
fn folder_graphs(src: &Path) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut graphs = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap().flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        let files: BTreeMap<String, String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .filter(|(name, _)| name != "mod")
            .collect();
        let names: BTreeSet<String> = files.keys().cloned().collect();
        let graph = files
            .iter()
            .map(|(name, text)| {
                let mut uses = sibling_uses(text, &folder, &names);
                uses.remove(name);
                (name.clone(), uses)
            })
            .collect();
        graphs.insert(folder, graph);
    }
    graphs
}

/// An import circle in `graph`, as the path that closes it.
fn circle_in(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_folder_has_an_import_circle_between_its_files() {
    // tui/app.rs holds the features' state; the features (history,
    // speedup, tour) read it through tui/component.rs and never import
    // the App back.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut circles = Vec::new();
    for src in [root.join("src"), root.join("core/src")] {
        for (folder, graph) in folder_graphs(&src) {
            if let Some(circle) = circle_in(&graph) {
                circles.push(format!("{folder}: {}", circle.join(" -> ")));
            }
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:?}");
}

#[test]
fn a_circle_between_sibling_files_is_found() {
    let names: BTreeSet<String> = ["app", "history", "ui"].map(String::from).into();
    let texts = [
        (
            "app",
            "use super::history::History;\nuse crate::engine::Rule;",
        ),
        ("history", "use crate::tui::{ui::titled_box, app::App};"),
        ("ui", "use super::{app::App, history};"),
    ];
    let graph: BTreeMap<String, BTreeSet<String>> = texts
        .iter()
        .map(|(name, text)| (name.to_string(), sibling_uses(text, "tui", &names)))
        .collect();
    assert_eq!(graph["app"], ["history".to_string()].into());
    assert_eq!(graph["history"], ["app", "ui"].map(String::from).into());
    let circle = circle_in(&graph).expect("app -> history -> app");
    assert_eq!(circle.first(), circle.last());
    // Without history's import of the App, the rest is a chain.
    let mut chain = graph.clone();
    chain.insert("history".into(), BTreeSet::new());
    assert_eq!(circle_in(&chain), None);
}
