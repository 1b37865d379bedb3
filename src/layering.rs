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
        &[
            "cli", "config", "engine", "error", "input", "memory", "pattern",
        ],
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
/// `mod.rs`), names outside comments. See [`absolute_paths`] for the forms
/// read: a rustfmt setting that groups imports cannot hide an edge.
fn crate_uses(text: &str, module: &[&str]) -> BTreeSet<String> {
    absolute_paths(text, module)
        .into_iter()
        .filter_map(|path| path.into_iter().next())
        .collect()
}

/// Every path of this crate that `text`, the source of the module at
/// `module`, names outside comments, strings and character literals, as
/// its names from the crate's root: `crate::a::b` and `life_core::a::b`
/// (the core crate, whose modules this crate's root re-exports), grouped
/// ones (`crate::{a, b::{self, c}}`, over several lines as rustfmt writes
/// them) as one path per item, and `super::` and `self::` paths resolved
/// from where they stand, inside inline modules (`mod tests { .. }`) too.
fn absolute_paths(text: &str, module: &[&str]) -> Vec<Vec<String>> {
    let code = code_only(text);
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    // The inline modules around the current position, with the brace
    // depth each opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut opening_mod: Option<String> = None;
    let mut depth = 0;
    let mut found = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let c = rest.chars().next().unwrap_or(' ');
        let starts_word = code[..at].chars().next_back().is_none_or(|c| !is_ident(c));
        match c {
            '{' => {
                depth += 1;
                if let Some(name) = opening_mod.take() {
                    inline.push((name, depth));
                }
            }
            '}' => {
                if inline.last().is_some_and(|&(_, d)| d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            ';' => opening_mod = None,
            _ => {}
        }
        if starts_word && let Some(after) = rest.strip_prefix("mod ") {
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|&c| is_ident(c))
                .collect();
            opening_mod = Some(name);
        }
        let here: Vec<&str> = (module.iter().copied())
            .chain(inline.iter().map(|(name, _)| name.as_str()))
            .collect();
        let base = if !starts_word {
            None
        } else if let Some(after) = rest.strip_prefix("crate::") {
            Some((Vec::new(), after))
        } else if let Some(after) = rest.strip_prefix("life_core::") {
            Some((Vec::new(), after))
        } else if let Some(after) = rest.strip_prefix("self::") {
            Some((here.clone(), after))
        } else if rest.starts_with("super::") {
            // Each `super` climbs one module from where it stands.
            let mut after = rest;
            let mut climbed = 0;
            while let Some(next) = after.strip_prefix("super::") {
                after = next.trim_start();
                climbed += 1;
            }
            (climbed <= here.len()).then(|| (here[..here.len() - climbed].to_vec(), after))
        } else {
            None
        };
        let Some((base, after)) = base else {
            at += c.len_utf8();
            continue;
        };
        let base: Vec<String> = base.into_iter().map(String::from).collect();
        found.extend(expand(after, &base).into_iter().filter(|p| !p.is_empty()));
        at = code.len() - after.len();
    }
    found
}

/// The paths that `text`, what follows `prefix::` in the source, names:
/// one for a plain path, one per item of a `{...}` group (nested groups
/// too; `self` is the prefix itself).
fn expand(text: &str, prefix: &[String]) -> Vec<Vec<String>> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut path = prefix.to_vec();
    let mut rest = text.trim_start();
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            return top_level_items(group)
                .into_iter()
                .flat_map(|item| match item {
                    "self" => vec![path.clone()],
                    item => expand(item, &path),
                })
                .collect();
        }
        let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
        if name.is_empty() || name == "self" {
            return vec![path];
        }
        rest = rest[name.len()..].trim_start();
        path.push(name);
        match rest.strip_prefix("::") {
            Some(next) => rest = next.trim_start(),
            None => return vec![path],
        }
    }
}

