//! The live view's frame protocol. Each round, rank 0 broadcasts one small
//! fixed-size [`Control`] message (what to step, which part of the grid is
//! on screen, edits and commands); every rank applies it to its strip,
//! steps, renders its own rows of the viewport into a few bytes, and rank 0
//! gathers those bytes plus per-rank stats with one variable-count gather.
//! The bytes per round depend on the terminal size, never on the grid size.
//!
//! Waiting ranks poll a non-blocking broadcast with `test()` and short naps,
//! so that a paused job costs almost no CPU (Open MPI's blocking calls spin).
//! Every rank uses the same form of each collective: the broadcast is always
//! the non-blocking one, the gathers always the blocking ones.
//!
//! The round is written once ([`play`]) and runs over MPI ([`MpiRanks`],
//! [`follow`]) or in one process ([`LocalRanks`], for tests). The MPI calls
//! themselves are `Cluster`'s.

use std::ops::Range;
use std::time::Duration;

use crate::cluster::messages::{ControlMessage, SetupMessage};
use crate::cluster::{Cluster, Decomposition, StepTiming};

pub mod plane;
pub mod rewind;
pub mod scaling;

use crate::config::RunConfig;
use crate::engine::plane::Bbox;
use crate::engine::{BitGrid, Strip, hash};
use crate::launch;
use crate::view::{self, Viewport};
use rewind::Rewind;

mod local;
pub use local::LocalRanks;

pub use crate::cluster::messages::MAX_EDITS;
use crate::cluster::messages::{ROUND_STATS_BYTES, RoundStatsMessage};

/// A one-off action for every rank, carried by a [`Control`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Command {
    #[default]
    None,
    /// Leave the loop; every rank then finalizes.
    Quit,
    /// Refill the grid with a random soup from this seed.
    Reseed(u64),
    /// Kill every cell.
    Clear,
    /// Gather the whole grid on rank 0 (to save it).
    Save,
    /// Presenter mode: load the tour's stop with this index (every rank
    /// holds the same list of stops, see `tui::tour`).
    Load(u64),
    /// Step back one generation (see `rewind`).
    Back,
    /// Live strong scaling: put the rows on this many ranks (see `scaling`).
    Active(u64),
}

/// Set one cell; the rank owning its row applies it. Signed, for the
/// unbounded plane; a grid's cells are at 0 and above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub x: i64,
    pub y: i64,
    pub alive: bool,
}

/// What every rank does in one round, as decided by rank 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    pub command: Command,
    /// Generations to step this round (after the command and edits).
    pub steps: u64,
    pub view: Viewport,
    pub edits: Vec<Edit>,
    /// Gather the whole grid on rank 0 after the steps, for a checkpoint
    /// (independent of the command, so a user's `s` and a due checkpoint
    /// can share a round).
    pub checkpoint: bool,
    /// Every rank adds its rows' hash to its stats (for the view's hash,
    /// and to notice a grid that repeats); off, it costs nothing.
    pub hash: bool,
}

impl Control {
    pub fn quit() -> Control {
        Control {
            command: Command::Quit,
            steps: 0,
            view: Viewport::EMPTY,
            edits: Vec::new(),
            checkpoint: false,
            hash: false,
        }
    }

    /// Whether this round gathers the whole grid on rank 0.
    pub fn gathers_grid(&self) -> bool {
        self.command == Command::Save || self.checkpoint
    }

    /// As the ranks receive it.
    pub fn encode(&self) -> ControlMessage {
        assert!(
            self.edits.len() <= MAX_EDITS,
            "too many edits for one round"
        );
        let (command, argument) = match self.command {
            Command::None => (0, 0),
            Command::Quit => (1, 0),
            Command::Reseed(seed) => (2, seed),
            Command::Clear => (3, 0),
            Command::Save => (4, 0),
            Command::Load(stop) => (5, stop),
            Command::Back => (6, 0),
            Command::Active(ranks) => (7, ranks),
        };
        let mut message = ControlMessage {
            command,
            argument,
            steps: self.steps,
            view_x0: self.view.x0,
            view_y0: self.view.y0,
            view_scale: self.view.scale,
            view_dots_w: self.view.dots_w as u64,
            view_dots_h: self.view.dots_h as u64,
            view_density: self.view.density,
            checkpoint: self.checkpoint,
            hash: self.hash,
            edits: self.edits.len() as u64,
            ..ControlMessage::default()
        };
        for (k, edit) in self.edits.iter().enumerate() {
            message.edit_x[k] = edit.x;
            message.edit_y[k] = edit.y;
            message.edit_alive[k] = edit.alive;
        }
        message
    }

