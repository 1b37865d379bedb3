//! Which tiles of a strip to step: those next to a change since two
//! generations before. The buffer a step writes into holds the generation
//! before the one being read. A tile whose 3x3 neighbourhood of tiles (and
//! the halo rows along it) is as two generations ago would come out as it
//! was one generation ago, which that buffer already holds, whatever the
//! rule: it is skipped without even being copied. So still lifes and
//! period-2 oscillators (blinkers: most of a soup's ash) cost nothing, and
//! a glider on a huge torus costs a few tiles a generation.
//!
//! This holds while the written buffer holds the true generation before.
//! Where it may not (after dense batches of several generations, rows
//! written whole, cells set one by one), the tiles concerned are stepped
//! two generations running before they may sleep again.
//!
//! Once a strip has stayed quiet for a while, it steps through a ring of
//! [`SLEEP_RING`] buffers instead of two: the buffer written then holds the
//! generation five before, and a tile sleeps while its neighbourhood repeats
//! with a period dividing six. Pulsars and the other period-3 oscillators
//! of a soup's ash then sleep too, and ash made only of periods 1, 2 and 3
//! costs no tile at all. The same rule, with six in place of two: where the
//! ring's history may be wrong, tiles are stepped six generations running.
//!
//! Where most tiles change anyway (a random soup), stepping every cell with
//! the dense kernel is faster: the strip then steps densely for a while
//! and looks again now and then, at doubling intervals.

use super::Rule;
use super::kernel::{TILE_WORDS, TileChange, TileGrid};

/// How a strip chooses between stepping every cell and stepping only the
/// tiles next to changes. The results are the same either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Stepping {
    /// Tiles while few change, every cell while many do. Rules with B0,
    /// under which empty space changes at every generation, always step
    /// every cell.
    #[default]
    Auto,
    /// Every cell, every generation.
    Dense,
    /// Only tiles next to changes, whatever the activity or the rule.
    Sparse,
}

/// What a strip has stepped since it was made: a statistic for tests and
/// benchmarks (a still life should cost almost no tiles a generation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActivityStats {
    /// Tiles the strip is cut into now.
    pub tiles: u64,
    /// Tiles stepped by the sparse path, over all its generations.
    pub tiles_stepped: u64,
    /// Generations stepped tile by tile, and with every cell.
    pub sparse_generations: u64,
    pub dense_generations: u64,
    /// Times the ring widened to [`SLEEP_RING`] buffers.
    pub ring_widenings: u64,
}

/// Rows of a tile (the kernel's tile geometry, with its width).
pub use super::kernel::TILE_ROWS;

/// Above this fraction of tiles stepped in a generation, the dense kernel
/// does the work faster: stepping every tile of a soup costs about 1.3
/// times the dense kernel (criterion, `tiles` group), and scattered tiles
/// miss the cache more.
const DENSE_FRACTION: f64 = 0.5;

/// Generations stepped densely before looking at the activity again, the
/// first time; doubled after each look that finds the grid still busy.
const FIRST_LOOK: u64 = 64;
const LAST_LOOK: u64 = 4096;

/// Buffers in the ring of a quiet strip (see the module's help): every
/// period dividing it sleeps, 1, 2, 3 and 6.
pub const SLEEP_RING: usize = 6;

/// Generations running that a strip in [`Stepping::Auto`] must step a few
/// tiles but not none, at most [`QUIET_SHARE`] of them, a
/// [`STATIONARY_SHARE`] or more of them stepped [`STATIONARY_PERIOD`]
/// generations before too, before it widens its ring: activity that stays
/// where it is, as oscillators' and settling ash's does. Still lifes and
/// blinkers sleep without it, and a glider changes its tiles at least every
/// 64 generations: they cost no memory.
/// [`Stepping::Sparse`] widens after [`SPARSE_QUIET_BEFORE_RING`] tracked
/// generations, whatever they step, so that the tests see the wide ring.
const QUIET_BEFORE_RING: u64 = 128;
const SPARSE_QUIET_BEFORE_RING: u64 = 4;
const QUIET_SHARE: usize = 16;
/// One in this many: pulsars among ash that is still settling widen the
/// ring, though the tiles stepped change from one generation to the next.
/// (The whole set of tiles the same as 60 generations before, asked until
/// 2026-12-07, kept a 3584² soup's ash at two buffers for its first 2457
/// generations from generation 10 000, and the pulsars awake.)
const STATIONARY_SHARE: usize = 3;

