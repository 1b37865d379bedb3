//! Cell helpers the readers and writers share: filling runs, finding
//! where a row changes, and grids from lists of points.

use super::{Limits, PatternErrorKind, check_size};
use crate::engine::BitGrid;

/// Sets `len` cells of row `y` alive starting at column `x`, word by word.
/// The caller guarantees `x + len <= width` and `y < height`.
pub(crate) fn fill_run(grid: &mut BitGrid, y: usize, x: usize, len: usize) {
    let row = grid.row_mut(y);
    let (mut x, end) = (x, x + len);
    while x < end {
        let bit = x % 64;
        let n = (64 - bit).min(end - x);
        let mask = if n == 64 {
            u64::MAX
        } else {
            ((1u64 << n) - 1) << bit
        };
        row[x / 64] |= mask;
        x += n;
    }
}

/// The first column at or after `from` whose state is not `alive`, or the
/// width when there is none.
pub(crate) fn next_change(grid: &BitGrid, y: usize, from: usize, alive: bool) -> usize {
    let width = grid.width();
    if from >= width {
        return width;
    }
    let row = grid.row(y);
    let mut w = from / 64;
    let mut word = if alive { !row[w] } else { row[w] };
    word &= u64::MAX << (from % 64);
    loop {
        if word != 0 {
            return (w * 64 + word.trailing_zeros() as usize).min(width);
        }
        w += 1;
        if w >= row.len() {
            return width;
        }
        word = if alive { !row[w] } else { row[w] };
    }
}

/// The runs of one row, as (alive, start, length), with the trailing dead
/// run left out.
pub(crate) fn row_runs(grid: &BitGrid, y: usize) -> Vec<(bool, usize, usize)> {
    let mut runs = Vec::new();
    let mut x = 0;
    let width = grid.width();
    while x < width {
        let alive = grid.get(x, y);
        let end = next_change(grid, y, x, alive);
        if !alive && end == width {
            break;
        }
        runs.push((alive, x, end - x));
        x = end;
    }
    runs
}

/// Builds a grid of the bounding box of `cells` (live cells at arbitrary
/// signed coordinates), after checking its size.
pub(crate) fn grid_from_points(
    cells: &[(i64, i64)],
    limits: &Limits,
) -> Result<BitGrid, PatternErrorKind> {
    let Some(&(x0, y0)) = cells.first() else {
        return Ok(BitGrid::new(0, 0));
    };
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (x0, x0, y0, y0);
    for &(x, y) in cells {
        min_x = min_x.min(x);
        max_x = max_x.max(x);
        min_y = min_y.min(y);
        max_y = max_y.max(y);
    }
    let width = (i128::from(max_x) - i128::from(min_x) + 1) as u128;
    let height = (i128::from(max_y) - i128::from(min_y) + 1) as u128;
    let (w, h) = check_size(width, height, limits)?;
    let mut grid = BitGrid::new(w, h);
    for &(x, y) in cells {
        // In range: both offsets are below the checked width and height.
        grid.set(
            (x.abs_diff(min_x)) as usize,
            (y.abs_diff(min_y)) as usize,
            true,
        );
    }
    Ok(grid)
}
