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

use std::ops::Range;
use std::time::{Duration, Instant};

use mpi::traits::*;

use super::rewind::Rewind;
use super::{Cluster, Decomposition, StepTiming};
use crate::config::RunConfig;
use crate::engine::{BitGrid, Strip, hash};
use crate::launch;
use crate::tui::raster;

/// Words in one control message.
pub const CONTROL_WORDS: usize = 32;
/// Cell edits carried by one control message; more wait for the next round.
pub const MAX_EDITS: usize = 10;
// The edits, then the checkpoint flag, fit in one message.
const _: () = assert!(10 + 2 * MAX_EDITS < CONTROL_WORDS - 1);
/// Words of per-rank stats at the head of each rank's gathered bytes.
const STAT_WORDS: usize = 8;
const STAT_BYTES: usize = STAT_WORDS * 8;

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

/// Set one cell; the rank owning its row applies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub x: u64,
    pub y: u64,
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

    pub fn encode(&self) -> [u64; CONTROL_WORDS] {
        assert!(
            self.edits.len() <= MAX_EDITS,
            "too many edits for one round"
        );
        let mut words = [0u64; CONTROL_WORDS];
        let (kind, arg) = match self.command {
            Command::None => (0, 0),
            Command::Quit => (1, 0),
            Command::Reseed(seed) => (2, seed),
            Command::Clear => (3, 0),
            Command::Save => (4, 0),
            Command::Load(stop) => (5, stop),
            Command::Back => (6, 0),
            Command::Active(ranks) => (7, ranks),
        };
        words[0] = kind;
        words[1] = arg;
        words[2] = self.steps;
        words[3] = self.view.x0 as u64;
        words[4] = self.view.y0 as u64;
        words[5] = self.view.scale;
        words[6] = self.view.dots_w as u64;
        words[7] = self.view.dots_h as u64;
        words[8] = u64::from(self.view.density);
        words[9] = self.edits.len() as u64;
        for (k, edit) in self.edits.iter().enumerate() {
            words[10 + 2 * k] = edit.x;
            words[11 + 2 * k] = edit.y << 1 | u64::from(edit.alive);
        }
        words[10 + 2 * MAX_EDITS] = u64::from(self.checkpoint);
        words[CONTROL_WORDS - 1] = u64::from(self.hash);
        words
    }

    pub fn decode(words: &[u64; CONTROL_WORDS]) -> Control {
        let command = match words[0] {
            1 => Command::Quit,
            2 => Command::Reseed(words[1]),
            3 => Command::Clear,
            4 => Command::Save,
            5 => Command::Load(words[1]),
            6 => Command::Back,
            7 => Command::Active(words[1]),
            _ => Command::None,
        };
        let edits = (0..(words[9] as usize).min(MAX_EDITS))
            .map(|k| Edit {
                x: words[10 + 2 * k],
                y: words[11 + 2 * k] >> 1,
                alive: words[11 + 2 * k] & 1 == 1,
            })
            .collect();
        Control {
            command,
            steps: words[2],
            view: Viewport {
                x0: words[3] as i64,
                y0: words[4] as i64,
                scale: words[5].max(1),
                dots_w: words[6] as usize,
                dots_h: words[7] as usize,
                density: words[8] == 1,
            },
            edits,
            checkpoint: words[10 + 2 * MAX_EDITS] == 1,
            hash: words[CONTROL_WORDS - 1] == 1,
        }
    }
}

/// One rank's numbers for the last round, shown in the side panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankStats {
    pub rows: Range<usize>,
    /// Generations stepped this round.
    pub steps: u64,
    /// Time computing cells this round.
    pub compute: Duration,
    /// Time waiting for halo rows this round.
    pub exchange: Duration,
    /// Time rendering the viewport part.
    pub render: Duration,
    pub population: u64,
    /// The sum of this rank's row hashes (`engine::hash`), when the
    /// control asked for it; 0 otherwise.
    pub hash: u64,
}

impl RankStats {
    pub fn encode(&self) -> [u8; STAT_BYTES] {
        let words: [u64; STAT_WORDS] = [
            self.rows.start as u64,
            self.rows.end as u64,
            self.steps,
            self.compute.as_nanos() as u64,
            self.exchange.as_nanos() as u64,
            self.render.as_nanos() as u64,
            self.population,
            self.hash,
        ];
        let mut bytes = [0u8; STAT_BYTES];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }

