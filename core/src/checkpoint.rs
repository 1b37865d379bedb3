//! Checkpoints: the whole grid saved as Golly's extended RLE, whose
//! `#CXRLE Pos=X,Y Gen=N` line carries the generation number, and whose
//! bounded-grid rule suffix (`B3/S23:T512,512`) carries the size and edge.

use std::path::Path;

use crate::engine::plane;
use crate::engine::{BitGrid, Edge, Rule};
use crate::files::{self, FileError};
use crate::pattern;
use crate::pattern::{Bounds, Cells, Pattern, Xrle};

/// The generation number in a pattern's `#CXRLE ... Gen=N` line, if any.
pub fn generation_of(pattern: &Pattern) -> Option<u64> {
    pattern.xrle?.generation
}

/// True when an RLE text ends its cell data with `!`, as every file life-tui
/// writes does: a saved grid without it was cut short.
pub fn is_whole(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n' || b == b'\r')
        .filter(|line| !line.starts_with(b"#"))
        .any(|line| line.contains(&b'!'))
}

/// Writes a saved grid to `path` as RLE, atomically.
pub fn write(path: &Path, saved: &Pattern) -> Result<(), FileError> {
    files::write_atomically(path, pattern::write_rle(saved).as_bytes())
}

/// A whole grid (as gathered on rank 0) as a savable, resumable pattern.
pub fn saved_grid(
    grid: BitGrid,
    rule: Rule,
    edge: Edge,
    generation: u64,
    name: Option<String>,
    origin: String,
) -> Pattern {
    let (width, height) = (grid.width(), grid.height());
    // Golly centres a bounded grid on its origin: column 0 is at
    // x = -(width / 2), row 0 at y = -(height / 2).
    let (x, y) = (width / 2, height / 2);
    Pattern {
        name,
        author: None,
        origin: None,
        xrle: Some(Xrle {
            pos: Some((-(x as i64), -(y as i64))),
            generation: Some(generation),
        }),
        comments: vec![
            format!(
                "Generation {generation} of a {width}x{height} {edge} grid, written by life-tui"
            ),
            origin,
        ],
        rule: Some(rule),
        bounds: Some(Bounds {
            width,
            height,
            edge,
        }),
        cells: Cells::Grid(grid),
    }
}

/// The live cells of `tiles` (as [`plane::Plane::tiles_for_transfer`] packs
/// them) as Golly's extended RLE: `#CXRLE Pos=X,Y Gen=N` with the
/// top-left of the bounding box, and a rule without a bounded-grid suffix.
pub fn plane_rle(name: &str, rule: Rule, generation: u64, tiles: &[u64]) -> String {
    let mut cells: Vec<(i64, i64)> = plane::transfer_cells(tiles).collect();
    let x0 = cells.iter().map(|c| c.0).min();
    let y0 = cells.iter().map(|c| c.1).min();
    let mut saved = Pattern::from_cells(BitGrid::new(0, 0));
    saved.name = Some(name.to_string());
    saved.comments = vec![format!(
        "Saved by life-tui on the unbounded plane at generation {generation}"
    )];
    saved.rule = Some(rule);
    saved.xrle = Some(Xrle {
        pos: x0.zip(y0),
        generation: Some(generation),
    });
    pattern::rle::write_sparse(&saved, &mut cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_grid_reads_back_with_its_generation_size_and_edge() {
        let rule = Rule::parse("B36/S23").unwrap();
        let mut grid = BitGrid::new(70, 5);
        grid.set(69, 4, true);
        let saved = |generation, name: Option<&str>| {
            let name = name.map(str::to_string);
            saved_grid(
                grid.clone(),
                rule,
                Edge::Dead,
                generation,
                name,
                "Started from seed 9".into(),
            )
        };
        let text = pattern::write_rle(&saved(1234, None));
        // First, where Golly looks for it, and placing column 0 and row 0
        // on the left and top edges of Golly's grid (centred on 0,0).
        assert!(text.starts_with("#CXRLE Pos=-35,-2 Gen=1234\n"), "{text}");
        let text_named = pattern::write_rle(&saved(7, Some("Glider")));
        assert!(
            text_named.starts_with("#CXRLE Pos=-35,-2 Gen=7\n#N Glider\n"),
            "{text_named}"
        );
        assert!(text.contains("#C Started from seed 9\n"), "{text}");
        let back = pattern::parse(text.as_bytes()).unwrap();
        assert_eq!(generation_of(&back), Some(1234));
        assert_eq!(back.cells, grid);
        assert_eq!(
            back.bounds.map(|b| (b.width, b.height, b.edge)),
            Some((70, 5, Edge::Dead))
        );
        assert_eq!(back.rule, Some(rule));
        assert!(is_whole(text.as_bytes()));
        let cut = &text.as_bytes()[..text.len() - 2];
        assert!(!is_whole(cut));
    }
}