/// `text` with comments, string literals and character literals blanked
/// out (each character by a space, so positions and lines stay): what is
/// left is code, whose braces balance.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nesting += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nesting -= 1;
                    out.push_str("  ");
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !ident_before(&chars, i) {
            // A raw string: r"..." or r#"..."#, no escapes inside.
            let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body = i + 2 + hashes;
            let end = (body..chars.len())
                .find(|&k| chars[k..].starts_with(&close))
                .map_or(chars.len(), |k| k + close.len());
            (i..end).for_each(|k| blank(&mut out, chars[k]));
            i = end;
        } else if c == '"' {
            blank(&mut out, c);
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let step = if chars[i] == '\\' { 2 } else { 1 };
                (i..(i + step).min(chars.len())).for_each(|k| blank(&mut out, chars[k]));
                i += step;
            }
            if i < chars.len() {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '\'' && char_literal_len(&chars[i..]).is_some() {
            let len = char_literal_len(&chars[i..]).unwrap_or(1);
            (i..i + len).for_each(|k| blank(&mut out, chars[k]));
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == '_')
}

/// The length of the character literal at the start of `chars` (`'x'`,
/// `'\n'`, `'\u{1b}'`), or None for a lifetime (`'a`).
fn char_literal_len(chars: &[char]) -> Option<usize> {
    match chars.get(1)? {
        '\\' => chars.iter().skip(2).position(|&c| c == '\'').map(|k| k + 3),
        _ => (chars.get(2) == Some(&'\'')).then_some(3),
    }
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
    // src/config.rs (or src/tui/mod.rs) in one; fewer stay inside (the
    // module's own name, which the layer check leaves out).
    let supers = "use super::super::engine::Strip;\nuse super::history;\n";
    let found: Vec<String> = crate_uses(supers, &["tui", "app"]).into_iter().collect();
    assert_eq!(found, ["engine", "tui"]);
    let found: Vec<String> = crate_uses("use super::{tui, view};", &["config"])
        .into_iter()
        .collect();
    assert_eq!(found, ["tui", "view"]);
    assert!(crate_uses("use super::history;", &["tui"]).contains("history"));
    // Not a path of this crate.
    assert!(crate_uses("use other_crate::tui; let s = nosuper::x;", &["config"]).is_empty());
}

#[test]
fn core_paths_inline_modules_and_literals_are_read_right() {
    // The core crate's own name reaches the same modules as `crate::`.
    let core = "use life_core::pattern::rle;\nfn f() { ::life_core::checkpoint::x(); }";
    let found: Vec<String> = crate_uses(core, &["cluster"]).into_iter().collect();
    assert_eq!(found, ["checkpoint", "pattern"]);
    // Inside `mod tests { .. }` one `super` only leaves the inline module.
    let inline = "fn a() {}\n#[cfg(test)]\nmod tests {\n    use super::Helper;\n    use super::super::engine::Rule;\n    mod deeper { use super::super::super::view::V; }\n}\nuse super::cli::Cli;";
    let found: Vec<String> = crate_uses(inline, &["config"]).into_iter().collect();
    assert_eq!(found, ["cli", "config", "engine", "view"]);
    let paths = absolute_paths(inline, &["config"]);
    assert!(paths.contains(&vec!["config".to_string(), "Helper".to_string()]));
    // Strings, raw strings, character literals and block comments are not
    // code; their braces do not open or close a module.
    let literals = "mod tests { fn f() { let s = \"crate::tui {\"; let r = r#\"super::x }\"#;\n let c = '{'; /* crate::cli */ }\n use super::super::view; }";
    let found: Vec<String> = crate_uses(literals, &["config"]).into_iter().collect();
    assert_eq!(found, ["view"]);
    // `self::` and `super::` paths resolve from where they stand.
    let paths = absolute_paths(
        "use self::x::Y; use super::{a::{self, B}, c};",
        &["tui", "app"],
    );
    let as_text: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(as_text, ["tui::app::x::Y", "tui::a", "tui::a::B", "tui::c"]);
}

/// The sibling files that `text`, the file `name` in the module folder
/// `folder` (`["tui"]` for `src/tui/`), names: any path that resolves to
/// `FOLDER::SIBLING` (`super::SIBLING`, `crate::tui::SIBLING`, grouped, or
/// from an inline module).
fn sibling_uses(
    text: &str,
    folder: &[&str],
    name: &str,
    siblings: &BTreeSet<String>,
) -> BTreeSet<String> {
    let module: Vec<&str> = folder.iter().copied().chain([name]).collect();
    folder_uses(text, &module, folder, name, siblings)
}

