//! The unbounded plane, as Golly runs patterns: cells at signed 64-bit
//! coordinates, stored as tiles of 64 columns (a word a row) by
//! [`TILE_HEIGHT`] rows that exist only where something lives or just
//! changed, so memory follows the live area, not the bounding box.
//!
//! One plane may be a band of tile rows `[top, bottom)` of a bigger one
//! (one MPI rank's share): the rows just outside it are *ghost* tiles that
//! are never stepped, only filled with the neighbour's edge rows.
//!
//! Deep ghosts ([`Plane::set_ghost_depth`]): instead of one row every
//! generation, a band may receive the `K` rows of its neighbours' edge
//! tiles nearest to it once every `K` generations, and step its ghost
//! tiles with its own in between. What the ghosts cannot know (the rows
//! beyond them) spreads inwards a row a generation from the `K`th row, so
//! the band's own rows stay exact for `K` generations ([`TILE_HEIGHT`] at
//! most): the ranks trade messages `K` times less often, for the ghosts'
//! extra work.
//!
//! Sleeping tiles: every tile keeps two buffers, the generation now and
//! the one before, and a step writes the next generation over the one two
//! back, noting which parts of the tile differ from it. A tile whose
//! neighbourhood is the same as two generations ago would come out as it
//! was one generation ago, which its other buffer already holds: it is
//! skipped. So still lifes and period-2 oscillators (most of a soup's ash)
//! cost nothing, as in lifelib.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::ops::Range;

use rustc_hash::FxHashMap;

use super::bitgrid::BitIter;
use super::hash;
use super::kernel::{self, Isa, PLANE_ROWS, PLANE_TILE_ROWS, PlaneRows};
use super::rule::Rule;

/// Columns of a tile: one word a row.
pub const TILE_WIDTH: i64 = 64;
/// Rows of a tile.
pub const TILE_HEIGHT: i64 = PLANE_TILE_ROWS as i64;

/// A slot number in the tile table.
type Slot = u32;
const NONE: Slot = Slot::MAX;

/// The eight neighbours, clockwise from the one above; `OFFSETS[d]` is the
/// tile offset of direction `d` (y grows downwards, as in Golly).
const OFFSETS: [(i64, i64); 8] = [
    (0, -1),
    (1, -1),
    (1, 0),
    (1, 1),
    (0, 1),
    (-1, 1),
    (-1, 0),
    (-1, -1),
];
const N: usize = 0;
const NE: usize = 1;
const E: usize = 2;
const SE: usize = 3;
const S: usize = 4;
const SW: usize = 5;
const W: usize = 6;
const NW: usize = 7;

/// Bit `d` of a tile's changes: its border facing direction `d` differs
/// from two generations ago. [`ANY`]: anything in it does.
const ANY: u16 = 1 << 8;
const ALL: u16 = 0x1ff;

/// Where a tile's own rows are in its stored column (see [`PLANE_ROWS`]).
const OWN: Range<usize> = 1..PLANE_TILE_ROWS + 1;
/// The stored rows holding the tile above's last row and the tile below's first.
const PAD_ABOVE: usize = 0;
const PAD_BELOW: usize = PLANE_TILE_ROWS + 1;
const FIRST: usize = 1;
const LAST: usize = PLANE_TILE_ROWS;

/// Every own row of a tile as a row mask (see [`PlaneRows`]), and the last.
const ALL_ROWS: u64 = u64::MAX;
const LAST_ROW: u64 = 1 << (PLANE_TILE_ROWS - 1);

/// What a missing neighbour reads as.
static DEAD: [u64; PLANE_ROWS] = [0; PLANE_ROWS];

type Column = [u64; PLANE_ROWS];

/// Steps between sweeps that free tiles dead in both buffers.
const SWEEP_EVERY: u64 = 64;

/// Which side of a band: the ghost row above it or below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
}

/// A band of tile rows, `top..bottom`; `i64::MIN` / `i64::MAX` for a side
/// that is open towards infinity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    pub top: i64,
    pub bottom: i64,
}

impl Band {
    /// The whole plane.
    pub const ALL: Band = Band {
        top: i64::MIN,
        bottom: i64::MAX,
    };

    pub fn contains(&self, tile_row: i64) -> bool {
        self.top <= tile_row && tile_row < self.bottom
    }
}

/// The smallest rectangle holding every live cell, corners included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bbox {
    pub x0: i64,
    pub y0: i64,
    pub x1: i64,
    pub y1: i64,
}

impl Bbox {
    /// The box holding both.
    pub fn union(self, other: Bbox) -> Bbox {
        Bbox {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }
}

#[derive(Clone)]
struct Tile {
    x: i64,
    y: i64,
    /// The generation now is `cells[parity]`, the one before the other;
    /// each with the bordering rows of the tiles above and below.
    cells: [Column; 2],
    /// Per buffer, its own rows that may hold a live cell (bit r for own
    /// row r): exact after a step, all set where cells come from elsewhere
    /// (loads, ghosts), never short.
    rows: [u64; 2],
    links: [Slot; 8],
    /// What its last step (or, for a ghost, its last fill) changed.
    changes: u16,
    /// The step it is due at, so that it is listed once.
    due_at: u64,
    /// Steps left whose changes count as all changed: its other buffer is
    /// not its real history (just loaded, edited, received).
    fresh: u8,
    ghost: bool,
    live: bool,
    /// Steps taken since the last [`Plane::take_work`].
    work: u32,
    /// Listed for the next sweep.
    sweep: bool,
    /// Per buffer, its own rows' [`Summary`] once asked for, until the
    /// buffer is written: a sleeping tile (a still life, a blinker) is
    /// counted once, so the live view's population and bounding box cost
    /// about a nanosecond a tile a frame instead of two passes over its rows.
    summaries: [Cell<Option<Summary>>; 2],
}

/// A buffer's live cells: how many, and their bounding box if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Summary {
    population: u32,
    bbox: Option<Bbox>,
}

impl Tile {
    /// Buffer `b`'s own rows are about to change.
    fn written(&mut self, b: usize) {
        self.summaries[b].set(None);
    }

    fn summary(&self, b: usize) -> Summary {
        if let Some(summary) = self.summaries[b].get() {
            return summary;
        }
        let rows = &self.cells[b][OWN];
        let population = rows.iter().map(|w| w.count_ones()).sum();
        let summary = Summary {
            population,
            bbox: (population > 0).then(|| tile_bbox(self.x, self.y, rows)),
        };
        self.summaries[b].set(Some(summary));
        summary
    }
}