    fn decode(bytes: &[u8]) -> RankStats {
        let word =
            |k: usize| u64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().expect("8 bytes"));
        RankStats {
            rows: word(0) as usize..word(1) as usize,
            steps: word(2),
            compute: Duration::from_nanos(word(3)),
            exchange: Duration::from_nanos(word(4)),
            render: Duration::from_nanos(word(5)),
            population: word(6),
            hash: word(7),
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
            // Moving rows takes the whole job: `Cluster::concentrate`.
            Command::None | Command::Quit | Command::Save | Command::Active(_) => {}
        }
        let rows = self.rows();
        for edit in &control.edits {
            let (x, y) = (edit.x as usize, edit.y as usize);
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

    /// This rank's rows of the viewport, as gathered.
    pub fn render(&self, view: &Viewport) -> Vec<u8> {
        let rows = self.rows();
        raster::render_part(view, rows.clone(), self.config.width, |y| {
            self.strip.row(y - rows.start)
        })
    }
}

impl Cluster {
    /// Broadcasts `words` from rank 0 with a non-blocking broadcast, polled
    /// with `test()` and naps growing up to `max_nap`, so that ranks waiting
    /// here for rank 0 sleep instead of spinning.
    pub fn broadcast_polled(&self, words: &mut [u64], max_nap: Duration) {
        let root = self.world.process_at_rank(0);
        mpi::request::scope(|scope| {
            let mut request = root.immediate_broadcast_into(scope, words);
            let mut nap = Duration::from_micros(20);
            loop {
                match request.test() {
                    Ok(_) => break,
                    Err(pending) => request = pending,
                }
                std::thread::sleep(nap);
                nap = (nap * 2).min(max_nap);
            }
        });
    }

    /// One round on this rank: apply, step, render, gather. Rank 0 gets
    /// the result; the others get None.
    pub fn live_round(&self, state: &mut RankState, control: &Control) -> Option<RoundResult> {
        if let Command::Active(ranks) = control.command {
            self.concentrate(state, ranks as usize);
        }
        state.apply(control);
        let mut timing = StepTiming::default();
        for _ in 0..control.steps {
            state.count_step();
            timing += self.step(
                &mut state.strip,
                &state.decomp,
                &state.config.rule,
                state.config.edge,
            );
        }
        let grid = if control.gathers_grid() {
            self.gather_grid(&state.strip, &state.decomp)
        } else {
            None
        };
        let started = Instant::now();
        let part = state.render(&control.view);
        let stats = RankStats {
            rows: state.rows(),
            steps: control.steps,
            compute: timing.compute,
            exchange: timing.exchange,
            render: started.elapsed(),
            population: state.strip.population(),
            hash: state.hash(control),
        };
        let mut mine = Vec::with_capacity(STAT_BYTES + part.len());
        mine.extend_from_slice(&stats.encode());
        mine.extend_from_slice(&part);
        let counts = self.is_root().then(|| {
            (0..self.size())
                .map(|r| rank_bytes(&control.view, &state.decomp, r))
                .collect::<Vec<_>>()
        });
        let all = self.gather_varcount(&mine, counts.as_deref())?;
        let counts = counts.expect("root has counts");
        Some(assemble(&control.view, &state.decomp, &all, &counts, grid))
    }

    /// Rank 0's side of one round: broadcast `control`, then play it.
    pub fn live_lead(&self, state: &mut RankState, control: &Control) -> RoundResult {
        let mut words = control.encode();
        self.broadcast_polled(&mut words, Duration::from_millis(1));
        self.live_round(state, control)
            .expect("rank 0 gathers the round")
    }

    /// A non-zero rank's part of the live view: obey rank 0's control
    /// messages until told to quit. Never writes to the terminal.
    pub fn live_follow(&self, state: &mut RankState) {
        loop {
            let mut words = [0u64; CONTROL_WORDS];
            self.broadcast_polled(&mut words, Duration::from_millis(2));
            let control = Control::decode(&words);
            if control.command == Command::Quit {
                return;
            }
            self.live_round(state, &control);
        }
    }

    /// Tells the following ranks to leave their loop.
    pub fn live_quit(&self) {
        let mut words = Control::quit().encode();
        self.broadcast_polled(&mut words, Duration::from_millis(1));
    }

    /// The set-up message: rank 0 sends `words` (of any agreed length) to
    /// everyone, with the same sleepy polling as the rounds.
    pub fn live_setup(&self, words: &mut [u64]) {
        self.broadcast_polled(words, Duration::from_millis(5));
    }
}

/// Splits the gathered bytes into stats and merges the dot parts.
pub fn assemble(
    view: &Viewport,
    decomp: &Decomposition,
    all: &[u8],
    counts: &[usize],
    grid: Option<BitGrid>,
) -> RoundResult {
    let mut dots = vec![0u8; view.dots_w * view.dots_h];
    let mut stats = Vec::with_capacity(counts.len());
    let mut at = 0;
    for (rank, &count) in counts.iter().enumerate() {
        let chunk = &all[at..at + count];
        at += count;
        stats.push(RankStats::decode(&chunk[..STAT_BYTES]));
        raster::merge_part(view, decomp.rows_of(rank), &chunk[STAT_BYTES..], &mut dots);
    }
    RoundResult {
        stats,
        dots,
        grid,
        bytes: all.len(),
    }
}

/// The bytes one rank contributes to a round (its stats plus its dots).
pub fn rank_bytes(view: &Viewport, decomp: &Decomposition, rank: usize) -> usize {
    STAT_BYTES + raster::part_len(view, decomp.rows_of(rank))
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
            render: Duration::from_micros(5),
            population: 77,
            hash: 0xdead_beef,
        };
        assert_eq!(RankStats::decode(&stats.encode()), stats);
    }
}
