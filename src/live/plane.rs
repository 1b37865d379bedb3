//! The live view on the unbounded plane: the same rounds and messages as
//! on a grid ([`Control`] out, stats and viewport parts back), with bands
//! of tile rows instead of strips. Each rank renders the live tiles of its
//! band that the viewport meets, so a frame costs what is on screen, never
//! the size of the plane; the bands move with the work, as headless.

use std::ops::Range;
use std::time::Instant;

use super::{
    Command, Control, FOLLOW_NAP, LEAD_NAP, RankStats, Ranks, RoundResult, assemble, rank_bytes,
};
use crate::cluster::bands::BALANCE_EVERY;
use crate::cluster::messages::ControlMessage;
use crate::cluster::{Cluster, PlaneBands, StepTiming};
use crate::config::PlaneConfig;
use crate::engine::plane::{self, Plane};
use crate::launch;
use crate::view::{self, Viewport};

/// One rank's band of the plane and what it needs to obey a [`Control`].
pub struct PlaneRankState {
    pub config: PlaneConfig,
    pub bands: PlaneBands,
    pub rank: usize,
    pub plane: Plane,
    /// The generation of the plane (as rank 0's status bar counts it).
    pub generation: u64,
    /// The test-only switch: panic before stepping to this generation.
    panic_at: Option<u64>,
}

impl PlaneRankState {
    pub fn new(config: PlaneConfig, ranks: usize, rank: usize) -> PlaneRankState {
        let bands = PlaneBands::for_cells(&config.cells, ranks);
        let mut plane = Plane::new(config.rule, bands.band(rank));
        for &run in &config.cells {
            plane.set_run(run);
        }
        PlaneRankState {
            generation: config.start_generation,
            config,
            bands,
            rank,
            plane,
            panic_at: launch::test_panic_generation(rank),
        }
    }

    /// Counts one more generation; panics first if the test-only switch
    /// asks for it here (the same switch as on a grid).
    fn count_step(&mut self) {
        if self.panic_at == Some(self.generation + 1) {
            launch::test_panic(self.rank, self.generation + 1);
        }
        self.generation += 1;
    }

    /// The command and the edits of `control` (not the steps). What only
    /// a grid has (reseed, tour stops, step back, ranks at work) does not
    /// reach the plane: rank 0's keys refuse it.
    fn apply(&mut self, control: &Control) {
        if control.command == Command::Clear {
            self.plane = Plane::new(self.config.rule, self.bands.band(self.rank));
        }
        for edit in &control.edits {
            // Each band sets only its own cells.
            self.plane.set(edit.x, edit.y, edit.alive);
        }
    }

    /// This rank's cell rows.
    fn rows(&self) -> Range<i64> {
        self.bands.cell_rows(self.rank)
    }

    /// This rank's part of the viewport, rendered from its live tiles.
    pub fn render(&self, view: &Viewport) -> Vec<u8> {
        let span = |start: i64, dots: usize| {
            let end = i128::from(start) + dots as i128 * i128::from(view.scale.max(1));
            start..end.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
        };
        let columns = span(view.x0, view.dots_w);
        let shown = span(view.y0, view.dots_h);
        let rows = self.rows();
        let meeting = rows.start.max(shown.start)..rows.end.min(shown.end);
        view::render_plane_part(view, rows, self.plane.tiles_meeting(columns, meeting))
    }

    /// Appends this rank's report of the round to `out`: its stats, then
    /// its part of the viewport.
    fn report(&self, control: &Control, timing: &StepTiming, out: &mut Vec<u8>) {
        let part = self.render(&control.view);
        let stats = RankStats {
            rows: self.rows(),
            steps: control.steps,
            compute: timing.compute,
            exchange: timing.exchange,
            population: self.plane.population(),
            hash: if control.hash {
                self.plane.partial_hash()
            } else {
                0
            },
            bbox: self.plane.bbox(),
        };
        out.extend_from_slice(&stats.encode());
        out.extend_from_slice(&part);
    }
}