    pub fn decode(message: &ControlMessage) -> Control {
        let command = match message.command {
            1 => Command::Quit,
            2 => Command::Reseed(message.argument),
            3 => Command::Clear,
            4 => Command::Save,
            5 => Command::Load(message.argument),
            6 => Command::Back,
            7 => Command::Active(message.argument),
            _ => Command::None,
        };
        let edits = (0..(message.edits as usize).min(MAX_EDITS))
            .map(|k| Edit {
                x: message.edit_x[k],
                y: message.edit_y[k],
                alive: message.edit_alive[k],
            })
            .collect();
        Control {
            command,
            steps: message.steps,
            view: Viewport {
                x0: message.view_x0,
                y0: message.view_y0,
                scale: message.view_scale.max(1),
                dots_w: message.view_dots_w as usize,
                dots_h: message.view_dots_h as usize,
                density: message.view_density,
            },
            edits,
            checkpoint: message.checkpoint,
            hash: message.hash,
        }
    }
}

/// One rank's numbers for the last round, shown in the side panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankStats {
    /// Its cell rows: a strip's, or a band's of the plane (whose first
    /// starts at `i64::MIN` and last ends at `i64::MAX`).
    pub rows: Range<i64>,
    /// Generations stepped this round.
    pub steps: u64,
    /// Time computing cells this round.
    pub compute: Duration,
    /// Time waiting for halo rows this round.
    pub exchange: Duration,
    pub population: u64,
    /// The sum of this rank's row hashes (`engine::hash`), when the
    /// control asked for it; 0 otherwise.
    pub hash: u64,
    /// Its live cells' bounding box, on the plane.
    pub bbox: Option<Bbox>,
}

impl RankStats {
    /// The bytes at the head of this rank's part of a round's gather.
    pub fn encode(&self) -> [u8; ROUND_STATS_BYTES] {
        let bbox = self.bbox.unwrap_or(Bbox {
            x0: 0,
            y0: 0,
            x1: 0,
            y1: 0,
        });
        let message = RoundStatsMessage {
            rows_start: self.rows.start,
            rows_end: self.rows.end,
            steps: self.steps,
            compute_nanos: self.compute.as_nanos() as u64,
            exchange_nanos: self.exchange.as_nanos() as u64,
            population: self.population,
            hash: self.hash,
            has_bbox: u64::from(self.bbox.is_some()),
            bbox_x0: bbox.x0,
            bbox_y0: bbox.y0,
            bbox_x1: bbox.x1,
            bbox_y1: bbox.y1,
        };
        bytemuck::cast(message)
    }

    fn decode(bytes: &[u8]) -> RankStats {
        let m: RoundStatsMessage = bytemuck::pod_read_unaligned(&bytes[..ROUND_STATS_BYTES]);
        RankStats {
            rows: m.rows_start..m.rows_end,
            steps: m.steps,
            compute: Duration::from_nanos(m.compute_nanos),
            exchange: Duration::from_nanos(m.exchange_nanos),
            population: m.population,
            hash: m.hash,
            bbox: (m.has_bbox == 1).then_some(Bbox {
                x0: m.bbox_x0,
                y0: m.bbox_y0,
                x1: m.bbox_x1,
                y1: m.bbox_y1,
            }),
        }
    }
}

/// What rank 0 learns from one round.
#[derive(Clone, Debug, Default)]
pub struct RoundResult {
    pub stats: Vec<RankStats>,
    /// `dots_w * dots_h` dots, row by row: 0 dead, up to 255 fully alive.
    pub dots: Vec<u8>,
    /// The whole grid, after a [`Command::Save`].
    pub grid: Option<BitGrid>,
    /// On the plane, the live tiles instead (packed as
    /// `Plane::tiles_for_transfer` packs them).
    pub tiles: Option<Vec<u64>>,
    /// On the plane, the live cells' bounding box.
    pub bbox: Option<Bbox>,
    /// Bytes gathered this round (stats headers plus dots), for the record.
    pub bytes: usize,
}

