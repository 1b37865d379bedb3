//! What the studies of `make bench` share: the machine's description and
//! statistics (`common`), and the scaling model (`model`, pure arithmetic,
//! tested in `tools/tests/scaling_model.rs`). The studies themselves are the
//! binaries in `src/bin/`.

pub mod common;
pub mod model;

use std::path::PathBuf;

/// The workspace's root, where `target/`, `scripts/` and `benches/` are.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tools/ is inside the workspace")
        .to_path_buf()
}

/// The release binary the studies run, or why it is not there.
pub fn life_tui() -> Result<PathBuf, String> {
    let path = root().join("target/release/life-tui");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is not built: run `make bench` (or `cargo build --release` first)",
            path.display()
        ))
    }
}