/// A tile not stepped at the last this many steps of a ring of two holds
/// in its two buffers the generations two to five back as well: a step
/// leaves a tile it skips as it was two generations before.
const TRUE_COPY_STEPS: u64 = 4;

/// Oscillators of any period dividing it, together, step the same tiles
/// at generations this far apart: 1 to 6, 10, 12, 15 (pentadecathlons), 20,
/// 30.
const STATIONARY_PERIOD: usize = 60;

/// How much the due tiles tell of what may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    /// Nothing (after dense steps, or the caller wrote whole rows, or the
    /// ring was widened): every tile is stepped, and counts as changed,
    /// since the buffer it is written into may not hold the generation
    /// before, for as many generations as it takes to fill the ring with
    /// true ones ([`Activity::blind`]).
    Nothing,
    /// No generation stepped since the strip was made or its tracking
    /// restarted, and the tiles of the cells set since are due: the
    /// others hold dead neighbourhoods, which stay dead unless the rule
    /// has B0. The buffer to be written is made a copy of the own rows
    /// before the first step.
    Seeded,
    /// The due tiles are right, but include every tile stepped in the
    /// generation before as changed (after [`Known::Nothing`] or
    /// [`Known::Seeded`]): they say nothing about the activity.
    Settling,
    /// The due tiles are those next to the last generation's changes.
    Tracked,
}

/// Which tiles to step at the next generation, and the counts above.
#[derive(Clone)]
pub(super) struct Activity {
    pub(super) grid: TileGrid,
    /// Tiles due at the next generation: a bit set and, for iterating, a
    /// list of the same tiles (each at most once, so it never outgrows its
    /// capacity of one entry per tile).
    due: Vec<u64>,
    due_list: Vec<u32>,
    /// The tiles being stepped at this generation and what changed in each.
    pub(super) stepping: Vec<u32>,
    pub(super) changes: Vec<TileChange>,
    /// What the due tiles tell.
    known: Known,
    /// Generations to step densely before looking again.
    dense_left: u64,
    look_every: u64,
    pub(super) mode: Stepping,
    stats: ActivityStats,
    /// Per buffer (numbered as in [`Activity::order`]): live cells of each tile as
    /// last counted, their sum (None: count every tile again), and the
    /// tiles changed since (each once): so that counting a sparse strip's
    /// population costs what changed, not the strip (the live view counts
    /// every round). Per buffer, because a sleeping blinker's two phases
    /// are in different buffers and may hold different counts.
    tile_population: [Vec<u32>; SLEEP_RING],
    population: [Option<u64>; SLEEP_RING],
    stale: [Vec<u32>; SLEEP_RING],
    stale_mark: [Vec<u64>; SLEEP_RING],
    /// Buffers in the ring now: 2, or [`SLEEP_RING`] once quiet.
    ring: usize,
    /// The buffers' numbers in the order the strip holds them: the
    /// generation now first, then the ones before, the last (the
    /// oldest) being the one written next. Rotated at every step.
    order: [usize; SLEEP_RING],
    /// Generations still to step every tile while [`Known::Nothing`].
    blind: usize,
    /// Quiet tracked generations running (see [`QUIET_BEFORE_RING`]), and
    /// whether the strip may widen its ring (its memory allows it).
    quiet: u64,
    ring_allowed: bool,
    /// Per tile, the generations it was stepped at among the 64 up to
    /// `stepped_at` (bit i: i generations before), counted in
    /// `generations` (every step, tracked or not).
    stepped_bits: Vec<u64>,
    stepped_at: Vec<u64>,
    generations: u64,
    /// Tiles whose cells were set since their buffer was last written:
    /// when the ring comes round to it again, it does not hold what their
    /// cells came from, so they are stepped until then (the generations
    /// left in `fresh_left`).
    fresh: Vec<u32>,
    fresh_left: Vec<u8>,
    /// The halo rows next to the own rows (above, below) as read one to
    /// [`SLEEP_RING`] generations ago, newest first, and how many
    /// generations running they were recorded (none after dense steps).
    halo_seen: [Vec<Vec<u64>>; 2],
    halo_recorded: usize,
}

