//! The run as resolved from the command line: grid size, rule, edges and
//! where the first generation comes from. Shared by headless and live runs.

use crate::cli::Cli;
use crate::cluster::{Decomposition, DecompositionError};
use crate::engine::{Edge, Rule, Strip, seed};

/// Width and height used when neither the command line, a pattern nor a
/// terminal gives one.
pub const DEFAULT_SIDE: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    pub width: usize,
    pub height: usize,
    pub rule: Rule,
    pub edge: Edge,
    pub seed: u64,
    pub density: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Decomposition(#[from] DecompositionError),
    #[error("{what} needs {needed} of memory for the grid but only {available} is available")]
    TooBig {
        what: String,
        needed: String,
        available: String,
    },
}

impl RunConfig {
    /// Resolves the options; `default_size` stands in for a missing
    /// `--width`/`--height` (the terminal's size in the live view).
    pub fn from_cli(cli: &Cli, default_size: (usize, usize)) -> RunConfig {
        RunConfig {
            width: cli.width.unwrap_or(default_size.0),
            height: cli.height.unwrap_or(default_size.1),
            rule: cli.rule.unwrap_or_default(),
            edge: cli.edge.map(Edge::from).unwrap_or_default(),
            seed: cli.seed.unwrap_or_else(seed::fresh_seed),
            density: cli.density,
        }
    }

    pub fn decomposition(&self, ranks: usize) -> Result<Decomposition, ConfigError> {
        Ok(Decomposition::new(self.height, ranks)?)
    }

    /// This rank's strip of the first generation.
    pub fn initial_strip(&self, decomp: &Decomposition, rank: usize) -> Strip {
        let rows = decomp.rows_of(rank);
        let mut strip = Strip::new(self.width, rows.len());
        let first = rows.start as u64;
        strip.fill_rows(|y, row| {
            seed::random_row(self.seed, self.density, first + y as u64, self.width, row)
        });
        strip
    }

    pub fn cells(&self) -> u64 {
        self.width as u64 * self.height as u64
    }
}