/// `len` cells of row `y` from column `x` (`len` >= 1, and the run ends
/// at or before `i64::MAX`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellRun {
    pub x: i64,
    pub y: i64,
    pub len: u64,
}

/// Counters of the work done, for `--timing`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaneStats {
    pub generations: u64,
    pub tiles_stepped: u64,
}

/// A plane, or one band of it (see the module's documentation).
#[derive(Clone)]
pub struct Plane {
    rule: Rule,
    isa: Isa,
    band: Band,
    tiles: Vec<Tile>,
    free: Vec<Slot>,
    index: FxHashMap<(i64, i64), Slot>,
    /// Tile rows to their tiles, ghosts included.
    rows: BTreeMap<i64, Vec<Slot>>,
    parity: usize,
    /// Steps taken; the next step is number `steps + 1`.
    steps: u64,
    due: Vec<Slot>,
    /// The list being stepped, kept between steps for its allocation.
    stepping: Vec<Slot>,
    /// Tiles already stepped this generation by [`Plane::step_interior`].
    ahead: Vec<Slot>,
    /// Tiles that may be dead in both buffers, for the next sweep.
    maybe_dead: Vec<Slot>,
    /// The edge words last received, by tile x (kept for its allocation).
    incoming: FxHashMap<i64, u64>,
    /// Rows of the neighbours' edge tiles received per exchange, when
    /// ghosts step with the band (see the module's documentation); 0 when
    /// they are filled a row every generation and never step.
    ghost_depth: usize,
    /// How far from the band (1: the ghost row next to it) the next step
    /// must get deep ghosts right: one row less each step after a fill.
    ghost_cone: usize,
    stats: PlaneStats,
}

/// Where the tile grid starts: tiles are offset by half a tile, so that a
/// pattern placed at (0, 0), as Golly places files, sits inside one tile
/// instead of on the corner of four (which would step four every time).
const COLUMN_OFFSET: i64 = TILE_WIDTH / 2;
const ROW_OFFSET: i64 = TILE_HEIGHT / 2;

/// The first column and row the plane holds: the tile holding the ones
/// before it would start before `i64::MIN`.
pub const FIRST_CELL: i64 = i64::MIN
    + if COLUMN_OFFSET > ROW_OFFSET {
        COLUMN_OFFSET
    } else {
        ROW_OFFSET
    };

fn tile_holding(v: i64, size: i64, offset: i64) -> i64 {
    (i128::from(v) + i128::from(offset)).div_euclid(i128::from(size)) as i64
}

fn start_of(t: i64, size: i64, offset: i64) -> i64 {
    (i128::from(t) * i128::from(size) - i128::from(offset)) as i64
}

/// The tile column holding column `x`.
pub fn column_tile(x: i64) -> i64 {
    tile_holding(x, TILE_WIDTH, COLUMN_OFFSET)
}

/// The tile row holding row `y`.
pub fn row_tile(y: i64) -> i64 {
    tile_holding(y, TILE_HEIGHT, ROW_OFFSET)
}

/// The first column of tile column `tx`.
pub fn column_start(tx: i64) -> i64 {
    start_of(tx, TILE_WIDTH, COLUMN_OFFSET)
}

/// The first row of tile row `ty`.
pub fn row_start(ty: i64) -> i64 {
    start_of(ty, TILE_HEIGHT, ROW_OFFSET)
}

/// Tile column and offset of column `x`.
fn split_column(x: i64) -> (i64, usize) {
    let t = column_tile(x);
    (t, x.abs_diff(column_start(t)) as usize)
}

/// Tile row and offset of row `y`.
fn split_row(y: i64) -> (i64, usize) {
    let t = row_tile(y);
    (t, y.abs_diff(row_start(t)) as usize)
}

impl Plane {
    /// An empty plane (or band). Rules with B0 cannot run on a plane of
    /// dead cells: the caller refuses them first.
    pub fn new(rule: Rule, band: Band) -> Plane {
        assert!(!rule.born(0), "B0 rules cannot run on the unbounded plane");
        Plane {
            rule,
            isa: Isa::detect(),
            band,
            tiles: Vec::new(),
            free: Vec::new(),
            index: FxHashMap::default(),
            rows: BTreeMap::new(),
            parity: 0,
            steps: 0,
            due: Vec::new(),
            stepping: Vec::new(),
            ahead: Vec::new(),
            maybe_dead: Vec::new(),
            incoming: FxHashMap::default(),
            ghost_depth: 0,
            ghost_cone: 0,
            stats: PlaneStats::default(),
        }
    }

    /// A plane holding `cells` (live cell coordinates).
    pub fn from_cells(rule: Rule, cells: impl IntoIterator<Item = (i64, i64)>) -> Plane {
        let mut plane = Plane::new(rule, Band::ALL);
        for (x, y) in cells {
            plane.set(x, y, true);
        }
        plane
    }

    pub fn set_isa(&mut self, isa: Isa) {
        self.isa = isa;
    }

    /// Makes the ghosts step with the band, refilled with `depth` rows
    /// ([`Plane::deep_border`], [`Plane::fill_deep_ghosts`]) before every
    /// batch of at most `depth` steps; 0 goes back to a row a generation
    /// ([`Plane::border`], [`Plane::fill_ghosts`]). Set before the first
    /// exchange.
    pub fn set_ghost_depth(&mut self, depth: usize) {
        assert!(
            depth <= PLANE_TILE_ROWS,
            "ghosts are one tile row: at most {PLANE_TILE_ROWS} rows deep"
        );
        self.ghost_depth = depth;
    }

    /// Rows received per exchange when ghosts step with the band, which is
    /// the most steps a batch may take; 0 when a row comes every generation.
    pub fn ghost_depth(&self) -> usize {
        self.ghost_depth
    }

    pub fn stats(&self) -> PlaneStats {
        self.stats
    }

    /// Tiles held, ghosts included: the memory is about 1.1 KiB each.
    pub fn tile_count(&self) -> usize {
        self.index.len()
    }

    fn slot_of(&self, tx: i64, ty: i64) -> Slot {
        self.index.get(&(tx, ty)).copied().unwrap_or(NONE)
    }