impl Activity {
    /// For a strip of `rows` own rows of `words` words, with room for up
    /// to `max_rows` rows (so that a resize allocates nothing).
    pub(super) fn new(rows: usize, words: usize, max_rows: usize) -> Activity {
        let room = TileGrid {
            rows: rows.max(max_rows),
            words,
            tile_rows: TILE_ROWS,
        }
        .len();
        let mut activity = Activity {
            grid: TileGrid {
                rows,
                words,
                tile_rows: TILE_ROWS,
            },
            due: Vec::with_capacity(room.div_ceil(64)),
            due_list: Vec::with_capacity(room),
            stepping: Vec::with_capacity(room),
            changes: Vec::with_capacity(room),
            known: Known::Seeded,
            dense_left: 0,
            look_every: FIRST_LOOK,
            mode: Stepping::Auto,
            stats: ActivityStats::default(),
            tile_population: std::array::from_fn(|_| Vec::with_capacity(room)),
            population: [None; SLEEP_RING],
            stale: std::array::from_fn(|_| Vec::with_capacity(room)),
            stale_mark: std::array::from_fn(|_| Vec::with_capacity(room.div_ceil(64))),
            ring: 2,
            order: std::array::from_fn(|i| i),
            blind: 1,
            quiet: 0,
            ring_allowed: false,
            stepped_bits: Vec::with_capacity(room),
            stepped_at: Vec::with_capacity(room),
            generations: 0,
            fresh: Vec::with_capacity(room),
            fresh_left: Vec::with_capacity(room),
            halo_seen: std::array::from_fn(|_| vec![vec![0; words]; SLEEP_RING]),
            halo_recorded: 0,
        };
        activity.resize(rows);
        // Both buffers are all dead, and nothing has been written yet.
        activity.known = Known::Seeded;
        activity
    }

    pub(super) fn resize(&mut self, rows: usize) {
        self.grid.rows = rows;
        self.due.clear();
        self.due.resize(self.grid.len().div_ceil(64), 0);
        self.due_list.clear();
        let marks = self.grid.len().div_ceil(64);
        for b in 0..SLEEP_RING {
            self.stale[b].clear();
            self.stale_mark[b].clear();
            self.stale_mark[b].resize(marks, 0);
        }
        self.fresh.clear();
        self.fresh_left.clear();
        self.fresh_left.resize(self.grid.len(), 0);
        self.stepped_bits.clear();
        self.stepped_bits.resize(self.grid.len(), 0);
        self.stepped_at.clear();
        self.stepped_at.resize(self.grid.len(), 0);
        self.forget();
    }

    /// The cells changed in ways not tracked: step every tile next time
    /// (and count every tile). The ring narrows to two buffers, whose
    /// history one generation of every tile makes true again.
    pub(super) fn forget(&mut self) {
        self.narrow_ring();
        self.known = Known::Nothing;
        self.blind = 1;
        self.population = [None; SLEEP_RING];
        self.halo_recorded = 0;
    }

