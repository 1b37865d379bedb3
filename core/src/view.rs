//! What is on screen, as cells: the viewport, turning a rank's rows of
//! cells into the viewport's dots, and merging the ranks' parts on rank 0.
//! Pure: no MPI, no terminal. life-tui's live round (`live`) and its
//! terminal widgets (`tui`) both build on it.
//!
//! A part holds the dot rows that the rank's cell rows touch (a dot row
//! zoomed out may straddle two ranks: both send it and rank 0 merges).
//! Each dot row is `ceil(dots_w / 8)` bytes of bits (LSB first) or, for a
//! density viewport, `dots_w` bytes from 0 (dead) to 255 (all alive).

use std::ops::Range;

/// The part of the grid on screen: `dots_w` x `dots_h` dots, each standing
/// for a `scale` x `scale` block of cells, the first one's top-left cell at
/// (`x0`, `y0`) (negative when the grid is smaller than the screen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewport {
    pub x0: i64,
    pub y0: i64,
    pub scale: u64,
    pub dots_w: usize,
    pub dots_h: usize,
    /// One byte of density per dot; otherwise one bit (alive if any cell is).
    pub density: bool,
}

impl Viewport {
    pub const EMPTY: Viewport = Viewport {
        x0: 0,
        y0: 0,
        scale: 1,
        dots_w: 0,
        dots_h: 0,
        density: false,
    };
}

/// Bytes of one dot row.
pub fn row_bytes(view: &Viewport) -> usize {
    if view.density {
        view.dots_w
    } else {
        view.dots_w.div_ceil(8)
    }
}

/// The dot rows that cell rows `rows` (rows of the grid, or of the plane)
/// touch.
pub fn dot_rows(view: &Viewport, rows: Range<i64>) -> Range<usize> {
    let scale = view.scale.max(1) as i128;
    let top = view.y0 as i128;
    let bottom = top + view.dots_h as i128 * scale;
    let lo = i128::from(rows.start).max(top);
    let hi = i128::from(rows.end).min(bottom);
    if lo >= hi {
        return 0..0;
    }
    let first = ((lo - top) / scale) as usize;
    let last = ((hi - 1 - top) / scale) as usize;
    first..last + 1
}

/// The length of the part that a rank holding `rows` sends.
pub fn part_len(view: &Viewport, rows: Range<i64>) -> usize {
    dot_rows(view, rows).len() * row_bytes(view)
}

/// Live cells of `row` in columns `from..to`.
fn count_range(row: &[u64], from: usize, to: usize) -> u32 {
    if from >= to {
        return 0;
    }
    let (first, last) = (from / 64, (to - 1) / 64);
    let low = u64::MAX << (from % 64);
    let high = u64::MAX >> (63 - (to - 1) % 64);
    if first == last {
        return (row[first] & low & high).count_ones();
    }
    (row[first] & low).count_ones()
        + row[first + 1..last]
            .iter()
            .map(|w| w.count_ones())
            .sum::<u32>()
        + (row[last] & high).count_ones()
}

/// A block's live-cell count as one byte: 0 only when no cell is alive.
pub fn density_byte(count: u64, area: u64) -> u8 {
    if count == 0 {
        0
    } else {
        (count * 255 / area.max(1)).clamp(1, 255) as u8
    }
}