    /// The slot of tile (tx, ty), made (all dead) if missing.
    fn ensure(&mut self, tx: i64, ty: i64, ghost: bool) -> Slot {
        if let Some(&slot) = self.index.get(&(tx, ty)) {
            return slot;
        }
        let mut links = [NONE; 8];
        for (d, (dx, dy)) in OFFSETS.iter().enumerate() {
            let (nx, ny) = (tx.wrapping_add(*dx), ty.wrapping_add(*dy));
            links[d] = self.slot_of(nx, ny);
        }
        let mut cells = [[0; PLANE_ROWS]; 2];
        for (b, column) in cells.iter_mut().enumerate() {
            if links[N] != NONE {
                column[PAD_ABOVE] = self.tiles[links[N] as usize].cells[b][LAST];
            }
            if links[S] != NONE {
                column[PAD_BELOW] = self.tiles[links[S] as usize].cells[b][FIRST];
            }
        }
        let tile = Tile {
            x: tx,
            y: ty,
            cells,
            rows: if ghost { [ALL_ROWS; 2] } else { [0; 2] },
            links,
            changes: 0,
            due_at: 0,
            fresh: 0,
            ghost,
            live: true,
            work: 0,
            sweep: false,
            summaries: [Cell::new(None), Cell::new(None)],
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.tiles[slot as usize] = tile;
                slot
            }
            None => {
                self.tiles.push(tile);
                (self.tiles.len() - 1) as Slot
            }
        };
        for (d, &n) in links.iter().enumerate() {
            if n != NONE {
                self.tiles[n as usize].links[(d + 4) % 8] = slot;
            }
        }
        self.index.insert((tx, ty), slot);
        self.rows.entry(ty).or_default().push(slot);
        slot
    }

    fn remove(&mut self, slot: Slot) {
        let tile = &self.tiles[slot as usize];
        let (tx, ty, links) = (tile.x, tile.y, tile.links);
        for (d, &n) in links.iter().enumerate() {
            if n != NONE {
                self.tiles[n as usize].links[(d + 4) % 8] = NONE;
            }
        }
        // What the neighbours above and below read of it is dead now.
        for (d, pad) in [(N, PAD_BELOW), (S, PAD_ABOVE)] {
            if links[d] != NONE {
                for column in &mut self.tiles[links[d] as usize].cells {
                    column[pad] = 0;
                }
            }
        }
        self.index.remove(&(tx, ty));
        if let Some(row) = self.rows.get_mut(&ty) {
            row.retain(|&s| s != slot);
            if row.is_empty() {
                self.rows.remove(&ty);
            }
        }
        self.tiles[slot as usize].live = false;
        self.free.push(slot);
    }

    /// Lists `slot` for the next step, once.
    fn make_due(&mut self, slot: Slot) {
        let next = self.steps + 1;
        let deep = self.ghost_depth > 0;
        let tile = &mut self.tiles[slot as usize];
        if tile.due_at != next && (deep || !tile.ghost) {
            tile.due_at = next;
            self.due.push(slot);
        }
    }

    /// Lists the neighbour of `slot` in direction `d` for the next step,
    /// making it if it is inside the band (or a ghost row of deep ghosts).
    fn make_neighbour_due(&mut self, slot: Slot, d: usize) {
        let tile = &self.tiles[slot as usize];
        let mut n = tile.links[d];
        if n == NONE {
            let (tx, ty) = (tile.x + OFFSETS[d].0, tile.y + OFFSETS[d].1);
            let ghost = !self.band.contains(ty);
            if ghost && !(self.ghost_depth > 0 && self.is_ghost_row(ty)) {
                return;
            }
            n = self.ensure(tx, ty, ghost);
        }
        self.make_due(n);
    }

    /// Marks a tile whose other buffer is not its history: it and its
    /// neighbours step at the next two steps.
    fn refresh(&mut self, slot: Slot) {
        let (now, other) = (self.parity, 1 - self.parity);
        let tile = &mut self.tiles[slot as usize];
        let [a, b] = &mut tile.cells;
        let (from, to) = if now == 0 { (&*a, b) } else { (&*b, a) };
        to[OWN].copy_from_slice(&from[OWN]);
        tile.summaries[other].set(tile.summaries[now].get());
        tile.rows[other] = tile.rows[now];
        tile.fresh = 2;
        self.push_borders(slot, other);
        self.make_due(slot);
        for d in 0..8 {
            self.make_neighbour_due(slot, d);
        }
    }

    pub fn get(&self, x: i64, y: i64) -> bool {
        let ((tx, ox), (ty, oy)) = (split_column(x), split_row(y));
        match self.index.get(&(tx, ty)) {
            Some(&slot) => self.tiles[slot as usize].cells[self.parity][oy + 1] >> ox & 1 != 0,
            None => false,
        }
    }

    /// Sets a cell inside the band (cells outside it are another band's,
    /// and cells before [`FIRST_CELL`] are off the plane).
    pub fn set(&mut self, x: i64, y: i64, alive: bool) {
        if x < FIRST_CELL || y < FIRST_CELL {
            return;
        }
        let ((tx, ox), (ty, oy)) = (split_column(x), split_row(y));
        if !self.band.contains(ty) || (!alive && self.slot_of(tx, ty) == NONE) {
            return;
        }
        let slot = self.ensure(tx, ty, false);
        let tile = &mut self.tiles[slot as usize];
        tile.written(self.parity);
        tile.rows[self.parity] |= 1 << oy;
        let word = &mut tile.cells[self.parity][oy + 1];
        if alive {
            *word |= 1 << ox;
        } else {
            *word &= !(1 << ox);
        }
        self.push_borders(slot, self.parity);
        self.refresh(slot);
        if !alive {
            self.sweep_later(slot);
        }
    }

    /// Sets a run of cells alive, a word at a time: a pattern's live runs
    /// cost a few operations a tile, not a call a cell. Cells outside the
    /// band, or before [`FIRST_CELL`], are not set.
    pub fn set_run(&mut self, CellRun { x, y, len }: CellRun) {
        if y < FIRST_CELL || len == 0 {
            return;
        }
        let (ty, oy) = split_row(y);
        if !self.band.contains(ty) {
            return;
        }
        let last = x.saturating_add_unsigned(len - 1);
        let mut at = x.max(FIRST_CELL);
        while at <= last {
            let (tx, ox) = split_column(at);
            let end = column_start(tx).saturating_add(TILE_WIDTH - 1).min(last);
            let n = (end - at + 1) as u32;
            let mask = if n == 64 {
                u64::MAX
            } else {
                ((1u64 << n) - 1) << ox
            };
            let slot = self.ensure(tx, ty, false);
            let tile = &mut self.tiles[slot as usize];
            tile.written(self.parity);
            tile.rows[self.parity] |= 1 << oy;
            tile.cells[self.parity][oy + 1] |= mask;
            self.push_borders(slot, self.parity);
            self.refresh(slot);
            match end.checked_add(1) {
                Some(next) => at = next,
                None => break,
            }
        }
    }

    /// Steps the band one generation, its ghost rows as last filled.
    pub fn step(&mut self) {
        let (now, next) = (self.parity, 1 - self.parity);
        // The list being stepped, and an empty one (with room) for the next.
        let mut due = std::mem::take(&mut self.stepping);
        std::mem::swap(&mut due, &mut self.due);
        self.steps += 1;
        // Those stepped ahead (`step_interior`), then the rest. Spreading
        // right after a step is safe: it writes only the next buffer's
        // bordering rows, which no step of this generation reads, and
        // lists tiles for the next step.
        let ahead = std::mem::take(&mut self.ahead);
        for &slot in &ahead {
            self.push_borders(slot, next);
            self.spread(slot);
        }
        for &slot in &due {
            self.compute(slot, now, next);
            self.push_borders(slot, next);
            self.spread(slot);
        }
        self.ghost_cone = self.ghost_cone.saturating_sub(1);
        self.stats.tiles_stepped += (due.len() + ahead.len()) as u64;
        self.stats.generations += 1;
        self.parity = next;
        due.clear();
        self.stepping = due;
        self.ahead = ahead;
        self.ahead.clear();
        if self.steps.is_multiple_of(SWEEP_EVERY) {
            self.sweep();
        }
    }

    /// Computes, before the ghost rows are filled, the next generation of
    /// the due tiles that the ghost rows cannot reach (all but the band's
    /// edge rows), so that they are stepped while the edge cells travel.
    /// The next [`Plane::step`] finishes the generation.
    pub fn step_interior(&mut self) {
        let (now, next) = (self.parity, 1 - self.parity);
        let edges = [
            self.ghost_row(Side::Above)
                .map(|_| self.edge_row(Side::Above)),
            self.ghost_row(Side::Below)
                .map(|_| self.edge_row(Side::Below)),
        ];
        let mut due = std::mem::take(&mut self.due);
        let mut ahead = std::mem::take(&mut self.ahead);
        due.retain(|&slot| {
            let y = self.tiles[slot as usize].y;
            if edges.contains(&Some(y)) {
                return true;
            }
            ahead.push(slot);
            false
        });
        for &slot in &ahead {
            self.compute(slot, now, next);
        }
        self.due = due;
        self.ahead = ahead;
    }

    /// One tile's next generation, from buffer `now` into buffer `next`,
    /// with what changed.
    fn compute(&mut self, slot: Slot, now: usize, next: usize) {
        let (west, east) = {
            let links = &self.tiles[slot as usize].links;
            (links[W], links[E])
        };
        let deep = self.ghost_depth > 0;
        let (tile, [west, east]) = with_sides(&mut self.tiles, slot, [west, east]);
        debug_assert!(
            tile.live && (deep || !tile.ghost),
            "a freed or ghost tile listed"
        );
        let spread = |rows: u64| rows | rows << 1 | rows >> 1;
        let side = |t: Option<&Tile>| t.map_or(0, |t| spread(t.rows[now]));
        let pad = |t: Option<&Tile>, r: usize| t.map_or(0, |t| t.cells[now][r]);
        let mut need = spread(tile.rows[now]) | side(west) | side(east);
        let [a, b] = &mut tile.cells;
        let (cells, out) = if now == 0 { (&*a, b) } else { (&*b, a) };
        if cells[PAD_ABOVE] | pad(west, PAD_ABOVE) | pad(east, PAD_ABOVE) != 0 {
            need |= 1;
        }
        if cells[PAD_BELOW] | pad(west, PAD_BELOW) | pad(east, PAD_BELOW) != 0 {
            need |= LAST_ROW;
        }
        let columns = [
            west.map_or(&DEAD, |t| &t.cells[now]),
            cells,
            east.map_or(&DEAD, |t| &t.cells[now]),
        ];
        let (top, bottom) = (out[FIRST], out[LAST]);
        let rows = PlaneRows {
            need,
            old: tile.rows[next],
            alive: tile.rows[now],
        };
        // Copied for deep ghosts only: a tile's rows are half a KiB.
        let before = if tile.ghost { Some(*out) } else { None };
        let mut found = kernel::step_plane_tile(self.isa, &self.rule, columns, out, rows);
        if let Some(before) = before {
            // A deep ghost: rows outside the cone are wrong whatever is
            // computed, and nothing the band reads depends on them before
            // the next fill. Kept as they were, they cannot keep the tile
            // awake (the rows beyond a ghost read as dead).
            let above = tile.y < self.band.top;
            found = keep_outside_cone(out, &before, cone_rows(self.ghost_cone, above));
        }
        let changes = changes_of(found.changed, top ^ out[FIRST], bottom ^ out[LAST]);
        tile.rows[next] = found.alive;
        tile.written(next);
        tile.work = tile.work.saturating_add(1);
        if !tile.sweep && found.alive == 0 {
            tile.sweep = true;
            self.maybe_dead.push(slot);
        }
        tile.changes = if tile.fresh > 0 {
            tile.fresh -= 1;
            ALL
        } else {
            changes
        };
    }

    /// Steps `generations` generations (a whole plane: no ghosts to fill).
    pub fn run(&mut self, generations: u64) {
        let mut left = generations;
        while left > 0 {
            if self.is_settled() && self.band == Band::ALL {
                self.skip_settled(left);
                return;
            }
            self.step();
            left -= 1;
        }
    }

    /// Whether nothing is due at the next step: every tile is as two
    /// generations before, so the band repeats with period 1 or 2 for as
    /// long as its ghost rows do.
    pub fn is_settled(&self) -> bool {
        self.due.is_empty()
    }

    /// Moves a settled band (see [`Plane::is_settled`]) `generations` on
    /// without stepping: only the buffers' roles change, every other
    /// generation. Its ghost rows must be settled too (all bands are).
    pub fn skip_settled(&mut self, generations: u64) {
        debug_assert!(self.is_settled());
        if generations % 2 == 1 {
            self.parity = 1 - self.parity;
        }
        self.steps += generations;
        self.stats.generations += generations;
    }

    /// Lists for the next step the tiles that the last change of `slot`
    /// can reach.
    fn spread(&mut self, slot: Slot) {
        let changes = self.tiles[slot as usize].changes;
        if changes == 0 {
            return;
        }
        if changes & ANY != 0 {
            self.make_due(slot);
        }
        for d in 0..8 {
            if changes & (1 << d) != 0 {
                self.make_neighbour_due(slot, d);
            }
        }
    }

    /// Copies `slot`'s first and last rows of buffer `b` into the
    /// neighbours above and below, whose steps read them there.
    fn push_borders(&mut self, slot: Slot, b: usize) {
        let tile = &self.tiles[slot as usize];
        let (first, last) = (tile.cells[b][FIRST], tile.cells[b][LAST]);
        let (up, down) = (tile.links[N], tile.links[S]);
        if up != NONE {
            self.tiles[up as usize].cells[b][PAD_BELOW] = first;
        }
        if down != NONE {
            self.tiles[down as usize].cells[b][PAD_ABOVE] = last;
        }
    }

    /// Frees the tiles dead in both buffers that nothing needs.
    /// Only the tiles a step or a fill left dead are looked at: the
    /// others cannot have died since.
    fn sweep(&mut self) {
        let next = self.steps + 1;
        let candidates = std::mem::take(&mut self.maybe_dead);
        for slot in candidates {
            let t = &mut self.tiles[slot as usize];
            if !t.live || !t.sweep {
                continue;
            }
            t.sweep = false;
            let dead = t.due_at != next
                && t.fresh == 0
                && t.cells.iter().all(|b| b[OWN].iter().all(|&w| w == 0));
            if dead {
                self.remove(slot);
            }
        }
    }

    /// Lists `slot` for the next sweep.
    fn sweep_later(&mut self, slot: Slot) {
        let tile = &mut self.tiles[slot as usize];
        if !tile.sweep {
            tile.sweep = true;
            self.maybe_dead.push(slot);
        }
    }

    /// The tile row just outside the band on `side`, if the band is closed there.
    fn ghost_row(&self, side: Side) -> Option<i64> {
        match side {
            Side::Above => (self.band.top != i64::MIN).then(|| self.band.top - 1),
            Side::Below => (self.band.bottom != i64::MAX).then_some(self.band.bottom),
        }
    }

    fn is_ghost_row(&self, ty: i64) -> bool {
        [Side::Above, Side::Below]
            .map(|side| self.ghost_row(side))
            .contains(&Some(ty))
    }

    /// The band's own tile row next to `side`.
    fn edge_row(&self, side: Side) -> i64 {
        match side {
            Side::Above => self.band.top,
            Side::Below => self.band.bottom - 1,
        }
    }

    /// The stored row of a tile that its neighbour across `side` reads.
    fn border_offset(side: Side) -> usize {
        match side {
            Side::Above => FIRST,
            Side::Below => LAST,
        }
    }

    /// The band's edge cells on `side` for the neighbouring band, as
    /// `(tile x, word)` pairs of the non-empty words; `None` when they are
    /// as at the generation before (an empty message will do).
    pub fn border(&self, side: Side) -> Option<Vec<(i64, u64)>> {
        let row = self.rows.get(&self.edge_row(side))?;
        let r = Self::border_offset(side);
        let (now, before) = (self.parity, 1 - self.parity);
        let mut same = true;
        let mut words = Vec::new();
        for &slot in row {
            let tile = &self.tiles[slot as usize];
            let word = tile.cells[now][r];
            // A fresh tile's other buffer is a copy, not the generation before.
            same &= tile.fresh == 0 && word == tile.cells[before][r];
            if word != 0 {
                words.push((tile.x, word));
            }
        }
        (!same || self.steps == 0).then_some(words)
    }

    /// Fills the ghost row on `side` with the neighbour's edge cells at
    /// this generation: `Some(words)` as [`Plane::border`] gave them, or
    /// `None` for "as at the generation before". Lists the band's tiles
    /// next to a change for the next step.
    pub fn fill_ghosts(&mut self, side: Side, words: Option<&[(i64, u64)]>) {
        let Some(ty) = self.ghost_row(side) else {
            return;
        };
        let r = match side {
            Side::Above => LAST,
            Side::Below => FIRST,
        };
        let (now, before) = (self.parity, 1 - self.parity);
        if let Some(words) = words {
            for &(tx, _) in words {
                self.ensure(tx, ty, true);
            }
        }
        let ghosts = self.rows.get(&ty).map_or(0, Vec::len);
        self.incoming.clear();
        if let Some(words) = words {
            self.incoming.extend(words.iter().copied());
        }
        let toward_band = match side {
            Side::Above => [SW, S, SE],
            Side::Below => [NW, N, NE],
        };
        // By index: the steps below may make band tiles (other rows), never ghosts.
        for i in 0..ghosts {
            let slot = self.rows[&ty][i];
            let tile = &mut self.tiles[slot as usize];
            let word = match words {
                Some(_) => self.incoming.get(&tile.x).copied().unwrap_or(0),
                None => tile.cells[before][r],
            };
            let old = std::mem::replace(&mut tile.cells[now][r], word);
            let toward = tile.links[toward_band[1]];
            if word == 0 {
                self.sweep_later(slot);
            }
            if toward != NONE {
                let pad = if side == Side::Above {
                    PAD_ABOVE
                } else {
                    PAD_BELOW
                };
                self.tiles[toward as usize].cells[now][pad] = word;
            }
            let tile = &mut self.tiles[slot as usize];
            let diff = old ^ word;
            let mut changes = 0;
            if tile.fresh > 0 {
                tile.fresh -= 1;
                changes = ALL;
            } else if diff != 0 {
                changes |= 1 << toward_band[1];
                if diff & 1 != 0 {
                    changes |= 1 << toward_band[0];
                }
                if diff >> 63 != 0 {
                    changes |= 1 << toward_band[2];
                }
            }
            for d in toward_band {
                if changes & (1 << d) != 0 {
                    self.make_neighbour_due(slot, d);
                }
            }
        }
    }

    /// Own rows of a tile that deep ghosts across `side` are filled with:
    /// as many as the ghost depth, those nearest to the band.
    fn deep_rows(&self, side: Side) -> Range<usize> {
        match side {
            Side::Above => PLANE_TILE_ROWS - self.ghost_depth..PLANE_TILE_ROWS,
            Side::Below => 0..self.ghost_depth,
        }
    }

    /// The band's edge tiles on `side` for the neighbouring band's deep
    /// ghosts: per tile holding a live cell there, its x and its rows
    /// nearest to that band, as many as the ghost depth.
    pub fn deep_border(&self, side: Side) -> Vec<u64> {
        // What the neighbour across `side` fills its ghosts on the other side with.
        let rows = self.deep_rows(match side {
            Side::Above => Side::Below,
            Side::Below => Side::Above,
        });
        let stored = rows.start + 1..rows.end + 1;
        let mut out = Vec::new();
        let Some(row) = self.rows.get(&self.edge_row(side)) else {
            return out;
        };
        for &slot in row {
            let tile = &self.tiles[slot as usize];
            let words = &tile.cells[self.parity][stored.clone()];
            if words.iter().any(|&w| w != 0) {
                out.push(tile.x as u64);
                out.extend_from_slice(words);
            }
        }
        out
    }

    /// Fills the deep ghosts on `side` with what [`Plane::deep_border`]
    /// gave: their other rows are dead, which is wrong but reaches the band
    /// only after as many steps as the ghost depth. Every ghost and its
    /// neighbours step at the next two steps, as after a load.
    pub fn fill_deep_ghosts(&mut self, side: Side, message: &[u64]) {
        let Some(ty) = self.ghost_row(side) else {
            return;
        };
        let rows = self.deep_rows(side);
        let now = self.parity;
        for &slot in self.rows.get(&ty).into_iter().flatten() {
            let tile = &mut self.tiles[slot as usize];
            tile.written(now);
            tile.cells[now][OWN].fill(0);
            tile.rows[now] = 0;
        }
        for chunk in message.chunks_exact(rows.len() + 1) {
            let slot = self.ensure(chunk[0] as i64, ty, true);
            let tile = &mut self.tiles[slot as usize];
            tile.cells[now][rows.start + 1..rows.end + 1].copy_from_slice(&chunk[1..]);
            tile.rows[now] = ALL_ROWS;
        }
        self.ghost_cone = self.ghost_depth - 1;
        let ghosts = self.rows.get(&ty).cloned().unwrap_or_default();
        for slot in ghosts {
            self.push_borders(slot, now);
            self.refresh(slot);
            self.sweep_later(slot);
        }
    }

    /// Drops the ghost rows and takes `band` as this plane's, keeping the
    /// tiles inside it; the tiles outside it are returned (as
    /// [`Plane::tiles_for_transfer`] lists them) for their new owners.
    /// Everything steps again for two generations, as after a load.
    pub fn rebanded(&mut self, band: Band) -> Vec<u64> {
        let leaving: Vec<Slot> = self
            .tiles
            .iter()
            .enumerate()
            .filter(|(_, t)| t.live && (t.ghost || !band.contains(t.y)))
            .map(|(s, _)| s as Slot)
            .collect();
        let mut out = Vec::new();
        for &slot in &leaving {
            let tile = &self.tiles[slot as usize];
            if !tile.ghost {
                push_tile(&mut out, tile.x, tile.y, &tile.cells[self.parity][OWN]);
            }
        }
        for slot in leaving {
            self.remove(slot);
        }
        // Freed slots may be made again: none may stay listed.
        let tiles = &self.tiles;
        self.due.retain(|&s| tiles[s as usize].live);
        self.band = band;
        self.refresh_all();
        out
    }

    /// Adds tiles as [`Plane::rebanded`] returns them (those inside the band).
    pub fn add_tiles(&mut self, words: &[u64]) {
        for chunk in words.chunks_exact(TILE_RECORD) {
            let (tx, ty) = (chunk[0] as i64, chunk[1] as i64);
            if !self.band.contains(ty) {
                continue;
            }
            let slot = self.ensure(tx, ty, false);
            let parity = self.parity;
            let tile = &mut self.tiles[slot as usize];
            tile.written(parity);
            tile.cells[parity][OWN].copy_from_slice(&chunk[2..]);
            tile.rows[parity] = ALL_ROWS;
            self.push_borders(slot, parity);
            self.refresh(slot);
        }
    }

    /// Every tile steps at the next two steps.
    fn refresh_all(&mut self) {
        let slots: Vec<Slot> = (0..self.tiles.len() as Slot)
            .filter(|&s| self.tiles[s as usize].live && !self.tiles[s as usize].ghost)
            .collect();
        for slot in slots {
            self.refresh(slot);
        }
    }

    /// Every own tile with live cells, as `(tile x, tile y, rows)`.
    pub fn live_tiles(&self) -> impl Iterator<Item = (i64, i64, &[u64])> + '_ {
        self.tiles
            .iter()
            .filter(|t| t.live && !t.ghost)
            .filter(|t| t.summary(self.parity).population > 0)
            .map(move |t| (t.x, t.y, &t.cells[self.parity][OWN]))
    }

    /// The summaries of the own tiles' buffers now.
    fn summaries(&self) -> impl Iterator<Item = Summary> + '_ {
        self.tiles
            .iter()
            .filter(|t| t.live && !t.ghost)
            .map(|t| t.summary(self.parity))
    }

    /// The own tiles with live cells that meet columns `columns` and rows
    /// `rows` (cells, half-open), as `(first column, first row, rows)`:
    /// what a viewport shows, found through the tile rows it spans.
    pub fn tiles_meeting(
        &self,
        columns: Range<i64>,
        rows: Range<i64>,
    ) -> impl Iterator<Item = (i64, i64, &[u64])> + '_ {
        let empty = columns.is_empty() || rows.is_empty();
        let x_tiles = column_tile(columns.start)..=column_tile(columns.end.saturating_sub(1));
        let y_tiles = row_tile(rows.start)..=row_tile(rows.end.saturating_sub(1));
        // (BTreeMap::range panics on a reversed range.)
        (!empty)
            .then(|| self.rows.range(y_tiles))
            .into_iter()
            .flatten()
            .flat_map(|(_, slots)| slots.iter())
            .map(move |&slot| &self.tiles[slot as usize])
            .filter(move |t| t.live && !t.ghost && x_tiles.contains(&t.x))
            .map(move |t| {
                let cells: &[u64] = &t.cells[self.parity][OWN];
                (column_start(t.x), row_start(t.y), cells)
            })
    }

    /// The band's live tiles packed for a message: per tile its x, its y
    /// and its rows.
    pub fn tiles_for_transfer(&self) -> Vec<u64> {
        let mut out = Vec::new();
        for (tx, ty, rows) in self.live_tiles() {
            push_tile(&mut out, tx, ty, rows);
        }
        out
    }

    /// Live cells in the band.
    pub fn population(&self) -> u64 {
        self.summaries().map(|s| u64::from(s.population)).sum()
    }

    /// This band's part of the plane's hash: partial sums of all bands add
    /// up to the same value for any split (see [`hash::finish_plane`]).
    pub fn partial_hash(&self) -> u64 {
        self.live_tiles().fold(0u64, |sum, (tx, ty, rows)| {
            rows.iter().enumerate().fold(sum, |sum, (r, &word)| {
                if word == 0 {
                    sum
                } else {
                    sum.wrapping_add(hash::plane_word_hash(tx, row_start(ty) + r as i64, word))
                }
            })
        })
    }

    /// The band's live cells' bounding box, if any live.
    pub fn bbox(&self) -> Option<Bbox> {
        self.summaries().filter_map(|s| s.bbox).reduce(Bbox::union)
    }

    /// Live cells, row by row within each tile, tiles in no set order.
    pub fn live_cells(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.live_tiles()
            .flat_map(|(tx, ty, rows)| tile_cells(tx, ty, rows))
    }

    /// Tiles stepped per tile row since the last call: the work to share
    /// out when bands are balanced.
    pub fn take_work(&mut self) -> BTreeMap<i64, u64> {
        let mut work = BTreeMap::new();
        // A deep ghost's steps are its owner's work: counted there.
        for tile in self.tiles.iter_mut().filter(|t| t.live && t.work > 0) {
            if tile.ghost {
                tile.work = 0;
                continue;
            }
            *work.entry(tile.y).or_insert(0) += u64::from(std::mem::take(&mut tile.work));
        }
        work
    }
}