    /// Whether the strip's memory allows the wide ring ([`SLEEP_RING`]).
    pub(super) fn allow_ring(&mut self, allowed: bool) {
        self.ring_allowed = allowed;
        if !allowed && self.ring > 2 {
            self.forget();
        }
    }

    /// Buffers the strip should hold: 2, or [`SLEEP_RING`].
    pub(super) fn ring(&self) -> usize {
        self.ring
    }

    /// Back to two buffers: the one now and the one to be written next.
    fn narrow_ring(&mut self) {
        self.order[1] = self.order[self.ring - 1];
        self.ring = 2;
        self.quiet = 0;
    }

    /// To [`SLEEP_RING`] buffers, the new ones between the one now and the
    /// one to be written next, where the strip puts them, as copies of the
    /// two it has, in turn (see `Strip::sync_ring`). That is the true
    /// history of every tile not stepped in the last [`TRUE_COPY_STEPS`]
    /// generations, asleep with period 1 or 2. The others, and the tiles
    /// whose cells were set, step with their neighbours until the ring
    /// comes round to them with true generations, as after cells are set.
    /// (Stepping every tile instead, five generations, cost a 3584² strip
    /// of ash about 2.5 ms; this, about as many tiles as a generation
    /// steps.)
    fn widen_ring(&mut self) {
        let (now, next) = (self.order[0], self.order[1]);
        let mut spare = (0..SLEEP_RING).filter(|&b| b != now && b != next);
        for at in 1..SLEEP_RING - 1 {
            let b = spare.next().expect("SLEEP_RING numbers");
            self.order[at] = b;
            self.population[b] = None;
        }
        self.order[SLEEP_RING - 1] = next;
        self.ring = SLEEP_RING;
        self.stats.ring_widenings += 1;
        for t in 0..self.grid.len() {
            let recent = self.generations - self.stepped_at[t] < TRUE_COPY_STEPS;
            if recent || self.fresh_left[t] > 0 {
                self.make_fresh(t);
            }
        }
    }

    /// Tile `t`'s buffers other than the one now may not hold what its
    /// cells came from: it and its neighbours are due until the ring comes
    /// round (`ring - 1` generations).
    fn make_fresh(&mut self, t: usize) {
        if self.fresh_left[t] == 0 {
            self.fresh.push(t as u32);
        }
        self.fresh_left[t] = (self.ring - 1) as u8;
        self.mark_around(t, true);
    }

    /// Tile `t` and its eight neighbours are due.
    fn mark_around(&mut self, t: usize, torus: bool) {
        let across = self.grid.across();
        for down in -1..=1 {
            for side in -1..=1 {
                self.mark_near((t / across, t % across), down, side, torus);
            }
        }
    }

    /// The strip stepped: the buffer written is the one now, and the
    /// oldest of the others is to be written next.
    pub(super) fn swapped(&mut self) {
        self.order[..self.ring].rotate_right(1);
    }

    fn now(&self) -> usize {
        self.order[0]
    }

    fn written_next(&self) -> usize {
        self.order[self.ring - 1]
    }

    /// Tile `t`'s count in buffer `b` is out of date.
    fn mark_stale(&mut self, b: usize, t: usize) {
        if self.population[b].is_none() {
            return;
        }
        let (word, bit) = (t / 64, 1u64 << (t % 64));
        if self.stale_mark[b][word] & bit == 0 {
            self.stale_mark[b][word] |= bit;
            self.stale[b].push(t as u32);
        }
    }

