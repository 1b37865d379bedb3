//! A horizontal strip of the grid, bit-packed, with `depth` halo rows above
//! and below, so that one halo exchange serves up to `depth` generations.

use std::ops::Range;

use ndarray::Array2;

use super::activity::{Activity, ActivityStats, SLEEP_RING, Stepping};
use super::bitgrid::{BitGrid, last_word_mask, words_per_row};
use super::kernel::{self, Isa};
use super::{Edge, Rule};

/// A strip's edge rows, to be sent to its neighbours, and its halo rows,
/// to be filled from them: as many rows each as the generations stepped.
pub struct Halos<'a> {
    /// The first own rows: what the neighbour above needs.
    pub first: &'a [u64],
    /// The last own rows: what the neighbour below needs.
    pub last: &'a [u64],
    /// The rows just above the strip, to be received.
    pub above: &'a mut [u64],
    /// The rows just below the strip, to be received.
    pub below: &'a mut [u64],
}

/// Which sides of a strip are the grid's dead edges, past which nothing
/// lives at any generation. Such a side has no neighbour to exchange with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeadSides {
    pub above: bool,
    pub below: bool,
}

impl DeadSides {
    /// Neighbours on both sides: halos hold real rows.
    pub const NONE: DeadSides = DeadSides {
        above: false,
        below: false,
    };

    /// The sides of a strip that is the whole grid.
    pub fn of_whole_grid(edge: Edge) -> DeadSides {
        let dead = edge == Edge::Dead;
        DeadSides {
            above: dead,
            below: dead,
        }
    }
}

/// Bytes of source rows a band of a multi-generation step may span: the
/// band and its in-between generations must stay in the L2 cache, so that
/// the strip itself is read and written once per batch of generations.
const BATCH_BAND_BYTES: usize = 64 * 1024;

/// Most bytes the wide ring's extra buffers may take (see
/// [`super::activity::SLEEP_RING`]): a strip of more keeps two buffers,
/// and its period-3 oscillators stay awake.
const RING_BYTES: u64 = 256 << 20;

/// `rows` rows of `width` cells between `depth` halo rows above and below.
/// Array rows `0..depth` are the halo above, `depth..depth + rows` the
/// strip's own rows, and the next `depth` rows the halo below. The caller
/// fills the halos before each step: from the neighbouring strips, by
/// wrapping, or with dead cells.
#[derive(Clone)]
pub struct Strip {
    width: usize,
    rows: usize,
    depth: usize,
    cells: Array2<u64>,
    next: Array2<u64>,
    /// While the strip is quiet, the generations between `next` and
    /// `cells`, newest first (see [`SLEEP_RING`]); empty otherwise.
    history: Vec<Array2<u64>>,
    /// Two buffers for the generations between the first and the last of
    /// a multi-generation step, one band at a time (empty at depth 1).
    scratch: Vec<u64>,
    isa: Isa,
    /// Which tiles changed, for stepping only those near a change.
    activity: Activity,
}

impl Strip {
    /// Bytes a strip of these dimensions allocates, but for the activity
    /// tracking's 10 bytes per tile of 4096 cells (about 1% more), and for
    /// the wide ring of a quiet strip (up to 256 MiB more, only while few
    /// tiles change).
    pub fn bytes_needed(width: usize, rows: usize, depth: usize) -> u64 {
        let words = words_per_row(width) as u64;
        let buffers = 2 * (rows + 2 * depth) as u64 * words;
        let scratch = if depth > 1 {
            2 * (band_rows(words as usize) + 2 * depth) as u64 * words
        } else {
            0
        };
        8 * (buffers + scratch)
    }

    /// A strip that can step up to `depth` generations per halo exchange.
    pub fn with_depth(width: usize, rows: usize, depth: usize) -> Strip {
        Strip::with_room(width, rows, depth, rows)
    }

