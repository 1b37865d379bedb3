//! The pure Life engine: bit-packed strips, the step kernel and rules.
//! Knows nothing of MPI or terminals.

mod activity;
pub mod bitgrid;
pub mod hash;
mod kernel;
pub mod plane;
pub mod reference;
pub mod rule;
pub mod seed;
pub mod strip;

pub use activity::{ActivityStats, Stepping};
pub use bitgrid::BitGrid;
pub use kernel::Isa;
pub use rule::{Rule, RuleError};
pub use strip::{DeadSides, Halos, Strip};

/// What lies beyond the grid's edges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Edge {
    /// Opposite edges are joined: the grid is a torus.
    #[default]
    Torus,
    /// Cells outside the grid are dead forever.
    Dead,
}

impl std::fmt::Display for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Edge::Torus => "torus",
            Edge::Dead => "dead",
        })
    }
}

/// Generations stepped per pass over the grid when nothing needs to see
/// the ones in between: see [`Strip::advance`].
pub const DEFAULT_HALO_DEPTH: usize = 4;

/// A whole grid stepped on one core: a strip that is its own neighbour.
#[derive(Clone)]
pub struct Life {
    strip: Strip,
    rule: Rule,
    edge: Edge,
}

impl Life {
    pub fn new(grid: &BitGrid, rule: Rule, edge: Edge) -> Life {
        Life {
            strip: Strip::from_grid_with_depth(
                grid,
                DEFAULT_HALO_DEPTH.clamp(1, grid.height().max(1)),
            ),
            rule,
            edge,
        }
    }

    /// See [`Strip::set_stepping`].
    pub fn set_stepping(&mut self, stepping: Stepping) {
        self.strip.set_stepping(stepping);
    }

    /// See [`Strip::activity`].
    pub fn activity(&self) -> ActivityStats {
        self.strip.activity()
    }

    pub fn step(&mut self) {
        self.strip.advance_alone(&self.rule, self.edge, 1);
    }

    pub fn run(&mut self, generations: u64) {
        let mut left = generations;
        while left > 0 {
            let batch = left.min(self.strip.depth() as u64);
            self.strip
                .advance_alone(&self.rule, self.edge, batch as usize);
            left -= batch;
        }
    }

    pub fn grid(&self) -> BitGrid {
        self.strip.to_grid()
    }

    pub fn population(&self) -> u64 {
        self.strip.population()
    }

    pub fn hash(&self) -> u64 {
        let rows = (0..self.strip.rows()).map(|y| self.strip.row(y));
        hash::finish(
            hash::partial_hash(0, rows),
            self.strip.width(),
            self.strip.rows(),
        )
    }
}