    /// The live cells of `own` (the strip's own rows, as tracked here),
    /// counting again only the tiles changed since the last count.
    pub(super) fn population(&mut self, own: &[u64]) -> u64 {
        let grid = self.grid;
        let count = |t: usize| -> u32 {
            let (rows, words) = grid.bounds(t);
            rows.map(|y| {
                own[y * grid.words + words.start..y * grid.words + words.end]
                    .iter()
                    .map(|w| w.count_ones())
                    .sum::<u32>()
            })
            .sum()
        };
        let b = self.now();
        let tiles = &mut self.tile_population[b];
        let total = match self.population[b] {
            None => {
                tiles.clear();
                tiles.extend((0..grid.len()).map(count));
                tiles.iter().map(|&n| u64::from(n)).sum()
            }
            Some(mut total) => {
                for &t in &self.stale[b] {
                    let t = t as usize;
                    let now = count(t);
                    total = total - u64::from(tiles[t]) + u64::from(now);
                    tiles[t] = now;
                }
                total
            }
        };
        for &t in &self.stale[b] {
            self.stale_mark[b][t as usize / 64] = 0;
        }
        self.stale[b].clear();
        self.population[b] = Some(total);
        total
    }

    /// The cell(s) in word `j` of own row `y` were written: its tile and
    /// the tiles around it are due (across the row's ends too: on dead
    /// edges that is one tile too many, which costs a step, not a result).
    pub(super) fn cell_written(&mut self, j: usize, y: usize) {
        let at = (y / self.grid.tile_rows, j / TILE_WORDS);
        let t = at.0 * self.grid.across() + at.1;
        self.mark_stale(self.now(), t);
        if self.known == Known::Nothing {
            // The history made from here on must be whole again.
            self.blind = self.ring - 1;
            return;
        }
        // (Before the first generation the strip copies its own rows into
        // the buffer to be written: see [`Activity::is_seeded`].) The
        // buffer written now comes round again `ring` generations on.
        if self.known == Known::Seeded {
            self.mark_around(t, true);
        } else {
            self.make_fresh(t);
        }
    }

    pub(super) fn stats(&self) -> ActivityStats {
        ActivityStats {
            tiles: self.grid.len() as u64,
            ..self.stats
        }
    }

    /// Both buffers hold the same own rows and the halo rows of the one
    /// to be written are dead: the tiles with live cells in `own` (the own
    /// rows) and their neighbours are due, the others hold dead
    /// neighbourhoods, which stay dead unless the rule has B0.
    pub(super) fn seed(&mut self, own: &[u64]) {
        self.narrow_ring();
        self.population = [None; SLEEP_RING];
        self.halo_recorded = 0;
        self.due.fill(0);
        self.due_list.clear();
        self.known = Known::Seeded;
        let words = self.grid.words;
        for (y, row) in own.chunks_exact(words).enumerate() {
            for (c, tile) in row.chunks(TILE_WORDS).enumerate() {
                if tile.iter().any(|&w| w != 0) {
                    self.cell_written(c * TILE_WORDS, y);
                }
            }
        }
    }

    /// Whether no generation was stepped since tracking started: the strip
    /// then copies its own rows into the buffer to be written, which
    /// [`Known::Seeded`] says it holds, before stepping.
    pub(super) fn is_seeded(&self) -> bool {
        self.known == Known::Seeded
    }

    /// Whether the next `generations` go tile by tile (else densely).
    pub(super) fn plan_sparse(&mut self, rule: &Rule, generations: usize) -> bool {
        let sparse = match self.mode {
            Stepping::Dense => false,
            Stepping::Sparse => true,
            Stepping::Auto if rule.born(0) => false,
            Stepping::Auto => {
                let dense = self.dense_left > 0;
                self.dense_left = self.dense_left.saturating_sub(generations as u64);
                !dense
            }
        };
        if !sparse {
            self.stats.dense_generations += generations as u64;
            self.forget();
        }
        sparse
    }

    fn mark(&mut self, t: usize) {
        let (word, bit) = (t / 64, 1u64 << (t % 64));
        if self.due[word] & bit == 0 {
            self.due[word] |= bit;
            self.due_list.push(t as u32);
        }
    }

