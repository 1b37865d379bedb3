//! Saving what lives, gathered on rank 0, as RLE written atomically: `s`
//! writes `life-<gen>.rle`; `--checkpoint-every K --checkpoint FILE`
//! rewrites FILE every K generations. Both files are resumable: a grid
//! with its size and edge, the plane's live cells with their position.

use std::path::Path;
use std::time::Instant;

use super::app::App;
use crate::checkpoint;
use crate::engine::{BitGrid, plane};
use crate::files;
use crate::pattern;

/// What is to be written: the RLE text and what the messages say of it.
pub struct Saved {
    generation: u64,
    population: u64,
    text: String,
}

/// `grid` (of generation `generation`) as a file that `--resume`
/// continues from.
pub fn saved(grid: BitGrid, app: &App, generation: u64) -> Saved {
    let origin = match app.pattern() {
        Some(name) => format!(
            "Live view on {} rank(s), started from pattern {name}",
            app.info().ranks()
        ),
        None => format!(
            "Live view on {} rank(s), started from seed {}",
            app.info().ranks(),
            app.seed()
        ),
    };
    let population = grid.population();
    let pattern = checkpoint::saved_grid(
        grid,
        app.info().rule,
        app.info().edge,
        generation,
        app.pattern().map(String::from),
        origin,
    );
    Saved {
        generation,
        population,
        text: pattern::write_rle(&pattern),
    }
}

/// The plane's live tiles (of generation `generation`, packed as the
/// plane packs them for a message) as Golly's extended RLE with their
/// position, which `--resume` continues from and Golly opens in place.
pub fn saved_plane(tiles: &[u64], app: &App, generation: u64) -> Saved {
    let name = match app.pattern() {
        Some(name) => name.to_string(),
        None => format!("a soup of seed {}", app.seed()),
    };
    Saved {
        generation,
        population: plane::transfer_cells(tiles).count() as u64,
        text: checkpoint::plane_rle(&name, app.info().rule, generation, tiles),
    }
}

/// `s`: saves `saved` as `life-<generation>.rle` in `dir`, and says what
/// happened in one line.
pub fn save(dir: &Path, saved: &Saved) -> String {
    let name = format!("life-{}.rle", saved.generation);
    match files::write_atomically(&dir.join(&name), saved.text.as_bytes()) {
        Ok(()) => format!("saved {name} ({} live cells)", saved.population),
        Err(err) => format!("could not save {name}: {err}"),
    }
}

/// A checkpoint: overwrites `path` (atomically: a reader, or a crash,
/// sees the previous checkpoint or this one, never half of one).
pub fn checkpoint(path: &Path, saved: &Saved) -> String {
    let started = Instant::now();
    let generation = saved.generation;
    match files::write_atomically(path, saved.text.as_bytes()) {
        Ok(()) => format!(
            "checkpoint: gen {generation} written to {} ({} live cells, {:.1} ms)",
            path.display(),
            saved.population,
            started.elapsed().as_secs_f64() * 1e3
        ),
        Err(err) => format!("checkpoint of gen {generation} FAILED: {err}"),
    }
}