    /// A strip as [`Strip::with_depth`] makes, with memory reserved for up
    /// to `max_rows` own rows, so that [`Strip::resize_rows`] up to that
    /// allocates nothing. The reserve's pages are not touched until used.
    pub fn with_room(width: usize, rows: usize, depth: usize, max_rows: usize) -> Strip {
        assert!(width > 0, "a strip needs at least one column");
        assert!(depth >= 1, "a strip needs at least one halo row a side");
        let words = words_per_row(width);
        // Sized as `bytes_needed` says.
        let scratch = if depth > 1 {
            vec![0; 2 * (band_rows(words) + 2 * depth) * words]
        } else {
            Vec::new()
        };
        let buffer = || {
            let mut all = Vec::with_capacity((rows.max(max_rows) + 2 * depth) * words);
            all.resize((rows + 2 * depth) * words, 0);
            Array2::from_shape_vec((rows + 2 * depth, words), all).expect("sized")
        };
        let mut strip = Strip {
            width,
            rows,
            depth,
            cells: buffer(),
            next: buffer(),
            history: Vec::new(),
            scratch,
            isa: Isa::detect(),
            activity: Activity::new(rows, words, max_rows),
        };
        strip.allow_ring();
        strip
    }

    fn allow_ring(&mut self) {
        let extra = (SLEEP_RING - 2) as u64 * 8 * self.cells.len() as u64;
        self.activity.allow_ring(extra <= RING_BYTES);
    }

    /// Gives the strip as many buffers as its activity tracking asks for,
    /// right after a step (`next` the generation just written, `cells` the
    /// one before). The new buffers stand for the generations two to five
    /// back, the oldest last: copies of the two there are, in turn, which
    /// is what a tile asleep with period 1 or 2 holds there; the activity
    /// tracking steps the other tiles until they hold true generations.
    fn sync_ring(&mut self) {
        let wanted = self.activity.ring() - 2;
        if self.history.len() == wanted {
            return;
        }
        self.history.clear();
        for i in 0..wanted {
            let copy = if i % 2 == 0 { &self.next } else { &self.cells };
            self.history.push(copy.clone());
        }
    }

    /// After a step into `next`: it holds the generation now, and the
    /// oldest buffer is the one to be written next. The ring is resized
    /// here, where the activity tracking has just decided it.
    fn rotate(&mut self) {
        self.sync_ring();
        match self.history.pop() {
            None => std::mem::swap(&mut self.cells, &mut self.next),
            Some(oldest) => {
                let written = std::mem::replace(&mut self.next, oldest);
                let before = std::mem::replace(&mut self.cells, written);
                self.history.insert(0, before);
            }
        }
        self.activity.swapped();
    }

    /// Makes the strip `rows` rows high, own rows `kept` (as numbered now)
    /// becoming own rows from `to` on. The other own rows are left for the
    /// caller to fill; the halos, as always, before the next step.
    pub fn resize_rows(&mut self, rows: usize, kept: Range<usize>, to: usize) {
        assert!(rows >= 1 && kept.end <= self.rows && to + kept.len() <= rows);
        let (depth, words) = (self.depth, self.words_per_row());
        let len = (rows + 2 * depth) * words;
        let resize = |buffer: &mut Array2<u64>, kept: Range<usize>| {
            let (mut all, _) = std::mem::take(buffer).into_raw_vec_and_offset();
            if len > all.len() {
                all.resize(len, 0);
            }
            let from = (depth + kept.start) * words..(depth + kept.end) * words;
            all.copy_within(from, (depth + to) * words);
            all.truncate(len);
            *buffer = Array2::from_shape_vec((rows + 2 * depth, words), all).expect("sized");
        };
        resize(&mut self.cells, kept);
        resize(&mut self.next, 0..0);
        self.history.clear();
        self.rows = rows;
        self.activity.resize(rows);
        self.allow_ring();
    }

    /// Makes the activity tracking start again from the cells as they are
    /// (after [`Strip::resize_rows`] and writing the new rows, say), at the
    /// cost of a copy of the strip (made at the next step) rather than a
    /// step of every tile: the tiles with live cells are due.
    pub fn restart_tracking(&mut self) {
        let words = self.words_per_row();
        let own = self.depth * words..(self.depth + self.rows) * words;
        let cells = self.cells.as_slice().expect("standard layout");
        self.activity.seed(&cells[own]);
    }