/// One round over MPI (every rank): apply, step (moving band edges when
/// the work is uneven), gather the live tiles if asked, render and gather
/// the parts. Rank 0 gets the result.
fn play(cluster: &Cluster, state: &mut PlaneRankState, control: &Control) -> Option<RoundResult> {
    state.apply(control);
    let mut timing = StepTiming::default();
    for _ in 0..control.steps {
        state.count_step();
        timing += cluster.step_plane(&mut state.plane);
        if cluster.size() > 1 && state.generation.is_multiple_of(BALANCE_EVERY) {
            let before = Instant::now();
            let work = cluster.plane_work(&state.plane.take_work());
            if let Some(to) = state.bands.rebalanced(&work) {
                cluster.reband_plane(&mut state.plane, &to);
                state.bands = to;
            }
            timing.compute += before.elapsed();
        }
    }
    let tiles = if control.gathers_grid() {
        cluster.gather_plane(&state.plane)
    } else {
        None
    };
    let mut mine = Vec::new();
    state.report(control, &timing, &mut mine);
    let rows: Vec<Range<i64>> = (0..state.bands.ranks())
        .map(|r| state.bands.cell_rows(r))
        .collect();
    let counts: Vec<usize> = rows.iter().map(|r| rank_bytes(&control.view, r)).collect();
    let all = cluster.gather_varcount(&mine, cluster.is_root().then_some(&counts[..]))?;
    let mut result = assemble(&control.view, &rows, &all, &counts);
    result.tiles = tiles;
    Some(result)
}

/// Rank 0 of a plane job, the other ranks following in [`follow`].
pub struct PlaneMpiRanks<'a> {
    pub cluster: &'a Cluster,
    pub state: PlaneRankState,
}

impl Ranks for PlaneMpiRanks<'_> {
    fn round(&mut self, control: &Control) -> RoundResult {
        let mut message = control.encode();
        self.cluster.broadcast_polled(&mut message, LEAD_NAP);
        play(self.cluster, &mut self.state, control).expect("rank 0 gathers the round")
    }

    fn quit(&mut self) {
        super::quit(self.cluster);
    }
}

/// A non-zero rank's part of a plane's live view: obey rank 0's control
/// messages until told to quit.
pub fn follow(cluster: &Cluster, state: &mut PlaneRankState) {
    loop {
        let mut message = ControlMessage::default();
        cluster.broadcast_polled(&mut message, FOLLOW_NAP);
        let control = Control::decode(&message);
        if control.command == Command::Quit {
            return;
        }
        play(cluster, state, &control);
    }
}

impl AsMut<Plane> for PlaneRankState {
    fn as_mut(&mut self) -> &mut Plane {
        &mut self.plane
    }
}

/// Every band of a plane's live view in one process, the edge cells
/// handed over as `Cluster::step_plane` sends them: the same round as over
/// MPI (the bands stay where they start), without MPI, for tests.
pub struct LocalPlaneRanks {
    pub states: Vec<PlaneRankState>,
}

impl LocalPlaneRanks {
    pub fn new(config: &PlaneConfig, ranks: usize) -> LocalPlaneRanks {
        LocalPlaneRanks {
            states: (0..ranks)
                .map(|r| PlaneRankState::new(config.clone(), ranks, r))
                .collect(),
        }
    }
}

impl Ranks for LocalPlaneRanks {
    fn round(&mut self, control: &Control) -> RoundResult {
        let mut timing = StepTiming::default();
        for state in &mut self.states {
            state.apply(control);
        }
        let started = Instant::now();
        for _ in 0..control.steps {
            for state in &mut self.states {
                state.count_step();
            }
            plane::step_bands(&mut self.states);
        }
        timing.compute = started.elapsed() / self.states.len() as u32;
        let tiles = control.gathers_grid().then(|| {
            self.states
                .iter()
                .flat_map(|s| s.plane.tiles_for_transfer())
                .collect()
        });
        let mut all = Vec::new();
        let mut counts = Vec::new();
        for state in &self.states {
            let before = all.len();
            state.report(control, &timing, &mut all);
            counts.push(all.len() - before);
        }
        let rows: Vec<Range<i64>> = self.states.iter().map(|s| s.rows()).collect();
        let mut result = assemble(&control.view, &rows, &all, &counts);
        result.tiles = tiles;
        result
    }

    fn quit(&mut self) {}
}

/// The cell at the middle of the live cells, where the view starts.
pub fn middle(config: &PlaneConfig) -> (i64, i64) {
    let mid = |a: i64, b: i64| ((i128::from(a) + i128::from(b)).div_euclid(2)) as i64;
    let x0 = config.cells.iter().map(|r| r.x).min();
    let x1 = config.cells.iter().map(|r| r.x + (r.len - 1) as i64).max();
    let y0 = config.cells.iter().map(|r| r.y).min();
    let y1 = config.cells.iter().map(|r| r.y).max();
    match (x0, x1, y0, y1) {
        (Some(x0), Some(x1), Some(y0), Some(y1)) => (mid(x0, x1), mid(y0, y1)),
        _ => (0, 0),
    }
}
