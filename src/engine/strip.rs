//! A horizontal strip of the grid, bit-packed, with one halo row above and
//! below, and the bit-sliced step kernel.

use ndarray::{Array2, s};

use super::bitgrid::{BitGrid, last_word_mask, words_per_row};
use super::kernel::{self, Isa};
use super::{Edge, Rule};

/// A strip's edge rows, to be sent to its neighbours, and its halo rows,
/// to be filled from them.
pub struct Halos<'a> {
    /// The first own row: what the neighbour above needs.
    pub first: &'a [u64],
    /// The last own row: what the neighbour below needs.
    pub last: &'a [u64],
    /// The row just above the strip, to be received.
    pub above: &'a mut [u64],
    /// The row just below the strip, to be received.
    pub below: &'a mut [u64],
}

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
    isa: Isa,
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
            isa: Isa::detect(),
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

    /// The instruction set the kernel runs with: the CPU's best unless set.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// Runs the kernel with `isa` from now on (to compare or test variants).
    /// Panics in [`Strip::step`] if the CPU lacks it.
    pub fn set_isa(&mut self, isa: Isa) {
        self.isa = isa;
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

    /// Fills the halos as a whole grid would: wrapped for a torus, dead otherwise.
    pub fn fill_halos_alone(&mut self, edge: Edge) {
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
    }

    /// Advances the strip's own rows one generation, using the halos as
    /// they are. Columns wrap for [`Edge::Torus`] and are dead otherwise.
    pub fn step(&mut self, rule: &Rule, edge: Edge) {
        self.step_with_exchange(rule, edge, |_halos, compute_interior| compute_interior());
    }

    /// Advances one generation while `exchange` fills the halos. `exchange`
    /// gets the edge rows to send, the halo rows to receive into, and a
    /// callback computing every row that needs no halo: call it after
    /// starting the transfers and before waiting for them, so that the
    /// interior is computed while the halos are in flight.
    pub fn step_with_exchange(
        &mut self,
        rule: &Rule,
        edge: Edge,
        exchange: impl FnOnce(Halos<'_>, &mut dyn FnMut()),
    ) {
        let (width, rows, words, isa) = (self.width, self.rows, self.words_per_row(), self.isa);
        let all = self.cells.as_slice_mut().expect("standard layout");
        let next = self.next.as_slice_mut().expect("standard layout");
        // Output rows 1..rows-1 need only own rows: they are computed while
        // the halos travel. Rows 0 and rows-1 wait for the halos.
        let (next_head, next_rest) = next.split_at_mut(2 * words);
        let interior_len = rows.saturating_sub(2) * words;
        let (next_interior, next_tail) = next_rest.split_at_mut(interior_len);
        {
            let (halo_above, rest) = all.split_at_mut(words);
            let (own, halo_below) = rest.split_at_mut(rows * words);
            let own: &[u64] = own;
            let mut compute_interior = || {
                if rows > 2 {
                    kernel::step_rows(isa, rule, edge, width, own, next_interior);
                }
            };
            let halos = Halos {
                first: &own[..words],
                last: &own[(rows - 1) * words..],
                above: halo_above,
                below: halo_below,
            };
            exchange(halos, &mut compute_interior);
        }
        let all: &[u64] = all;
        let first_out = &mut next_head[words..2 * words];
        kernel::step_rows(isa, rule, edge, width, &all[..3 * words], first_out);
        if rows > 1 {
            let last_out = &mut next_tail[..words];
            let src = &all[(rows - 1) * words..(rows + 2) * words];
            kernel::step_rows(isa, rule, edge, width, src, last_out);
        }
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