/// Tile `slot`, to write, and the tiles `sides` (distinct from it, or
/// [`NONE`]), to read.
fn with_sides(tiles: &mut [Tile], slot: Slot, sides: [Slot; 2]) -> (&mut Tile, [Option<&Tile>; 2]) {
    let at = slot as usize;
    let (before, rest) = tiles.split_at_mut(at);
    let (tile, after) = rest.split_first_mut().expect("a listed slot");
    let (before, after) = (&*before, &*after);
    let read = |n: Slot| match n as usize {
        _ if n == NONE => None,
        n if n < at => Some(&before[n]),
        n => Some(&after[n - at - 1]),
    };
    (tile, sides.map(read))
}

fn push_tile(out: &mut Vec<u64>, tx: i64, ty: i64, rows: &[u64]) {
    out.push(tx as u64);
    out.push(ty as u64);
    out.extend_from_slice(rows);
}

fn tile_bbox(tx: i64, ty: i64, rows: &[u64]) -> Bbox {
    let first = rows.iter().position(|&w| w != 0).unwrap_or(0);
    let last = rows.iter().rposition(|&w| w != 0).unwrap_or(0);
    let all = rows.iter().fold(0, |a, &w| a | w);
    Bbox {
        x0: column_start(tx) + all.trailing_zeros() as i64,
        x1: column_start(tx) + 63 - all.leading_zeros() as i64,
        y0: row_start(ty) + first as i64,
        y1: row_start(ty) + last as i64,
    }
}

