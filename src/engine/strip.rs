//! A horizontal strip of the grid, bit-packed, with one halo row above and
//! below, and the bit-sliced step kernel.

use ndarray::{Array2, s};

use super::bitgrid::{BitGrid, last_word_mask, words_per_row};
use super::kernel;
use super::{Edge, Rule};

/// `rows` rows of `width` cells. Array row 0 is the halo above, rows
/// `1..=rows` are the strip's own rows and row `rows + 1` is the halo below.
/// The caller fills the halos before each [`Strip::step`]: from the
/// neighbouring strips, by wrapping, or with dead cells.
#[derive(Clone)]
pub struct Strip {
    width: usize,
    rows: usize,
    cells: Array2<u64>,
    next: Array2<u64>,
}

impl Strip {
    pub fn new(width: usize, rows: usize) -> Strip {
        assert!(width > 0, "a strip needs at least one column");
        let words = words_per_row(width);
        Strip {
            width,
            rows,
            cells: Array2::zeros((rows + 2, words)),
            next: Array2::zeros((rows + 2, words)),
        }
    }

    /// A strip holding all of `grid`.
    pub fn from_grid(grid: &BitGrid) -> Strip {
        let mut strip = Strip::new(grid.width(), grid.height());
        for y in 0..grid.height() {
            strip.row_mut(y).copy_from_slice(grid.row(y));
        }
        strip
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn words_per_row(&self) -> usize {
        self.cells.ncols()
    }

    /// Own row `y` (0-based within the strip).
    pub fn row(&self, y: usize) -> &[u64] {
        assert!(y < self.rows);
        self.cells
            .row(y + 1)
            .to_slice()
            .expect("rows are contiguous")
    }

    pub fn row_mut(&mut self, y: usize) -> &mut [u64] {
        assert!(y < self.rows);
        self.cells
            .row_mut(y + 1)
            .into_slice()
            .expect("rows are contiguous")
    }

    /// All own rows as one contiguous slice, row after row.
    pub fn own_words(&self) -> &[u64] {
        let words = self.words_per_row();
        let all = self.cells.as_slice().expect("standard layout");
        &all[words..words * (self.rows + 1)]
    }

    pub fn halo_above_mut(&mut self) -> &mut [u64] {
        self.cells.row_mut(0).into_slice().expect("contiguous")
    }

    pub fn halo_below_mut(&mut self) -> &mut [u64] {
        let last = self.rows + 1;
        self.cells.row_mut(last).into_slice().expect("contiguous")
    }

    /// The first own row (sent to the neighbour above) and the halo below
    /// (received from the neighbour below), borrowed together.
    pub fn first_row_and_halo_below(&mut self) -> (&[u64], &mut [u64]) {
        let words = self.words_per_row();
        let rows = self.rows;
        let all = self.cells.as_slice_mut().expect("standard layout");
        let (head, halo_below) = all.split_at_mut((rows + 1) * words);
        (&head[words..2 * words], halo_below)
    }

    /// The last own row (sent to the neighbour below) and the halo above
    /// (received from the neighbour above), borrowed together.
    pub fn last_row_and_halo_above(&mut self) -> (&[u64], &mut [u64]) {
        let words = self.words_per_row();
        let rows = self.rows;
        let all = self.cells.as_slice_mut().expect("standard layout");
        let (halo_above, rest) = all.split_at_mut(words);
        (&rest[(rows - 1) * words..rows * words], halo_above)
    }

    /// Fills the halos as a whole grid would: wrapped for a torus, dead otherwise.
    pub fn fill_halos_alone(&mut self, edge: Edge) {
        let words = self.words_per_row();
        let rows = self.rows;
        match edge {
            Edge::Torus => {
                let (mut top, rest) = self.cells.view_mut().split_at(ndarray::Axis(0), 1);
                let (middle, mut bottom) = rest.split_at(ndarray::Axis(0), rows);
                top.row_mut(0).assign(&middle.row(rows - 1));
                bottom.row_mut(0).assign(&middle.row(0));
            }
            Edge::Dead => {
                self.cells.slice_mut(s![0, ..]).fill(0);
                self.cells.slice_mut(s![rows + 1, ..]).fill(0);
            }
        }
        debug_assert_eq!(self.cells.ncols(), words);
    }

    /// Advances the strip's own rows one generation, using the halos as
    /// they are. Columns wrap for [`Edge::Torus`] and are dead otherwise.
    pub fn step(&mut self, rule: &Rule, edge: Edge) {
        self.step_rows(rule, edge, 0..self.rows);
        self.swap();
    }

    /// Computes the next state of own rows `range` into the back buffer.
    /// Split from [`Strip::swap`] so that interior rows can be computed
    /// while the halo exchange is still in flight.
    pub fn step_rows(&mut self, rule: &Rule, edge: Edge, range: std::ops::Range<usize>) {
        let width = self.width;
        let cells = self.cells.as_slice().expect("standard layout");
        let words = self.cells.ncols();
        let next = self.next.as_slice_mut().expect("standard layout");
        for y in range {
            let above = &cells[y * words..(y + 1) * words];
            let centre = &cells[(y + 1) * words..(y + 2) * words];
            let below = &cells[(y + 2) * words..(y + 3) * words];
            let out = &mut next[(y + 1) * words..(y + 2) * words];
            kernel::step_row(rule, edge, width, above, centre, below, out);
        }
    }

    /// Makes the back buffer (filled by [`Strip::step_rows`]) current.
    pub fn swap(&mut self) {
        std::mem::swap(&mut self.cells, &mut self.next);
    }

    pub fn population(&self) -> u64 {
        self.own_words()
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum()
    }

    pub fn get(&self, x: usize, y: usize) -> bool {
        self.row(y)[x / 64] >> (x % 64) & 1 == 1
    }

    pub fn set(&mut self, x: usize, y: usize, alive: bool) {
        assert!(x < self.width);
        let word = &mut self.row_mut(y)[x / 64];
        if alive {
            *word |= 1 << (x % 64);
        } else {
            *word &= !(1 << (x % 64));
        }
    }

    /// The strip's own rows as a [`BitGrid`].
    pub fn to_grid(&self) -> BitGrid {
        BitGrid::from_words(self.width, self.rows, self.own_words().to_vec())
    }

    /// Sets every own row from a function of (row, word slice).
    pub fn fill_rows(&mut self, mut fill: impl FnMut(usize, &mut [u64])) {
        let mask = last_word_mask(self.width);
        for y in 0..self.rows {
            let row = self.row_mut(y);
            fill(y, row);
            *row.last_mut().expect("width > 0") &= mask;
        }
    }
}