/// One rank's strip and what it needs to obey a [`Control`]. The same code
/// runs on every rank, over MPI or (in tests) in-process.
pub struct RankState {
    pub config: RunConfig,
    pub decomp: Decomposition,
    pub rank: usize,
    pub strip: Strip,
    /// The generation of the strip (as rank 0's status bar counts it).
    pub generation: u64,
    /// The test-only switch: panic before stepping to this generation.
    panic_at: Option<u64>,
    /// Presenter mode: the grids `Command::Load` switches between.
    pub stops: Vec<RunConfig>,
    /// Copies of the strip from the last generations, for `Command::Back`.
    pub rewind: Rewind,
}

impl RankState {
    pub fn new(config: RunConfig, decomp: Decomposition, rank: usize) -> RankState {
        let strip = config.initial_strip(&decomp, rank, 1);
        let generation = config.start_generation;
        let panic_at = launch::test_panic_generation(rank);
        let rewind = Rewind::new(Rewind::depth_for(config.width, &decomp));
        RankState {
            config,
            decomp,
            rank,
            strip,
            generation,
            panic_at,
            stops: Vec::new(),
            rewind,
        }
    }

    /// Counts one more generation; panics first if the test-only switch
    /// asks for it here (the same switch and form as headless runs).
    pub fn count_step(&mut self) {
        if self.panic_at == Some(self.generation + 1) {
            launch::test_panic(self.rank, self.generation + 1);
        }
        self.rewind.before_step(&self.strip);
        self.generation += 1;
    }

    pub fn rows(&self) -> Range<usize> {
        self.decomp.rows_of(self.rank)
    }

    /// The command and the edits of `control` (not the steps).
    pub fn apply(&mut self, control: &Control) {
        self.rewind.plan(control.steps);
        if !control.edits.is_empty()
            || !matches!(
                control.command,
                Command::None | Command::Save | Command::Back
            )
        {
            self.rewind.clear();
        }
        match control.command {
            Command::Reseed(seed) => {
                self.config.seed = seed;
                self.config.pattern = None;
                self.strip = self.config.initial_strip(&self.decomp, self.rank, 1);
                self.generation = 0;
            }
            Command::Clear => self.strip.fill_rows(|_, row| row.fill(0)),
            Command::Load(stop) => {
                if let Some(config) = self.stops.get(stop as usize) {
                    self.config = config.clone();
                    self.decomp = config
                        .decomposition(self.decomp.ranks())
                        .expect("the tour checked every stop's decomposition");
                    self.strip = self.config.initial_strip(&self.decomp, self.rank, 1);
                    self.generation = 0;
                    self.rewind = Rewind::new(Rewind::depth_for(config.width, &self.decomp));
                }
            }
            Command::Back => {
                if self.rewind.back(&mut self.strip) {
                    self.generation -= 1;
                }
            }
            // Moving rows takes the whole job: `scaling::concentrate`.
            Command::None | Command::Quit | Command::Save | Command::Active(_) => {}
        }
        let rows = self.rows();
        for edit in &control.edits {
            let (Ok(x), Ok(y)) = (usize::try_from(edit.x), usize::try_from(edit.y)) else {
                continue;
            };
            if x < self.config.width && rows.contains(&y) {
                self.strip.set(x, y - rows.start, edit.alive);
            }
        }
    }

    /// The sum of this rank's row hashes, if `control` asks for it.
    pub fn hash(&self, control: &Control) -> u64 {
        if !control.hash {
            return 0;
        }
        let first = self.rows().start as u64;
        hash::partial_hash(first, (0..self.strip.rows()).map(|y| self.strip.row(y)))
    }

    /// This rank's rows of the viewport, rendered.
    pub fn render(&self, view: &Viewport) -> Vec<u8> {
        let rows = self.rows();
        view::render_part(view, rows.clone(), self.config.width, |y| {
            self.strip.row(y - rows.start)
        })
    }

    /// Appends this rank's report of the round to `out`: its stats, then
    /// its part of the viewport.
    fn report(&mut self, control: &Control, timing: &StepTiming, out: &mut Vec<u8>) {
        let part = self.render(&control.view);
        let stats = RankStats {
            rows: view::as_i64(&self.rows()),
            steps: control.steps,
            compute: timing.compute,
            exchange: timing.exchange,
            population: self.strip.count_population(),
            hash: self.hash(control),
            bbox: None,
        };
        out.extend_from_slice(&stats.encode());
        out.extend_from_slice(&part);
    }
}