/// Renders the viewport's dots that the cell rows `rows` (global indices)
/// touch; `row(y)` gives global row `y` as packed words.
pub fn render_part<'a>(
    view: &Viewport,
    rows: Range<usize>,
    width: usize,
    row: impl Fn(usize) -> &'a [u64],
) -> Vec<u8> {
    let dots = dot_rows(view, as_i64(&rows));
    let stride = row_bytes(view);
    let mut out = vec![0u8; dots.len() * stride];
    if dots.is_empty() {
        return out;
    }
    let scale = view.scale.max(1) as i128;
    // Each dot column's cell columns, clipped to the grid.
    let columns: Vec<(usize, usize)> = (0..view.dots_w)
        .map(|i| {
            let from = view.x0 as i128 + i as i128 * scale;
            let to = from + scale;
            let clip = |v: i128| v.clamp(0, width as i128) as usize;
            (clip(from), clip(to))
        })
        .collect();
    let area = (view.scale.max(1)).saturating_mul(view.scale.max(1));
    let mut counts = vec![0u64; view.dots_w];
    for (k, j) in dots.enumerate() {
        counts.fill(0);
        let from = view.y0 as i128 + j as i128 * scale;
        let to = from + scale;
        let lo = from.max(rows.start as i128) as usize;
        let hi = to.min(rows.end as i128).max(0) as usize;
        for y in lo..hi {
            let cells = row(y);
            for (count, &(a, b)) in counts.iter_mut().zip(&columns) {
                *count += u64::from(count_range(cells, a, b));
            }
        }
        let line = &mut out[k * stride..(k + 1) * stride];
        if view.density {
            for (byte, &count) in line.iter_mut().zip(&counts) {
                *byte = density_byte(count, area);
            }
        } else {
            for (i, &count) in counts.iter().enumerate() {
                if count > 0 {
                    line[i / 8] |= 1 << (i % 8);
                }
            }
        }
    }
    out
}

/// Merges one rank's part into the full picture (`dots_w * dots_h` bytes,
/// 0 to 255 per dot). Dot rows sent by two ranks add up.
pub fn merge_part(view: &Viewport, rows: Range<i64>, part: &[u8], dots: &mut [u8]) {
    let range = dot_rows(view, rows);
    let stride = row_bytes(view);
    debug_assert_eq!(part.len(), range.len() * stride);
    for (k, j) in range.enumerate() {
        let line = &part[k * stride..(k + 1) * stride];
        let target = &mut dots[j * view.dots_w..(j + 1) * view.dots_w];
        if view.density {
            for (dot, &byte) in target.iter_mut().zip(line) {
                *dot = dot.saturating_add(byte);
            }
        } else {
            for (i, dot) in target.iter_mut().enumerate() {
                if line[i / 8] >> (i % 8) & 1 == 1 {
                    *dot = 255;
                }
            }
        }
    }
}

/// Grid rows as the signed rows that [`dot_rows`] takes.
pub fn as_i64(rows: &Range<usize>) -> Range<i64> {
    rows.start as i64..rows.end as i64
}

/// Renders the viewport's dots that the plane's cell rows `rows` touch,
/// as [`render_part`] does for a grid: `tiles` gives the live tiles that
/// meet the viewport, as (first column, first row, its rows of 64 cells,
/// the lowest bit the first column). The work follows the live tiles on
/// screen, not the plane's size.
pub fn render_plane_part<'a>(
    view: &Viewport,
    rows: Range<i64>,
    tiles: impl Iterator<Item = (i64, i64, &'a [u64])>,
) -> Vec<u8> {
    let dots = dot_rows(view, rows.clone());
    let stride = row_bytes(view);
    let mut out = vec![0u8; dots.len() * stride];
    if dots.is_empty() {
        return out;
    }
    let scale = view.scale.max(1) as i128;
    let (left, top) = (i128::from(view.x0), i128::from(view.y0));
    let right = left + view.dots_w as i128 * scale;
    let first_row = top + dots.start as i128 * scale;
    let last_row = (top + dots.end as i128 * scale).min(i128::from(rows.end));
    let first_row = first_row.max(i128::from(rows.start));
    // Live cells per dot, for the dot rows of this part.
    let mut counts = vec![0u64; dots.len() * view.dots_w];
    for (x0, y0, cells) in tiles {
        for (r, &word) in cells.iter().enumerate() {
            let y = i128::from(y0) + r as i128;
            if word == 0 || y < first_row || y >= last_row {
                continue;
            }
            let line = ((y - top) / scale) as usize - dots.start;
            let counts = &mut counts[line * view.dots_w..(line + 1) * view.dots_w];
            let mut bits = word;
            while bits != 0 {
                let x = i128::from(x0) + i128::from(bits.trailing_zeros());
                if x >= left && x < right {
                    // The run of this dot's cells in the word, counted at once.
                    let i = ((x - left) / scale) as usize;
                    let dot_end = left + (i as i128 + 1) * scale;
                    let run = (dot_end - i128::from(x0)).min(64) as u32;
                    let mask = if run >= 64 {
                        u64::MAX
                    } else {
                        (1u64 << run) - 1
                    };
                    counts[i] += u64::from((bits & mask).count_ones());
                    bits &= !mask;
                } else {
                    bits &= bits - 1;
                }
            }
        }
    }
    let area = view.scale.max(1).saturating_mul(view.scale.max(1));
    for (k, line) in out.chunks_exact_mut(stride).enumerate() {
        let counts = &counts[k * view.dots_w..(k + 1) * view.dots_w];
        if view.density {
            for (byte, &count) in line.iter_mut().zip(counts) {
                *byte = density_byte(count, area);
            }
        } else {
            for (i, &count) in counts.iter().enumerate() {
                if count > 0 {
                    line[i / 8] |= 1 << (i % 8);
                }
            }
        }
    }
    out
}