/// The own rows of a deep ghost that a step must get right (bit r for own
/// row r): those within `cone` rows of the band, the ghost being above it
/// (`above`) or below it.
fn cone_rows(cone: usize, above: bool) -> u64 {
    match cone {
        0 => 0,
        c if c >= PLANE_TILE_ROWS => ALL_ROWS,
        c if above => ALL_ROWS << (PLANE_TILE_ROWS - c),
        c => ALL_ROWS >> (PLANE_TILE_ROWS - c),
    }
}

/// Puts back the own rows outside `cone` (a row mask) from `before`, and
/// says what the step changed and left alive with them put back.
fn keep_outside_cone(out: &mut Column, before: &Column, cone: u64) -> kernel::PlaneStep {
    let mut changed = 0;
    let mut alive = 0;
    for r in 0..PLANE_TILE_ROWS {
        let at = r + FIRST;
        if cone >> r & 1 == 0 {
            out[at] = before[at];
        }
        changed |= out[at] ^ before[at];
        alive |= u64::from(out[at] != 0) << r;
    }
    kernel::PlaneStep { changed, alive }
}

/// The change flags from the differences ORed over all rows, in the first
/// row and in the last.
fn changes_of(any: u64, top: u64, bottom: u64) -> u16 {
    if any == 0 {
        return 0;
    }
    let mut changes = ANY;
    let mut flag = |on: bool, d: usize| {
        if on {
            changes |= 1 << d;
        }
    };
    flag(top != 0, N);
    flag(bottom != 0, S);
    flag(any & 1 != 0, W);
    flag(any >> 63 != 0, E);
    flag(top & 1 != 0, NW);
    flag(top >> 63 != 0, NE);
    flag(bottom & 1 != 0, SW);
    flag(bottom >> 63 != 0, SE);
    changes
}