/// The ranks that this process plays in a round: over MPI, its own one;
/// in-process (tests), all of them. [`play`] is written once over this,
/// so both paths run the same round.
trait Crew {
    fn states(&mut self) -> &mut [RankState];
    /// One generation on every strip played here, halo rows exchanged;
    /// adds each strip's time to `timings` (one per state).
    fn step(&mut self, timings: &mut [StepTiming]);
    /// Moves the rows so that the first `active` ranks do the work
    /// (live strong scaling, see [`scaling`]).
    fn concentrate(&mut self, active: usize);
    /// The whole grid, on rank 0.
    fn gather_grid(&mut self) -> Option<BitGrid>;
    /// Every rank's report bytes in rank order, on rank 0; `mine` holds
    /// the reports of the states played here, `counts` every rank's length.
    fn gather_reports(&mut self, mine: &[u8], counts: &[usize]) -> Option<Vec<u8>>;
}

/// One round: apply the command and edits, step, gather the grid if asked,
/// render each rank's part of the viewport and gather it with the stats.
/// Rank 0 gets the result; other ranks get None.
fn play(crew: &mut impl Crew, control: &Control) -> Option<RoundResult> {
    let mut timings = vec![StepTiming::default(); crew.states().len()];
    if let Command::Active(ranks) = control.command {
        crew.concentrate(ranks as usize);
    }
    for state in crew.states() {
        state.apply(control);
    }
    for _ in 0..control.steps {
        for state in crew.states() {
            state.count_step();
        }
        crew.step(&mut timings);
    }
    let grid = if control.gathers_grid() {
        crew.gather_grid()
    } else {
        None
    };
    let mut mine = Vec::new();
    for (state, timing) in crew.states().iter_mut().zip(&timings) {
        state.report(control, timing, &mut mine);
    }
    let decomp = &crew.states()[0].decomp;
    let rows: Vec<Range<i64>> = (0..decomp.ranks())
        .map(|r| view::as_i64(&decomp.rows_of(r)))
        .collect();
    let counts: Vec<usize> = rows.iter().map(|r| rank_bytes(&control.view, r)).collect();
    let all = crew.gather_reports(&mine, &counts)?;
    let mut result = assemble(&control.view, &rows, &all, &counts);
    result.grid = grid;
    Some(result)
}

/// Plays rounds on all ranks and returns what rank 0 gathers: what the
/// live view's main loop drives, over MPI or in-process.
pub trait Ranks {
    fn round(&mut self, control: &Control) -> RoundResult;
    /// Tells every rank to stop; no round follows.
    fn quit(&mut self);
}

/// How long a waiting rank naps at most between polls of rank 0's next
/// message: rank 0 itself, the others, and at set-up.
const LEAD_NAP: Duration = Duration::from_millis(1);
const FOLLOW_NAP: Duration = Duration::from_millis(2);
const SETUP_NAP: Duration = Duration::from_millis(5);

/// Rank 0 of an MPI job, the other ranks following in [`follow`].
pub struct MpiRanks<'a> {
    pub cluster: &'a Cluster,
    pub state: RankState,
}

/// This rank's own strip in an MPI job.
struct MpiCrew<'a, 'b> {
    cluster: &'a Cluster,
    state: &'b mut RankState,
}

impl Crew for MpiCrew<'_, '_> {
    fn states(&mut self) -> &mut [RankState] {
        std::slice::from_mut(self.state)
    }

    fn step(&mut self, timings: &mut [StepTiming]) {
        let state = &mut *self.state;
        timings[0] += self.cluster.step(
            &mut state.strip,
            &state.decomp,
            &state.config.rule,
            state.config.edge,
        );
    }

    fn concentrate(&mut self, active: usize) {
        scaling::concentrate(self.cluster, self.state, active);
    }

    fn gather_grid(&mut self) -> Option<BitGrid> {
        self.cluster
            .gather_grid(&self.state.strip, &self.state.decomp)
    }