/// As [`sibling_uses`], for the source of `module`, which is `node` of the
/// folder or one of its descendants (`tui::app::ui` is the App's).
fn folder_uses(
    text: &str,
    module: &[&str],
    folder: &[&str],
    node: &str,
    siblings: &BTreeSet<String>,
) -> BTreeSet<String> {
    absolute_paths(text, module)
        .into_iter()
        .filter(|path| path.len() > folder.len() && path.iter().zip(folder).all(|(a, b)| a == b))
        .map(|path| path[folder.len()].clone())
        .filter(|sibling| sibling != node && siblings.contains(sibling))
        .collect()
}

/// The `.rs` files under `dir`, at any depth.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for path in std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// Module folder (every folder under `src`, nested ones too, as
/// `tui/app`) -> each of its modules -> the sibling modules it uses. A
/// module is a file of the folder (but `mod.rs`, the folder's root) with
/// its children's files (`tui/app/ui.rs` counts as `app`), or a subfolder.
fn folder_graphs(src: &Path) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let components = |path: &Path| -> Vec<String> {
        (path.components())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    };
    let mut graphs = BTreeMap::new();
    let all = rust_files(src);
    let mut folders: BTreeSet<std::path::PathBuf> = all
        .iter()
        .filter_map(|f| f.parent())
        .map(Path::to_path_buf)
        .collect();
    folders.remove(src);
    for dir in folders {
        let folder = components(dir.strip_prefix(src).unwrap());
        let folder: Vec<&str> = folder.iter().map(String::as_str).collect();
        // Each file below the folder, as its module path from the folder.
        let below: Vec<(Vec<String>, &std::path::PathBuf)> = all
            .iter()
            .filter_map(|file| {
                let mut inside =
                    components(file.strip_prefix(&dir).ok()?.with_extension("").as_path());
                if inside.last().is_some_and(|last| last == "mod") {
                    inside.pop();
                }
                (!inside.is_empty()).then_some((inside, file))
            })
            .collect();
        let nodes: BTreeSet<String> = below.iter().map(|(inside, _)| inside[0].clone()).collect();
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (inside, file) in &below {
            let module: Vec<&str> = (folder.iter().copied())
                .chain(inside.iter().map(String::as_str))
                .collect();
            let text = std::fs::read_to_string(file).unwrap();
            let node = &inside[0];
            let uses = folder_uses(&text, &module, &folder, node, &nodes);
            graph.entry(node.clone()).or_default().extend(uses);
        }
        graphs.insert(folder.join("/"), graph);
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
        .map(|(name, text)| {
            let uses = sibling_uses(text, &["tui"], name, &names);
            (name.to_string(), uses)
        })
        .collect();
    assert_eq!(graph["app"], ["history".to_string()].into());
    assert_eq!(graph["history"], ["app", "ui"].map(String::from).into());
    let circle = circle_in(&graph).expect("app -> history -> app");
    assert_eq!(circle.first(), circle.last());
    // Without history's import of the App, the rest is a chain.
    let mut chain = graph.clone();
    chain.insert("history".into(), BTreeSet::new());
    assert_eq!(circle_in(&chain), None);
    // From a test module inside the file, and in a nested folder.
    let inline = "mod tests { use super::super::app::App; }";
    assert_eq!(
        sibling_uses(inline, &["tui"], "history", &names),
        ["app".to_string()].into()
    );
    let nested = "use crate::tui::tests::{ui, app::draw};";
    let found = sibling_uses(nested, &["tui", "tests"], "history", &names);
    assert_eq!(found, ["app", "ui"].map(String::from).into());
    assert!(
        sibling_uses(
            "use super::super::app::App;",
            &["tui", "tests"],
            "history",
            &names
        )
        .is_empty()
    );
}

#[test]
fn every_module_folder_is_read_nested_ones_too() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let graphs = folder_graphs(&root.join("src"));
    for folder in [
        "cluster",
        "headless",
        "live",
        "tui",
        "tui/app",
        "tui/app/tests",
    ] {
        assert!(graphs.contains_key(folder), "{folder}: {:?}", graphs.keys());
    }
    // The App's children count as the App: its drawing uses speedup.
    assert!(
        graphs["tui"]["app"].contains("speedup"),
        "{:?}",
        graphs["tui"]
    );
    assert!(graphs["tui"]["event_loop"].contains("app"));
    assert!(graphs["tui/app/tests"].contains_key("widgets"));
    let core = folder_graphs(&root.join("core/src"));
    assert!(core.contains_key("engine") && core.contains_key("pattern"));
}