    /// A strip holding all of `grid`, one halo row a side.
    pub fn from_grid(grid: &BitGrid) -> Strip {
        Strip::from_grid_with_depth(grid, 1)
    }

    /// A strip holding all of `grid`, `depth` halo rows a side.
    pub fn from_grid_with_depth(grid: &BitGrid, depth: usize) -> Strip {
        let mut strip = Strip::with_depth(grid.width(), grid.height(), depth);
        for y in 0..grid.height() {
            strip.row_mut(y).copy_from_slice(grid.row(y));
        }
        strip.restart_tracking();
        strip
    }

    /// Runs the kernel with `isa` from now on (to compare or test variants).
    /// Panics in [`Strip::step`] if the CPU lacks it.
    pub fn set_isa(&mut self, isa: Isa) {
        self.isa = isa;
    }

    /// Steps every cell, only the tiles near changes, or picks (the
    /// default): see [`Stepping`]. The cells come out the same.
    pub fn set_stepping(&mut self, stepping: Stepping) {
        self.activity.mode = stepping;
    }

    /// What the strip has stepped so far, tile by tile or densely.
    pub fn activity(&self) -> ActivityStats {
        self.activity.stats()
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Halo rows a side: the most generations one step can advance.
    pub fn depth(&self) -> usize {
        self.depth
    }

    pub fn words_per_row(&self) -> usize {
        self.cells.ncols()
    }

    /// Own row `y` (0-based within the strip).
    pub fn row(&self, y: usize) -> &[u64] {
        assert!(y < self.rows);
        self.cells
            .row(y + self.depth)
            .to_slice()
            .expect("rows are contiguous")
    }

    /// Own row `y`, to write: the next generation then steps every tile
    /// (the activity tracking cannot see what was written).
    pub fn row_mut(&mut self, y: usize) -> &mut [u64] {
        assert!(y < self.rows);
        self.activity.forget();
        self.cells
            .row_mut(y + self.depth)
            .into_slice()
            .expect("rows are contiguous")
    }

    /// All own rows as one contiguous slice, row after row.
    pub fn own_words(&self) -> &[u64] {
        let words = self.words_per_row();
        let all = self.cells.as_slice().expect("standard layout");
        &all[self.depth * words..(self.depth + self.rows) * words]
    }

    /// Fills every halo row as a whole grid would: wrapped for a torus
    /// (round and round, if the grid has fewer rows than the halo), dead
    /// otherwise.
    pub fn fill_halos_alone(&mut self, edge: Edge) {
        self.fill_halo_rows_alone(edge, self.depth);
    }

    /// [`Strip::fill_halos_alone`] for the `k` halo rows a side next to
    /// the own rows only.
    fn fill_halo_rows_alone(&mut self, edge: Edge, k: usize) {
        let (rows, depth, words) = (self.rows, self.depth, self.words_per_row());
        let all = self.cells.as_slice_mut().expect("standard layout");
        let halo_rows = (depth - k..depth).chain(depth + rows..rows + depth + k);
        for at in halo_rows {
            let dest = at * words..(at + 1) * words;
            match edge {
                Edge::Torus => {
                    let own = (at + rows - depth % rows) % rows;
                    all.copy_within((depth + own) * words..(depth + own + 1) * words, dest.start);
                }
                Edge::Dead => all[dest].fill(0),
            }
        }
    }

    /// Advances the strip's own rows one generation, using the halos as
    /// they are. Columns wrap for [`Edge::Torus`] and are dead otherwise.
    pub fn step(&mut self, rule: &Rule, edge: Edge) {
        let no_exchange =
            |_halos: Halos<'_>, compute_interior: &mut dyn FnMut()| compute_interior();
        self.advance(rule, edge, 1, DeadSides::NONE, no_exchange);
    }

    /// Advances a strip that is the whole grid `generations` generations
    /// (at most [`Strip::depth`]), with one filling of the halos.
    pub fn advance_alone(&mut self, rule: &Rule, edge: Edge, generations: usize) {
        let dead = DeadSides::of_whole_grid(edge);
        let no_exchange =
            |_halos: Halos<'_>, compute_interior: &mut dyn FnMut()| compute_interior();
        if self.activity.plan_sparse(rule, generations) {
            // The strip is its own neighbour: one generation at a time,
            // the halo rows are a row a side copied from its own rows,
            // where several at once would compute halo rows densely.
            for _ in 0..generations {
                self.fill_halo_rows_alone(edge, 1);
                self.advance_sparse(rule, edge, 1, dead, no_exchange);
            }
        } else {
            self.fill_halos_alone(edge);
            self.advance_dense(rule, edge, generations, dead, no_exchange);
        }
    }

    /// Advances `generations` generations (1 to [`Strip::depth`]) while
    /// `exchange` fills that many halo rows a side. `exchange` gets the
    /// edge rows to send, the halo rows to receive into, and a callback
    /// computing every row that needs no halo: call it after starting the
    /// transfers and before waiting for them, so that the interior is
    /// computed while the halos are in flight. The halos of `dead` sides
    /// are cleared here, and stay clear between the generations.
    ///
    /// Several generations are computed band by band, each band from its
    /// rows `generations` deep either side, its in-between generations kept
    /// in cache-sized scratch buffers: the strip is read and written once
    /// for all of them, at the cost of recomputing a few rows per band.
    ///
    /// While few tiles change, the generations are instead stepped one by
    /// one, each only in the tiles next to the last one's changes (and
    /// densely in the halo rows, which shrink by a row a generation); the
    /// interior is then not computed while the halos travel, there being
    /// little of it to compute.
    pub fn advance(
        &mut self,
        rule: &Rule,
        edge: Edge,
        generations: usize,
        dead: DeadSides,
        exchange: impl FnOnce(Halos<'_>, &mut dyn FnMut()),
    ) {
        if self.activity.plan_sparse(rule, generations) {
            self.advance_sparse(rule, edge, generations, dead, exchange);
        } else {
            self.advance_dense(rule, edge, generations, dead, exchange);
        }
    }

    fn check_generations(&self, k: usize) {
        assert!(
            (1..=self.depth).contains(&k) && k <= self.rows,
            "{k} generations at once need a halo and a strip at least {k} rows deep"
        );
    }

    /// [`Strip::advance`] tile by tile.
    fn advance_sparse(
        &mut self,
        rule: &Rule,
        edge: Edge,
        generations: usize,
        dead: DeadSides,
        exchange: impl FnOnce(Halos<'_>, &mut dyn FnMut()),
    ) {
        let (rows, depth, words) = (self.rows, self.depth, self.words_per_row());
        let k = generations;
        self.check_generations(k);
        // Every buffer: each generation reads the halo rows of the one
        // written by the generation before.
        let buffers = [&mut self.cells, &mut self.next].into_iter();
        for buffer in buffers.chain(self.history.iter_mut()) {
            let all = buffer.as_slice_mut().expect("standard layout");
            if dead.above {
                all[(depth - k) * words..depth * words].fill(0);
            }
            if dead.below {
                all[(depth + rows) * words..(depth + rows + k) * words].fill(0);
            }
        }
        {
            let all = self.cells.as_slice_mut().expect("standard layout");
            let (halo_above, rest) = all.split_at_mut(depth * words);
            let (own, halo_below) = rest.split_at_mut(rows * words);
            let own: &[u64] = own;
            let halos = Halos {
                first: &own[..k * words],
                last: &own[(rows - k) * words..],
                above: &mut halo_above[(depth - k) * words..],
                below: &mut halo_below[..k * words],
            };
            exchange(halos, &mut || {});
        }
        for i in 1..=k {
            self.sparse_generation(rule, edge, dead, k - i);
        }
    }

    /// One generation of the own rows, tile by tile, and of the `extra`
    /// halo rows a side next to them (for the generations still to come
    /// in this batch), densely.
    fn sparse_generation(&mut self, rule: &Rule, edge: Edge, dead: DeadSides, extra: usize) {
        let (rows, depth, words, width) = (self.rows, self.depth, self.words_per_row(), self.width);
        let torus = edge == Edge::Torus;
        let src = self.cells.as_slice().expect("standard layout");
        let out = self.next.as_slice_mut().expect("standard layout");
        if self.activity.is_seeded() {
            let own = depth * words..(depth + rows) * words;
            out[own.clone()].copy_from_slice(&src[own]);
        }
        self.activity.halo_rows(
            &src[(depth - 1) * words..depth * words],
            &src[(depth + rows) * words..(depth + rows + 1) * words],
            torus,
        );
        let src_rows = &src[(depth - 1) * words..(depth + rows + 1) * words];
        let out_rows = &mut out[depth * words..(depth + rows) * words];
        if self.activity.begin_generation(rule) {
            kernel::step_rows(self.isa, rule, edge, width, src_rows, out_rows);
        } else {
            let activity = &mut self.activity;
            kernel::step_tiles(
                self.isa,
                rule,
                edge,
                width,
                activity.grid,
                src_rows,
                out_rows,
                &activity.stepping,
                &mut activity.changes,
            );
        }
        self.activity.end_generation(torus);
        if extra > 0 {
            if !dead.above {
                kernel::step_rows(
                    self.isa,
                    rule,
                    edge,
                    width,
                    &src[(depth - extra - 1) * words..(depth + 1) * words],
                    &mut out[(depth - extra) * words..depth * words],
                );
            }
            if !dead.below {
                kernel::step_rows(
                    self.isa,
                    rule,
                    edge,
                    width,
                    &src[(depth + rows - 1) * words..(depth + rows + extra + 1) * words],
                    &mut out[(depth + rows) * words..(depth + rows + extra) * words],
                );
            }
        }
        self.rotate();
    }

    /// [`Strip::advance`] with every cell.
    fn advance_dense(
        &mut self,
        rule: &Rule,
        edge: Edge,
        generations: usize,
        dead: DeadSides,
        exchange: impl FnOnce(Halos<'_>, &mut dyn FnMut()),
    ) {
        let (rows, depth, words) = (self.rows, self.depth, self.words_per_row());
        let k = generations;
        self.check_generations(k);
        let all = self.cells.as_slice_mut().expect("standard layout");
        if dead.above {
            all[(depth - k) * words..depth * words].fill(0);
        }
        if dead.below {
            all[(depth + rows) * words..(depth + rows + k) * words].fill(0);
        }
        let next = self.next.as_slice_mut().expect("standard layout");
        let next_own = &mut next[depth * words..(depth + rows) * words];
        let batch = Batch {
            isa: self.isa,
            rule,
            edge,
            width: self.width,
            words,
            rows,
            generations: k,
            dead,
            band: band_rows(words),
        };
        let scratch = &mut self.scratch;
        // Output rows at least `k` rows from both ends need only own rows:
        // they are computed while the halos travel.
        let interior = k..rows.saturating_sub(k).max(k);
        {
            let (halo_above, rest) = all.split_at_mut(depth * words);
            let (own, halo_below) = rest.split_at_mut(rows * words);
            let own: &[u64] = own;
            let halos = Halos {
                first: &own[..k * words],
                last: &own[(rows - k) * words..],
                above: &mut halo_above[(depth - k) * words..],
                below: &mut halo_below[..k * words],
            };
            let mut compute_interior = || batch.step(own, 0, interior.clone(), next_own, scratch);
            exchange(halos, &mut compute_interior);
        }
        let ends = if interior.is_empty() {
            [0..rows, 0..0]
        } else {
            [0..k, rows - k..rows]
        };
        for range in ends {
            batch.step(all, depth, range, next_own, scratch);
        }
        self.rotate();
    }

    pub fn population(&self) -> u64 {
        self.own_words()
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum()
    }

    /// [`Strip::population`], counting again only the tiles that changed
    /// since the last call (all of them after dense steps or rows written
    /// whole): what a round of the live view can afford on a huge grid.
    pub fn count_population(&mut self) -> u64 {
        let words = self.words_per_row();
        let own = self.depth * words..(self.depth + self.rows) * words;
        let cells = self.cells.as_slice().expect("standard layout");
        self.activity.population(&cells[own])
    }

    pub fn get(&self, x: usize, y: usize) -> bool {
        self.row(y)[x / 64] >> (x % 64) & 1 == 1
    }

    /// Sets one cell. Unlike writing whole rows ([`Strip::row_mut`]), this
    /// keeps the activity tracking: the cell's tile and its neighbours are
    /// stepped at the next generation, the rest may still be skipped.
    pub fn set(&mut self, x: usize, y: usize, alive: bool) {
        assert!(x < self.width && y < self.rows);
        self.activity.cell_written(x / 64, y);
        let at = (y + self.depth, x / 64);
        let word = &mut self.cells[at];
        if alive {
            *word |= 1 << (x % 64);
        } else {
            *word &= !(1 << (x % 64));
        }
    }

    /// Sets the cells `alive` (own coordinates) alive and restarts the
    /// tracking from all the cells then (see [`Strip::restart_tracking`]):
    /// what placing a pattern costs is a word written a cell and a look at
    /// each tile, not the tiles around every cell marked one by one.
    pub fn place(&mut self, alive: impl IntoIterator<Item = (usize, usize)>) {
        let (width, rows, depth) = (self.width, self.rows, self.depth);
        for (x, y) in alive {
            assert!(x < width && y < rows);
            self.cells[(y + depth, x / 64)] |= 1 << (x % 64);
        }
        self.restart_tracking();
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

/// Output rows per band of a multi-generation step, for rows of `words`.
fn band_rows(words: usize) -> usize {
    (BATCH_BAND_BYTES / (words * 8)).clamp(16, 256)
}

/// One multi-generation step's settings, shared by its bands.
struct Batch<'a> {
    isa: Isa,
    rule: &'a Rule,
    edge: Edge,
    width: usize,
    words: usize,
    rows: usize,
    generations: usize,
    dead: DeadSides,
    band: usize,
}

impl Batch<'_> {
    /// Computes output rows `range` (own rows) into `next_own`, from `src`,
    /// whose array row `origin + y` is own row `y` for every row the range
    /// needs (`generations` beyond it either side).
    fn step(
        &self,
        src: &[u64],
        origin: usize,
        range: Range<usize>,
        next_own: &mut [u64],
        scratch: &mut [u64],
    ) {
        let (w, k) = (self.words, self.generations);
        let mut y0 = range.start;
        while y0 < range.end {
            let y1 = (y0 + self.band).min(range.end);
            let source = &src[(origin + y0 - k) * w..(origin + y1 + k) * w];
            let out = &mut next_own[y0 * w..y1 * w];
            if k == 1 {
                self.kernel(source, out);
            } else {
                let (mut from, mut to) = scratch.split_at_mut(scratch.len() / 2);
                // Generation 1 spans `k - 1` rows more than the band a side,
                // each later generation one row fewer, down to the band itself.
                let mut first = y0 as isize - (k as isize - 1);
                let mut len = y1 - y0 + 2 * (k - 1);
                self.kernel(source, &mut from[..len * w]);
                self.clear_dead(&mut from[..len * w], first);
                for _ in 2..k {
                    self.kernel(&from[..len * w], &mut to[..(len - 2) * w]);
                    (first, len) = (first + 1, len - 2);
                    self.clear_dead(&mut to[..len * w], first);
                    std::mem::swap(&mut from, &mut to);
                }
                self.kernel(&from[..len * w], out);
            }
            y0 = y1;
        }
    }

    fn kernel(&self, src: &[u64], out: &mut [u64]) {
        kernel::step_rows(self.isa, self.rule, self.edge, self.width, src, out);
    }

    /// Clears the rows of `level` (starting at own row `first`) that lie
    /// past a dead side of the grid.
    fn clear_dead(&self, level: &mut [u64], first: isize) {
        let w = self.words;
        let len = (level.len() / w) as isize;
        if self.dead.above && first < 0 {
            let past = (-first).min(len) as usize;
            level[..past * w].fill(0);
        }
        let rows = self.rows as isize;
        if self.dead.below && first + len > rows {
            let from = (rows - first).max(0) as usize;
            level[from * w..].fill(0);
        }
    }
}