    /// Marks the tile `down` rows and `across` columns of tiles away from
    /// (`row`, `col`): none past the strip's top and bottom (the halo rows
    /// tell those), wrapping across the row's ends on a torus.
    #[inline]
    fn mark_near(&mut self, (row, col): (usize, usize), down: isize, across: isize, torus: bool) {
        let (rows, cols) = (self.grid.down() as isize, self.grid.across() as isize);
        let r = row as isize + down;
        let mut c = col as isize + across;
        if r < 0 || r >= rows {
            return;
        }
        if c < 0 || c >= cols {
            if !torus {
                return;
            }
            c = c.rem_euclid(cols);
        }
        self.mark((r * cols + c) as usize);
    }

    /// The halo rows next to the own rows (`above`, `below`) as this
    /// generation reads them: the tiles along the words that differ from
    /// two generations ago are due. Right after tracking starts there is
    /// no such history, and none is needed: at the first generation after
    /// [`Activity::seed`] the buffer to be written holds the own rows as
    /// they are (or dead ones) and the halo rows are compared with dead
    /// ones, at the second with the first's, the tiles' changes at the
    /// first being against that buffer. (After [`Known::Nothing`] every
    /// tile is due for two generations anyway.)
    pub(super) fn halo_rows(&mut self, above: &[u64], below: &[u64], torus: bool) {
        // Compared with the row `ring` generations ago, or the oldest
        // recorded (dead ones if none) while the history is short.
        let back = self.halo_recorded.min(self.ring);
        for (side, now) in [above, below].into_iter().enumerate() {
            let top = side == 0;
            let unchanged = match back {
                0 => now.iter().all(|&w| w == 0),
                _ => *now == self.halo_seen[side][back - 1][..],
            };
            if !unchanged {
                for (j, &word) in now.iter().enumerate() {
                    let before = match back {
                        0 => 0,
                        _ => self.halo_seen[side][back - 1][j],
                    };
                    if word != before {
                        self.halo_changed(top, j, torus);
                    }
                }
            }
            let seen = &mut self.halo_seen[side];
            seen.rotate_right(1);
            seen[0].copy_from_slice(now);
        }
        self.halo_recorded = (self.halo_recorded + 1).min(SLEEP_RING);
    }

    /// Word `j` of the halo row above (`top`) or below the strip changed:
    /// the tiles of the first (last) row of tiles that touch it are due.
    fn halo_changed(&mut self, top: bool, j: usize, torus: bool) {
        if self.known == Known::Nothing {
            return;
        }
        let row = if top { 0 } else { self.grid.down() - 1 };
        let col = j / TILE_WORDS;
        self.mark_near((row, col), 0, 0, torus);
        if j.is_multiple_of(TILE_WORDS) {
            self.mark_near((row, col), 0, -1, torus);
        }
        if j % TILE_WORDS == TILE_WORDS - 1 || j == self.grid.words - 1 {
            self.mark_near((row, col), 0, 1, torus);
        }
    }

    /// Fills [`Activity::stepping`] with this generation's tiles, or says
    /// (true) that every cell is to be stepped, which the dense kernel does
    /// faster than every tile, what changed being of no use then.
    pub(super) fn begin_generation(&mut self, rule: &Rule) -> bool {
        self.stepping.clear();
        if self.known == Known::Seeded && rule.born(0) {
            self.known = Known::Nothing;
        }
        let blind = self.known == Known::Nothing;
        if blind {
            self.due.fill(0);
            self.due_list.clear();
        } else {
            std::mem::swap(&mut self.stepping, &mut self.due_list);
            for &t in &self.stepping {
                self.due[t as usize / 64] &= !(1u64 << (t % 64));
            }
        }
        self.changes.clear();
        self.changes
            .resize(self.stepping.len(), TileChange::default());
        blind
    }

