//! What the main loop drives: the ranks, over MPI or in-process. The loop
//! only sees [`Engine`], so tests run it without MPI.

use std::time::{Duration, Instant};

use crate::cluster::live::{Control, RankState, RankStats, RoundResult, assemble, rank_bytes};
use crate::cluster::{Cluster, Decomposition};
use crate::config::RunConfig;
use crate::engine::{BitGrid, DeadSides, Edge};

/// Plays rounds on all ranks and returns what rank 0 gathers.
pub trait Engine {
    fn round(&mut self, control: &Control) -> RoundResult;
    /// Tells every rank to stop; no round follows.
    fn quit(&mut self);
}

/// The real thing: rank 0 of an MPI job, the other ranks following.
pub struct MpiEngine<'a> {
    pub cluster: &'a Cluster,
    pub state: RankState,
}

impl Engine for MpiEngine<'_> {
    fn round(&mut self, control: &Control) -> RoundResult {
        self.cluster.live_lead(&mut self.state, control)
    }

    fn quit(&mut self) {
        self.cluster.live_quit();
    }
}

/// `ranks` strips stepped one after another in this process, halos copied
/// between them: the same per-rank code as over MPI, for tests.
pub struct LocalEngine {
    pub states: Vec<RankState>,
}

impl LocalEngine {
    pub fn new(config: &RunConfig, ranks: usize) -> LocalEngine {
        let decomp = config.decomposition(ranks).expect("enough rows");
        LocalEngine {
            states: (0..ranks)
                .map(|r| RankState::new(config.clone(), decomp.clone(), r))
                .collect(),
        }
    }

    /// A run starting from `grid` instead of a soup.
    pub fn from_grid(config: &RunConfig, ranks: usize, grid: &BitGrid) -> LocalEngine {
        let mut engine = LocalEngine::new(config, ranks);
        for state in &mut engine.states {
            let rows = state.rows();
            state
                .strip
                .fill_rows(|y, row| row.copy_from_slice(grid.row(rows.start + y)));
        }
        engine
    }

    pub fn decomposition(&self) -> Decomposition {
        self.states[0].decomp.clone()
    }

    /// One generation on every strip, halos copied from the neighbours'
    /// edge rows as [`Cluster::advance`] sends them.
    fn step(&mut self) {
        let n = self.states.len();
        let edge = self.states[0].config.edge;
        let decomp = self.decomposition();
        let firsts: Vec<Vec<u64>> = self
            .states
            .iter()
            .map(|s| s.strip.row(0).to_vec())
            .collect();
        let lasts: Vec<Vec<u64>> = self
            .states
            .iter()
            .map(|s| s.strip.row(s.strip.rows() - 1).to_vec())
            .collect();
        for (r, state) in self.states.iter_mut().enumerate() {
            let dead = DeadSides {
                above: edge == Edge::Dead && r == 0,
                below: edge == Edge::Dead && r == n - 1,
            };
            let (above, below) = (&lasts[decomp.above(r)], &firsts[decomp.below(r)]);
            let rule = state.config.rule;
            state
                .strip
                .advance(&rule, edge, 1, dead, |halos, compute_interior| {
                    if !dead.above {
                        halos.above.copy_from_slice(above);
                    }
                    if !dead.below {
                        halos.below.copy_from_slice(below);
                    }
                    compute_interior();
                });
        }
    }

    pub fn grid(&self) -> BitGrid {
        let first = &self.states[0];
        let mut grid = BitGrid::new(first.config.width, first.config.height);
        for state in &self.states {
            let rows = state.rows();
            for y in 0..rows.len() {
                grid.row_mut(rows.start + y)
                    .copy_from_slice(state.strip.row(y));
            }
        }
        grid
    }
}

impl Engine for LocalEngine {
    fn round(&mut self, control: &Control) -> RoundResult {
        if let crate::cluster::live::Command::Active(ranks) = control.command {
            self.concentrate(ranks as usize);
        }
        for state in &mut self.states {
            state.apply(control);
        }
        let started = Instant::now();
        for _ in 0..control.steps {
            for state in &mut self.states {
                state.count_step();
            }
            self.step();
        }
        let per_rank = started.elapsed() / self.states.len().max(1) as u32;
        let decomp = self.decomposition();
        let mut all = Vec::new();
        let mut counts = Vec::new();
        for state in &self.states {
            let stats = RankStats {
                rows: state.rows(),
                steps: control.steps,
                compute: per_rank,
                exchange: Duration::ZERO,
                render: Duration::ZERO,
                population: state.strip.population(),
                hash: state.hash(control),
            };
            all.extend_from_slice(&stats.encode());
            all.extend_from_slice(&state.render(&control.view));
            counts.push(rank_bytes(&control.view, &decomp, state.rank));
        }
        let grid = control.gathers_grid().then(|| self.grid());
        assemble(&control.view, &decomp, &all, &counts, grid)
    }

    fn quit(&mut self) {}
}
