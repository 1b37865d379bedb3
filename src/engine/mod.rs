//! The pure Life engine: bit-packed strips, the step kernel and rules.
//! Knows nothing of MPI or terminals.

pub mod bitgrid;
pub mod rule;

pub use bitgrid::BitGrid;
pub use rule::{Rule, RuleError};

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