/// Steps bands of one plane one generation in this process, in order
/// from the top, each band's edges passed to its neighbours first: what
/// MPI ranks do, without MPI (for tests and in-process ranks).
pub fn step_bands<P: AsMut<Plane>>(bands: &mut [P]) {
    // As over MPI: the interior steps while the edge cells would travel.
    for band in bands.iter_mut() {
        band.as_mut().step_interior();
    }
    for i in 0..bands.len() {
        if i > 0 {
            let up = bands[i].as_mut().border(Side::Above);
            bands[i - 1]
                .as_mut()
                .fill_ghosts(Side::Below, up.as_deref());
        }
        if i + 1 < bands.len() {
            let down = bands[i].as_mut().border(Side::Below);
            bands[i + 1]
                .as_mut()
                .fill_ghosts(Side::Above, down.as_deref());
        }
    }
    for band in bands.iter_mut() {
        band.as_mut().step();
    }
}

/// Steps bands of one plane `generations` generations in this process
/// with deep ghosts ([`Plane::set_ghost_depth`] at least `generations`
/// on every band): one exchange, then the steps, as MPI ranks do.
pub fn step_bands_deep<P: AsMut<Plane>>(bands: &mut [P], generations: usize) {
    for i in 0..bands.len() {
        if i > 0 {
            let up = bands[i].as_mut().deep_border(Side::Above);
            bands[i - 1].as_mut().fill_deep_ghosts(Side::Below, &up);
        }
        if i + 1 < bands.len() {
            let down = bands[i].as_mut().deep_border(Side::Below);
            bands[i + 1].as_mut().fill_deep_ghosts(Side::Above, &down);
        }
    }
    for band in bands.iter_mut() {
        for _ in 0..generations {
            band.as_mut().step();
        }
    }
}