/// Whether dot column `i` / row `j` shows any cell of the grid.
pub fn dot_inside(view: &Viewport, width: usize, height: usize, i: usize, j: usize) -> bool {
    let scale = view.scale.max(1) as i128;
    let x = view.x0 as i128 + i as i128 * scale;
    let y = view.y0 as i128 + j as i128 * scale;
    x + scale > 0 && x < width as i128 && y + scale > 0 && y < height as i128
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::BitGrid;

    fn picture(grid: &BitGrid, view: &Viewport, ranks: usize) -> Vec<u8> {
        let mut dots = vec![0u8; view.dots_w * view.dots_h];
        let height = grid.height();
        for rank in 0..ranks {
            let rows = rank * height / ranks..(rank + 1) * height / ranks;
            let part = render_part(view, rows.clone(), grid.width(), |y| grid.row(y));
            assert_eq!(part.len(), part_len(view, as_i64(&rows)));
            merge_part(view, as_i64(&rows), &part, &mut dots);
        }
        dots
    }

    fn soup(width: usize, height: usize) -> BitGrid {
        let mut grid = BitGrid::new(width, height);
        for y in 0..height {
            for x in 0..width {
                if (x * 7 + y * 13 + x * y) % 5 == 0 {
                    grid.set(x, y, true);
                }
            }
        }
        grid
    }

    #[test]
    fn one_cell_per_dot_shows_every_cell_for_any_rank_count() {
        let grid = soup(150, 37);
        let view = Viewport {
            x0: -3,
            y0: 2,
            scale: 1,
            dots_w: 160,
            dots_h: 40,
            density: false,
        };
        for ranks in [1, 2, 3, 5] {
            let dots = picture(&grid, &view, ranks);
            for j in 0..view.dots_h {
                for i in 0..view.dots_w {
                    let (x, y) = (i as i64 - 3, j as i64 + 2);
                    let alive = x >= 0
                        && (x as usize) < grid.width()
                        && (y as usize) < grid.height()
                        && grid.get(x as usize, y as usize);
                    assert_eq!(
                        dots[j * view.dots_w + i] == 255,
                        alive,
                        "({i},{j}) ranks {ranks}"
                    );
                }
            }
        }
    }

    #[test]
    fn zoomed_out_dots_count_blocks_across_rank_seams() {
        let grid = soup(200, 90);
        let view = Viewport {
            x0: 0,
            y0: 0,
            scale: 8,
            dots_w: 25,
            dots_h: 12,
            density: true,
        };
        let one = picture(&grid, &view, 1);
        let seven = picture(&grid, &view, 7);
        for (a, b) in one.iter().zip(&seven) {
            // Quantised per part, so two parts may differ from one by a step.
            assert!((i32::from(*a) - i32::from(*b)).abs() <= 2, "{a} vs {b}");
            assert_eq!(*a == 0, *b == 0);
        }
        let bits = picture(
            &grid,
            &Viewport {
                density: false,
                ..view
            },
            4,
        );
        for (a, b) in one.iter().zip(&bits) {
            assert_eq!(*a > 0, *b == 255);
        }
    }

    /// The plane's renderer shows what the grid's shows, for the same
    /// cells placed anywhere, at any zoom, split into any bands.
    #[test]
    fn plane_parts_match_grid_parts() {
        use crate::engine::Rule;
        use crate::engine::plane::Plane;
        let grid = soup(300, 170);
        for (ox, oy) in [
            (0i64, 0i64),
            (-1000, 77),
            (-(1 << 40), -(1 << 41)),
            (-33, -95),
        ] {
            let plane = Plane::from_cells(
                Rule::LIFE,
                grid.live_cells()
                    .map(|(x, y)| (x as i64 + ox, y as i64 + oy)),
            );
            for (scale, density) in [(1, false), (3, true), (8, false), (64, true), (100, true)] {
                let view = Viewport {
                    x0: -7,
                    y0: -5,
                    scale,
                    dots_w: 120,
                    dots_h: 60,
                    density,
                };
                let shifted = Viewport {
                    x0: view.x0 + ox,
                    y0: view.y0 + oy,
                    ..view
                };
                let want = picture(&grid, &view, 1);
                for cuts in [vec![], vec![40], vec![13, 14, 100]] {
                    let mut edges = vec![i64::MIN];
                    edges.extend(cuts.iter().map(|&c| c + oy));
                    edges.push(i64::MAX);
                    let mut dots = vec![0u8; view.dots_w * view.dots_h];
                    for band in edges.windows(2) {
                        let rows = band[0]..band[1];
                        let tiles = plane
                            .tiles_meeting(i64::MIN..i64::MAX, rows.clone())
                            .filter(|&(_, y0, cells)| {
                                y0 + cells.len() as i64 > rows.start && y0 < rows.end
                            });
                        // A band holds whole tiles: mask the rows outside it.
                        let owned: Vec<(i64, i64, Vec<u64>)> = tiles
                            .map(|(x0, y0, cells)| {
                                let kept = cells
                                    .iter()
                                    .enumerate()
                                    .map(|(r, &w)| {
                                        if rows.contains(&(y0 + r as i64)) {
                                            w
                                        } else {
                                            0
                                        }
                                    })
                                    .collect();
                                (x0, y0, kept)
                            })
                            .collect();
                        let part = render_plane_part(
                            &shifted,
                            rows.clone(),
                            owned.iter().map(|(x, y, c)| (*x, *y, &c[..])),
                        );
                        assert_eq!(part.len(), part_len(&shifted, rows.clone()));
                        merge_part(&shifted, rows, &part, &mut dots);
                    }
                    for (k, (a, b)) in want.iter().zip(&dots).enumerate() {
                        let close = (i32::from(*a) - i32::from(*b)).abs() <= 2 * cuts.len() as i32;
                        assert!(
                            close && (*a == 0) == (*b == 0),
                            "dot {k}: {a} vs {b}, at ({ox},{oy}) scale {scale} cuts {cuts:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn counting_ranges_matches_naive() {
        let grid = soup(300, 1);
        let row = grid.row(0);
        for from in [0, 1, 63, 64, 65, 127, 200] {
            for to in [from, from + 1, 64, 128, 129, 250, 300] {
                let naive = (from..to.max(from)).filter(|&x| grid.get(x, 0)).count() as u32;
                assert_eq!(count_range(row, from, to), naive, "{from}..{to}");
            }
        }
    }
}
