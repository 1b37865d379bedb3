//! Cell helpers the readers and writers share: a pattern's cells (a grid,
//! or live runs when the box is too large for one), filling runs, finding
//! where a row changes, and cells from lists of points.

use super::{Limits, PatternErrorKind, check_size};
use crate::engine::BitGrid;

/// A pattern's cells, in its box (top-left at (0, 0)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cells {
    /// The box as a grid: at most [`Limits::max_cells`] cells.
    Grid(BitGrid),
    /// A box too large for a grid (the ash and gliders of a long plane
    /// run, saved): its live runs by row, then column. Reading them costs
    /// the file's size, not the box's.
    Runs {
        width: u64,
        height: u64,
        runs: Vec<Run>,
    },
}

/// A row and its runs, as (alive, start, length).
pub type RowRuns = (u64, Vec<(bool, u64, u64)>);

/// `len` live cells of row `y` from column `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Run {
    pub y: u64,
    pub x: u64,
    pub len: u64,
}

impl Cells {
    pub fn width(&self) -> u64 {
        match self {
            Cells::Grid(grid) => grid.width() as u64,
            Cells::Runs { width, .. } => *width,
        }
    }

    pub fn height(&self) -> u64 {
        match self {
            Cells::Grid(grid) => grid.height() as u64,
            Cells::Runs { height, .. } => *height,
        }
    }

    /// The grid, unless the box is too large for one.
    pub fn grid(&self) -> Option<&BitGrid> {
        match self {
            Cells::Grid(grid) => Some(grid),
            Cells::Runs { .. } => None,
        }
    }

    pub fn into_grid(self) -> Option<BitGrid> {
        match self {
            Cells::Grid(grid) => Some(grid),
            Cells::Runs { .. } => None,
        }
    }

    pub fn get(&self, x: u64, y: u64) -> bool {
        match self {
            Cells::Grid(grid) => {
                x < grid.width() as u64
                    && y < grid.height() as u64
                    && grid.get(x as usize, y as usize)
            }
            Cells::Runs { runs, .. } => {
                let after = runs.partition_point(|r| (r.y, r.x) <= (y, x));
                after > 0 && runs[after - 1].y == y && x < runs[after - 1].x + runs[after - 1].len
            }
        }
    }

    pub fn population(&self) -> u64 {
        match self {
            Cells::Grid(grid) => grid.population(),
            Cells::Runs { runs, .. } => runs.iter().map(|r| r.len).sum(),
        }
    }

    /// Every live cell as (x, y), by row then column.
    pub fn live_cells(&self) -> Box<dyn Iterator<Item = (u64, u64)> + '_> {
        match self {
            Cells::Grid(grid) => Box::new(grid.live_cells().map(|(x, y)| (x as u64, y as u64))),
            Cells::Runs { runs, .. } => Box::new(
                runs.iter()
                    .flat_map(|r| (r.x..r.x + r.len).map(|x| (x, r.y))),
            ),
        }
    }

    /// The runs of every row holding a live cell, as (row, its runs as
    /// (alive, start, length) without the trailing dead run), by row.
    pub fn rows(&self) -> Box<dyn Iterator<Item = RowRuns> + '_> {
        match self {
            Cells::Grid(grid) => Box::new((0..grid.height()).filter_map(|y| {
                let runs = row_runs(grid, y);
                runs.iter().any(|r| r.0).then(|| {
                    let runs = runs
                        .iter()
                        .map(|&(alive, x, len)| (alive, x as u64, len as u64));
                    (y as u64, runs.collect())
                })
            })),
            Cells::Runs { runs, .. } => Box::new(runs.chunk_by(|a, b| a.y == b.y).map(|row| {
                let mut out = Vec::with_capacity(2 * row.len());
                let mut at = 0;
                for run in row {
                    if run.x > at {
                        out.push((false, at, run.x - at));
                    }
                    out.push((true, run.x, run.len));
                    at = run.x + run.len;
                }
                (row[0].y, out)
            })),
        }
    }
}

impl PartialEq<BitGrid> for Cells {
    fn eq(&self, grid: &BitGrid) -> bool {
        self.grid() == Some(grid)
    }
}

/// Live runs as a reader finds them, made [`Cells`] once the box is known.
#[derive(Default)]
pub(crate) struct RunList {
    runs: Vec<Run>,
    live: u64,
}

impl RunList {
    /// Adds a run, refusing more live cells than a plane may be given.
    pub(crate) fn push(&mut self, run: Run, limits: &Limits) -> Result<(), PatternErrorKind> {
        self.live = self.live.saturating_add(run.len);
        if self.live > limits.max_cells {
            return Err(PatternErrorKind::TooManyLive {
                limit: limits.max_cells,
            });
        }
        self.runs.push(run);
        Ok(())
    }

    /// The cells of a `width` x `height` box: a grid when it fits the
    /// limit, else the runs, sorted and merged.
    pub(crate) fn into_cells(mut self, width: u64, height: u64, limits: &Limits) -> Cells {
        if let Ok((w, h)) = check_size(width.into(), height.into(), limits) {
            let mut grid = BitGrid::new(w, h);
            for r in self.runs {
                fill_run(&mut grid, r.y as usize, r.x as usize, r.len as usize);
            }
            return Cells::Grid(grid);
        }
        self.runs.sort_unstable();
        let mut runs: Vec<Run> = Vec::with_capacity(self.runs.len());
        for run in self.runs {
            match runs.last_mut() {
                // Overlapping or touching runs of a row (points given twice
                // or out of order) become one.
                Some(last) if last.y == run.y && run.x <= last.x + last.len => {
                    last.len = last.len.max(run.x + run.len - last.x);
                }
                _ => runs.push(run),
            }
        }
        Cells::Runs {
            width,
            height,
            runs,
        }
    }
}

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
fn next_change(grid: &BitGrid, y: usize, from: usize, alive: bool) -> usize {
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

/// The cells of the bounding box of `points` (live cells at arbitrary
/// signed coordinates), with its top-left corner; `None` for no points.
pub(crate) fn cells_from_points(
    points: &[(i64, i64)],
    limits: &Limits,
) -> Result<(Cells, Option<(i64, i64)>), PatternErrorKind> {
    let Some(&(x0, y0)) = points.first() else {
        return Ok((Cells::Grid(BitGrid::new(0, 0)), None));
    };
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (x0, x0, y0, y0);
    for &(x, y) in points {
        min_x = min_x.min(x);
        max_x = max_x.max(x);
        min_y = min_y.min(y);
        max_y = max_y.max(y);
    }
    // At most 2^64, one past what u64 holds, when the points span all of i64.
    let width = u64::try_from(i128::from(max_x) - i128::from(min_x) + 1);
    let height = u64::try_from(i128::from(max_y) - i128::from(min_y) + 1);
    let (Ok(width), Ok(height)) = (width, height) else {
        return Err(PatternErrorKind::TooLarge {
            width: (i128::from(max_x) - i128::from(min_x) + 1) as u128,
            height: (i128::from(max_y) - i128::from(min_y) + 1) as u128,
            limit: limits.max_cells,
        });
    };
    let mut runs = RunList::default();
    for &(x, y) in points {
        let run = Run {
            y: y.abs_diff(min_y),
            x: x.abs_diff(min_x),
            len: 1,
        };
        runs.push(run, limits)?;
    }
    Ok((runs.into_cells(width, height, limits), Some((min_x, min_y))))
}
