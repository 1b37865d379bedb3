//! Every rank of a live view in one process, stepped one after another,
//! halo rows copied between the strips as `Cluster::advance` sends them:
//! the same round as over MPI, without MPI, for tests.

use std::time::Instant;

use super::{Control, Crew, RankState, Ranks, RoundResult, play};
use crate::cluster::{Decomposition, StepTiming};
use crate::config::RunConfig;
use crate::engine::{BitGrid, DeadSides};

pub struct LocalRanks {
    pub states: Vec<RankState>,
}

impl LocalRanks {
    pub fn new(config: &RunConfig, ranks: usize) -> LocalRanks {
        let decomp = config.decomposition(ranks).expect("enough rows");
        LocalRanks {
            states: (0..ranks)
                .map(|r| RankState::new(config.clone(), decomp.clone(), r))
                .collect(),
        }
    }

    pub fn decomposition(&self) -> Decomposition {
        self.states[0].decomp.clone()
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

impl Crew for LocalRanks {
    fn states(&mut self) -> &mut [RankState] {
        &mut self.states
    }

    fn step(&mut self, timings: &mut [StepTiming]) {
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
        for ((r, state), timing) in self.states.iter_mut().enumerate().zip(timings) {
            let started = Instant::now();
            let (above, below) = decomp.neighbours(r, edge);
            let dead = DeadSides {
                above: above.is_none(),
                below: below.is_none(),
            };
            let rule = state.config.rule;
            state
                .strip
                .advance(&rule, edge, 1, dead, |halos, compute_interior| {
                    if let Some(above) = above {
                        halos.above.copy_from_slice(&lasts[above]);
                    }
                    if let Some(below) = below {
                        halos.below.copy_from_slice(&firsts[below]);
                    }
                    compute_interior();
                });
            timing.compute += started.elapsed();
        }
    }

    fn concentrate(&mut self, active: usize) {
        LocalRanks::concentrate(self, active);
    }

    fn gather_grid(&mut self) -> Option<BitGrid> {
        Some(self.grid())
    }

    fn gather_reports(&mut self, mine: &[u8], _counts: &[usize]) -> Option<Vec<u8>> {
        Some(mine.to_vec())
    }
}

impl Ranks for LocalRanks {
    fn round(&mut self, control: &Control) -> RoundResult {
        play(self, control).expect("every rank is played here")
    }

    fn quit(&mut self) {}
}