    fn gather_reports(&mut self, mine: &[u8], counts: &[usize]) -> Option<Vec<u8>> {
        let counts = self.cluster.is_root().then_some(counts);
        self.cluster.gather_varcount(mine, counts)
    }
}

impl Ranks for MpiRanks<'_> {
    fn round(&mut self, control: &Control) -> RoundResult {
        let mut message = control.encode();
        self.cluster.broadcast_polled(&mut message, LEAD_NAP);
        let mut crew = MpiCrew {
            cluster: self.cluster,
            state: &mut self.state,
        };
        play(&mut crew, control).expect("rank 0 gathers the round")
    }

    fn quit(&mut self) {
        quit(self.cluster);
    }
}

/// Tells the following ranks to leave their loop (from rank 0).
pub fn quit(cluster: &Cluster) {
    let mut message = Control::quit().encode();
    cluster.broadcast_polled(&mut message, LEAD_NAP);
}

/// A non-zero rank's part of the live view: obey rank 0's control
/// messages until told to quit. Never writes to the terminal.
pub fn follow(cluster: &Cluster, state: &mut RankState) {
    loop {
        let mut message = ControlMessage::default();
        cluster.broadcast_polled(&mut message, FOLLOW_NAP);
        let control = Control::decode(&message);
        if control.command == Command::Quit {
            return;
        }
        play(&mut MpiCrew { cluster, state }, &control);
    }
}

/// The set-up message: rank 0 sends it to everyone, with the same sleepy
/// polling as the rounds.
pub fn setup(cluster: &Cluster, message: &mut SetupMessage) {
    cluster.broadcast_polled(message, SETUP_NAP);
}

/// Splits the gathered bytes into stats and merges the dot parts of the
/// ranks holding `rows` (cell rows, in rank order).
pub fn assemble(view: &Viewport, rows: &[Range<i64>], all: &[u8], counts: &[usize]) -> RoundResult {
    let mut dots = vec![0u8; view.dots_w * view.dots_h];
    let mut stats = Vec::with_capacity(counts.len());
    let mut at = 0;
    for (rank, &count) in counts.iter().enumerate() {
        let chunk = &all[at..at + count];
        at += count;
        stats.push(RankStats::decode(chunk));
        view::merge_part(
            view,
            rows[rank].clone(),
            &chunk[ROUND_STATS_BYTES..],
            &mut dots,
        );
    }
    let bbox = stats.iter().filter_map(|s| s.bbox).reduce(Bbox::union);
    RoundResult {
        stats,
        dots,
        grid: None,
        tiles: None,
        bbox,
        bytes: all.len(),
    }
}

/// The bytes a rank holding cell rows `rows` contributes to a round (its
/// stats plus its dots).
pub fn rank_bytes(view: &Viewport, rows: &Range<i64>) -> usize {
    ROUND_STATS_BYTES + view::part_len(view, rows.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_round_trips() {
        let control = Control {
            command: Command::Reseed(u64::MAX - 3),
            steps: 17,
            view: Viewport {
                x0: -5,
                y0: 1 << 40,
                scale: 8,
                dots_w: 400,
                dots_h: 240,
                density: true,
            },
            edits: vec![
                Edit {
                    x: 3,
                    y: 4,
                    alive: true,
                },
                Edit {
                    x: 65535,
                    y: 1 << 30,
                    alive: false,
                },
                Edit {
                    x: i64::MIN + 32,
                    y: -7,
                    alive: true,
                },
            ],
            checkpoint: true,
            hash: true,
        };
        assert_eq!(Control::decode(&control.encode()), control);
        assert_eq!(
            Control::decode(&Control::quit().encode()).command,
            Command::Quit
        );
    }

    #[test]
    fn stats_round_trip() {
        let stats = RankStats {
            rows: 10..25,
            steps: 3,
            compute: Duration::from_micros(1234),
            exchange: Duration::from_nanos(999),
            population: 77,
            hash: 0xdead_beef,
            bbox: None,
        };
        assert_eq!(RankStats::decode(&stats.encode()), stats);
        let band = RankStats {
            rows: i64::MIN..-96,
            bbox: Some(Bbox {
                x0: -5,
                y0: i64::MIN + 40,
                x1: 1 << 50,
                y1: -97,
            }),
            ..stats
        };
        assert_eq!(RankStats::decode(&band.encode()), band);
    }
}