impl AsMut<Plane> for Plane {
    fn as_mut(&mut self) -> &mut Plane {
        self
    }
}

/// Moves the bands' edges to `edges` (one more than the bands: the first
/// `i64::MIN`, the last `i64::MAX`), handing tiles to their new bands.
pub fn reband(bands: &mut [Plane], edges: &[i64]) {
    assert_eq!(edges.len(), bands.len() + 1);
    let mut moving = Vec::new();
    for (i, band) in bands.iter_mut().enumerate() {
        moving.extend(band.rebanded(Band {
            top: edges[i],
            bottom: edges[i + 1],
        }));
    }
    for band in bands.iter_mut() {
        band.add_tiles(&moving);
    }
}

/// Words a tile takes in a message of [`Plane::tiles_for_transfer`]: its
/// x, its y and its rows.
pub const TILE_RECORD: usize = 2 + PLANE_TILE_ROWS;

/// The tile row of a tile in such a message.
pub fn record_row(record: &[u64]) -> i64 {
    record[1] as i64
}

/// The live cells of a message made by [`Plane::tiles_for_transfer`].
pub fn transfer_cells(words: &[u64]) -> impl Iterator<Item = (i64, i64)> + '_ {
    words
        .chunks_exact(TILE_RECORD)
        .flat_map(|c| tile_cells(c[0] as i64, c[1] as i64, &c[2..]))
}

