//! `s`: the whole grid, gathered on rank 0, saved as RLE atomically.

use std::path::Path;

use super::app::RunInfo;
use crate::engine::BitGrid;
use crate::{checkpoint, files, pattern};

/// Saves the grid of generation `generation` as `life-<generation>.rle`
/// in `dir`, and says what happened in one line.
pub fn save(
    dir: &Path,
    grid: BitGrid,
    info: &RunInfo,
    pattern_name: Option<&str>,
    generation: u64,
) -> String {
    let name = format!("life-{generation}.rle");
    let population = grid.population();
    let origin = format!("Saved from the live view on {} rank(s)", info.ranks());
    let saved = checkpoint::saved_grid(
        grid,
        info.rule,
        info.edge,
        generation,
        pattern_name.map(str::to_string),
        origin,
    );
    match files::write_atomically(&dir.join(&name), pattern::write_rle(&saved).as_bytes()) {
        Ok(()) => format!("saved {name} ({population} live cells)"),
        Err(err) => format!("could not save {name}: {err}"),
    }
}
