//! Saving the whole grid, gathered on rank 0, as RLE written atomically:
//! `s` writes `life-<gen>.rle`; `--checkpoint-every K --checkpoint FILE`
//! rewrites FILE every K generations. Both files are resumable.

use std::path::Path;
use std::time::Instant;

use super::app::App;
use crate::checkpoint;
use crate::engine::BitGrid;
use crate::pattern::Pattern;

/// `grid` (of generation `generation`) as a pattern that `--resume`
/// continues from.
pub fn saved(grid: BitGrid, app: &App, generation: u64) -> Pattern {
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
    checkpoint::saved_grid(
        grid,
        app.info.rule,
        app.info.edge,
        generation,
        app.pattern.clone(),
        origin,
    )
}

fn generation_of(saved: &Pattern) -> u64 {
    checkpoint::generation_of(saved).unwrap_or(0)
}

/// `s`: saves `saved` as `life-<generation>.rle` in `dir`, and says what
/// happened in one line.
pub fn save(dir: &Path, saved: &Pattern) -> String {
    let name = format!("life-{}.rle", generation_of(saved));
    match checkpoint::write(&dir.join(&name), saved) {
        Ok(()) => format!("saved {name} ({} live cells)", saved.cells.population()),
        Err(err) => format!("could not save {name}: {err}"),
    }
}

/// A checkpoint: overwrites `path` (atomically: a reader, or a crash,
/// sees the previous checkpoint or this one, never half of one).
pub fn checkpoint(path: &Path, saved: &Pattern) -> String {
    let started = Instant::now();
    let generation = generation_of(saved);
    match checkpoint::write(path, saved) {
        Ok(()) => format!(
            "checkpoint: gen {generation} written to {} ({} live cells, {:.1} ms)",
            path.display(),
            saved.cells.population(),
            started.elapsed().as_secs_f64() * 1e3
        ),
        Err(err) => format!("checkpoint of gen {generation} FAILED: {err}"),
    }
}