    /// After the tiles were stepped (into the buffer not now, which is
    /// the one now after the swap that follows): marks the tiles next to
    /// each change as due, and decides whether to step densely for a while.
    pub(super) fn end_generation(&mut self, torus: bool) {
        self.generations += 1;
        let across = self.grid.across();
        let written = self.written_next();
        let blind = self.known == Known::Nothing;
        if blind {
            // Whatever changed, against a buffer that may not have held the
            // generation before: all are due again, and counted again.
            for t in 0..self.grid.len() {
                self.mark(t);
            }
            self.population[written] = None;
        }
        for i in 0..self.stepping.len() {
            let (t, change) = (self.stepping[i] as usize, self.changes[i]);
            if !change.has(TileChange::ANY) {
                continue;
            }
            let at = (t / across, t % across);
            self.mark(t);
            self.mark_stale(written, t);
            let near = [
                (TileChange::TOP, -1, 0),
                (TileChange::BOTTOM, 1, 0),
                (TileChange::LEFT, 0, -1),
                (TileChange::RIGHT, 0, 1),
                (TileChange::TOP_LEFT, -1, -1),
                (TileChange::TOP_RIGHT, -1, 1),
                (TileChange::BOTTOM_LEFT, 1, -1),
                (TileChange::BOTTOM_RIGHT, 1, 1),
            ];
            for (flag, down, side) in near {
                if change.has(flag) {
                    self.mark_near(at, down, side, torus);
                }
            }
        }
        // A tile whose cells were set is compared, when the ring comes
        // round to the buffer that held them, with cells that did not come
        // from what was before: it and its neighbours are due till then.
        let mut i = 0;
        while i < self.fresh.len() {
            let t = self.fresh[i] as usize;
            self.mark_around(t, torus);
            self.fresh_left[t] -= 1;
            if self.fresh_left[t] == 0 {
                self.fresh.swap_remove(i);
            } else {
                i += 1;
            }
        }
        if blind {
            self.stats.dense_generations += 1;
        } else {
            self.stats.tiles_stepped += self.stepping.len() as u64;
            self.stats.sparse_generations += 1;
        }
        let busy = self.stepping.len() as f64 > DENSE_FRACTION * self.grid.len() as f64;
        // A generation that stepped every tile because nothing was known,
        // or the tiles marked after such a generation or after cells were
        // seeded, says nothing about the activity.
        if self.known == Known::Tracked && self.mode == Stepping::Auto {
            if busy {
                // Once a look, however many busy generations it sees.
                if self.dense_left == 0 {
                    self.dense_left = self.look_every;
                    self.look_every = (self.look_every * 2).min(LAST_LOOK);
                }
            } else {
                self.look_every = FIRST_LOOK;
            }
        }
        self.known = match self.known {
            Known::Nothing if self.blind > 1 => {
                self.blind -= 1;
                Known::Nothing
            }
            Known::Nothing | Known::Seeded => Known::Settling,
            Known::Settling | Known::Tracked => Known::Tracked,
        };
        if self.known == Known::Tracked && self.ring == 2 && self.ring_allowed {
            // Tiles stepped STATIONARY_PERIOD generations before too are
            // oscillators, or ash settling in place, not spaceships passing.
            let now = self.generations;
            let mut again = 0;
            for &t in &self.stepping {
                let t = t as usize;
                let since = now - self.stepped_at[t];
                let bits = if since >= 64 {
                    0
                } else {
                    self.stepped_bits[t] << since
                };
                self.stepped_bits[t] = bits | 1;
                self.stepped_at[t] = now;
                again += (bits >> STATIONARY_PERIOD) as usize & 1;
            }
            let periodic = STATIONARY_SHARE * again >= self.stepping.len();
            let few =
                !self.stepping.is_empty() && self.stepping.len() * QUIET_SHARE <= self.grid.len();
            let (quiet, needed) = match self.mode {
                Stepping::Sparse => (true, SPARSE_QUIET_BEFORE_RING),
                _ => (few && periodic, QUIET_BEFORE_RING),
            };
            self.quiet = if quiet { self.quiet + 1 } else { 0 };
            if self.quiet >= needed {
                self.widen_ring();
            }
        }
    }
}
