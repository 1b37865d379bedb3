//! Embeds every `patterns/*.rle` file in the binary, so that an installed
//! `life-tui` finds its built-in library without files beside it.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // The library lives at the workspace's root, where users find it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../patterns");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "rle"));
    files.sort();
    let mut code = String::from(
        "/// (file stem, file text) of every built-in pattern, by name.\npub static BUILTIN: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        writeln!(
            code,
            "    ({stem:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
        println!("cargo:rerun-if-changed={}", path.display());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_patterns.rs");
    std::fs::write(out, code).expect("write the generated pattern list");
}
