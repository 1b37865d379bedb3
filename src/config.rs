//! The run as resolved from the command line: grid size, rule, edges and
//! where the first generation comes from. Shared by headless and live runs.

use crate::cli::Cli;
use crate::cluster::{Decomposition, DecompositionError};
use crate::engine::bitgrid::words_per_row;
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

    /// Bytes `rank` needs for its strip (double buffered, with halos), plus
    /// the whole grid on the root when it gathers it (for saving).
    pub fn memory_needed(&self, decomp: &Decomposition, rank: usize, gathers_grid: bool) -> u64 {
        let row_bytes = 8 * words_per_row(self.width) as u64;
        let strip = 2 * (decomp.rows_of(rank).len() as u64 + 2) * row_bytes;
        let gathered = if gathers_grid && rank == 0 {
            self.height as u64 * row_bytes
        } else {
            0
        };
        strip + gathered
    }

    /// Fails when this rank's share of the grid would not fit in the memory
    /// available now: checked before anything is allocated.
    pub fn check_memory(&self, decomp: &Decomposition, rank: usize, gathers_grid: bool) -> Result<(), ConfigError> {
        let needed = self.memory_needed(decomp, rank, gathers_grid);
        match available_memory() {
            Some(available) if needed > available => Err(ConfigError::TooBig {
                what: format!("a {}x{} grid on {} rank(s)", self.width, self.height, decomp.ranks()),
                needed: format!("{} per rank", human_bytes(needed)),
                available: human_bytes(available),
            }),
            _ => Ok(()),
        }
    }
}

/// Memory the kernel says can be allocated without swapping, if it says.
pub fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// 1536 -> "1.5 KiB".
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 40), "3.0 TiB");
    }

    #[test]
    fn a_huge_grid_is_refused_before_allocation() {
        let config = RunConfig {
            width: 1 << 24,
            height: 1 << 24,
            rule: Rule::LIFE,
            edge: Edge::Torus,
            seed: 1,
            density: 0.5,
        };
        let decomp = config.decomposition(2).unwrap();
        // 2^47 cells split in two, double buffered: 16 TiB per rank.
        assert_eq!(config.memory_needed(&decomp, 1, false), 2 * ((1u64 << 23) + 2) * (1 << 21));
        let err = config.check_memory(&decomp, 0, true).unwrap_err().to_string();
        assert!(err.contains("16777216x16777216") && err.contains("TiB"), "{err}");
    }
}