/// The live cells of tile (tx, ty) holding `rows`.
fn tile_cells(tx: i64, ty: i64, rows: &[u64]) -> impl Iterator<Item = (i64, i64)> + '_ {
    rows.iter().enumerate().flat_map(move |(r, &word)| {
        BitIter(word).map(move |b| (column_start(tx) + b as i64, row_start(ty) + r as i64))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_sets_what_its_cells_one_by_one_set() {
        // Runs within a tile, across tile edges, a whole tile wide, many
        // tiles long, at the plane's first cell and last column, and
        // rows outside a band.
        let runs = [
            CellRun { x: 3, y: 0, len: 5 },
            CellRun {
                x: 20,
                y: 7,
                len: 200,
            },
            CellRun {
                x: column_start(2),
                y: -40,
                len: 64,
            },
            CellRun {
                x: -1000,
                y: 100,
                len: 3000,
            },
            CellRun {
                x: FIRST_CELL - 5,
                y: 1,
                len: 10,
            },
            CellRun {
                x: i64::MAX - 70,
                y: 2,
                len: 71,
            },
            CellRun {
                x: 0,
                y: FIRST_CELL,
                len: 2,
            },
        ];
        for band in [Band::ALL, Band { top: -1, bottom: 2 }] {
            let mut by_run = Plane::new(Rule::LIFE, band);
            let mut by_cell = Plane::new(Rule::LIFE, band);
            for run in runs {
                by_run.set_run(run);
                for k in 0..run.len {
                    if let Some(x) = run.x.checked_add_unsigned(k) {
                        by_cell.set(x, run.y, true);
                    }
                }
            }
            let cells = |plane: &Plane| {
                let mut cells: Vec<_> = plane.live_cells().collect();
                cells.sort_unstable();
                cells
            };
            assert_eq!(cells(&by_run), cells(&by_cell), "{band:?}");
            assert_eq!(by_run.population(), by_cell.population());
            for _ in 0..3 {
                by_run.step();
                by_cell.step();
            }
            assert_eq!(cells(&by_run), cells(&by_cell), "{band:?} stepped");
            assert_eq!(by_run.partial_hash(), by_cell.partial_hash());
        }
    }

    #[test]
    fn extreme_coordinates() {
        let cells = [
            (i64::MAX - 70, i64::MIN + 70),
            (i64::MAX - 71, i64::MIN + 70),
            (i64::MAX - 69, i64::MIN + 70),
        ];
        let mut plane = Plane::from_cells(Rule::LIFE, cells);
        plane.run(3);
        assert_eq!(plane.population(), 3);
        assert!(plane.get(i64::MAX - 70, i64::MIN + 69));
        assert_eq!(column_start(column_tile(i64::MAX)), i64::MAX - 31);
        // The first 32 columns and rows would start a tile before i64::MIN.
        plane.set(i64::MIN, 0, true);
        assert_eq!(plane.population(), 3);
    }

    #[test]
    fn what_is_kept_of_a_sleeping_tile_follows_edits_and_moves() {
        let block = [(0, 0), (1, 0), (0, 1), (1, 1)];
        let mut plane = Plane::from_cells(Rule::LIFE, block);
        plane.run(4);
        let at = |x0, y0, x1, y1| Some(Bbox { x0, y0, x1, y1 });
        assert_eq!((plane.population(), plane.bbox()), (4, at(0, 0, 1, 1)));
        assert!(plane.is_settled());
        plane.set(9, -5, true);
        assert_eq!((plane.population(), plane.bbox()), (5, at(0, -5, 9, 1)));
        plane.step();
        assert_eq!((plane.population(), plane.bbox()), (4, at(0, 0, 1, 1)));
        plane.set(0, 0, false);
        assert_eq!((plane.population(), plane.bbox()), (3, at(0, 0, 1, 1)));
        let moved = plane.rebanded(Band { top: 5, bottom: 6 });
        assert_eq!((plane.population(), plane.bbox()), (0, None));
        let mut other = Plane::new(Rule::LIFE, Band::ALL);
        other.add_tiles(&moved);
        assert_eq!((other.population(), other.bbox()), (3, at(0, 0, 1, 1)));
    }

    #[test]
    fn tiles_start_half_a_tile_before_the_origin() {
        assert_eq!(split_column(0), (0, 32));
        assert_eq!(split_column(-32), (0, 0));
        assert_eq!(split_column(-33), (-1, 63));
        assert_eq!(split_column(31), (0, 63));
        assert_eq!(split_column(32), (1, 0));
        let half = TILE_HEIGHT / 2;
        assert_eq!(split_row(0), (0, half as usize));
        assert_eq!(split_row(-half), (0, 0));
        assert_eq!(split_row(-half - 1), (-1, TILE_HEIGHT as usize - 1));
        assert_eq!(split_row(half), (1, 0));
    }
}
