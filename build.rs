//! Build-time facts for `--version` (the pattern library is embedded by
//! core/build.rs).

use std::path::Path;

fn main() {
    commit();
}

/// The commit the binary is built from, for `--version`: `git describe`
/// where the source is a git checkout, else "unknown" (a source tarball).
fn commit() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = git(&["describe", "--always", "--dirty", "--abbrev=12"]);
    // Rebuilt when HEAD moves: the HEAD file, and the branch it names.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["symbolic-ref", "-q", "HEAD"])
            .and_then(|branch| git(&["rev-parse", "--git-path", &branch])),
    ]
    .into_iter()
    .flatten()
    {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!(
        "cargo:rustc-env=LIFE_TUI_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
}
