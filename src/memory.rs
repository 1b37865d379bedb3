//! Whether a run fits in memory, checked before anything is allocated.

use crate::cluster::Decomposition;
use crate::config::RunConfig;
use crate::engine::Strip;
use crate::engine::bitgrid::words_per_row;
use crate::error::Error;

/// Bytes `rank` needs for its strip (double buffered, with `depth`
/// halo rows a side, as wide as rebalancing may make it), plus the
/// whole grid on the root when it gathers it (for saving).
pub fn needed(
    config: &RunConfig,
    decomp: &Decomposition,
    rank: usize,
    depth: usize,
    gathers_grid: bool,
) -> u64 {
    let row_bytes = 8 * words_per_row(config.width) as u64;
    let strip = if decomp.ranks() == 1 {
        Strip::bytes_needed(config.width, config.height, depth)
    } else {
        // Rebalancing may widen a strip to the widest allowed; while rows
        // move, those arriving wait in a buffer of their own, at most
        // one more copy of the strip's cells.
        Strip::bytes_needed(config.width, decomp.widest_allowed(), depth) * 3 / 2
    };
    let gathered = if gathers_grid && rank == 0 {
        config.height as u64 * row_bytes
    } else {
        0
    };
    strip + gathered
}

/// Fails when this rank's share of the grid would not fit in the memory
/// available now: checked before anything is allocated.
pub fn check(
    config: &RunConfig,
    decomp: &Decomposition,
    rank: usize,
    depth: usize,
    gathers_grid: bool,
) -> Result<(), Error> {
    let needed = needed(config, decomp, rank, depth, gathers_grid);
    match available_memory() {
        Some(available) if needed > available => Err(Error::TooBig {
            what: format!(
                "a {}x{} grid on {} rank(s)",
                config.width,
                config.height,
                decomp.ranks()
            ),
            needed: format!("{} per rank", human_bytes(needed)),
            available: human_bytes(available),
        }),
        _ => Ok(()),
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
        let config = RunConfig::soup(1 << 24, 1 << 24, 1, 0.5);
        let decomp = config.decomposition(2).unwrap();
        // 2^48 cells split in two, a strip growing to three quarters of the
        // grid by rebalancing, double buffered, plus rows arriving while it
        // grows: 36 TiB per rank, and the strip's activity flags on top
        // (a small fraction).
        let cells = 2 * ((3u64 << 22) + 2) * (1 << 21) * 3 / 2;
        let strip = needed(&config, &decomp, 1, 1, false);
        assert_eq!(strip, Strip::bytes_needed(1 << 24, 3 << 22, 1) * 3 / 2);
        assert!(strip >= cells && strip < cells + cells / 50, "{strip}");
        let err = check(&config, &decomp, 0, 4, true).unwrap_err().to_string();
        assert!(
            err.contains("16777216x16777216") && err.contains("TiB"),
            "{err}"
        );
    }
}
