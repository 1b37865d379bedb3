//! Saving the whole grid, gathered on rank 0, as RLE written atomically:
//! `s` writes `life-<gen>.rle`; `--checkpoint-every K --checkpoint FILE`
//! rewrites FILE every K generations. Both files are resumable.

use std::path::Path;
use std::time::Instant;

use super::app::App;
use crate::engine::BitGrid;
use crate::{checkpoint, files, pattern};

/// Writes `grid` (of generation `generation`) to `path` atomically, as a
/// pattern that `--resume` continues from; the number of live cells.
fn write(path: &Path, grid: BitGrid, app: &App, generation: u64) -> Result<u64, files::FileError> {
    let population = grid.population();
    let origin = match &app.pattern {
        Some(name) => format!(
            "Live view on {} rank(s), started from pattern {name}",
            app.info.ranks()
        ),
        None => format!(
            "Live view on {} rank(s), started from seed {}",
            app.info.ranks(),
            app.seed
        ),
    };
    let saved = checkpoint::saved_grid(
        grid,
        app.info.rule,
        app.info.edge,
        generation,
        app.pattern.clone(),
        origin,
    );
    files::write_atomically(path, pattern::write_rle(&saved).as_bytes())?;
    Ok(population)
}

/// `s`: saves the grid of generation `generation` as `life-<generation>.rle`
/// in `dir`, and says what happened in one line.
pub fn save(dir: &Path, grid: BitGrid, app: &App, generation: u64) -> String {
    let name = format!("life-{generation}.rle");
    match write(&dir.join(&name), grid, app, generation) {
        Ok(population) => format!("saved {name} ({population} live cells)"),
        Err(err) => format!("could not save {name}: {err}"),
    }
}

/// A checkpoint: overwrites `path` (atomically: a reader, or a crash,
/// sees the previous checkpoint or this one, never half of one).
pub fn checkpoint(path: &Path, grid: BitGrid, app: &App, generation: u64) -> String {
    let started = Instant::now();
    match write(path, grid, app, generation) {
        Ok(population) => format!(
            "checkpoint: gen {generation} written to {} ({population} live cells, {:.1} ms)",
            path.display(),
            started.elapsed().as_secs_f64() * 1e3
        ),
        Err(err) => format!("checkpoint of gen {generation} FAILED: {err}"),
    }
}
