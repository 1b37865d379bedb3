//! The run as resolved from the command line: grid size, rule, edges and
//! where the first generation comes from. Shared by headless and live runs.

use crate::checkpoint;
use crate::cli::Cli;
use crate::cluster::{Cluster, Decomposition, DecompositionError};
use crate::engine::bitgrid::words_per_row;
use crate::engine::{BitGrid, Edge, Rule, Strip, seed};
use crate::pattern::{self, Pattern, PatternError, PatternErrorKind};

/// Width and height used when neither the command line, a pattern nor a
/// terminal gives one.
pub const DEFAULT_SIDE: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    pub width: usize,
    pub height: usize,
    pub rule: Rule,
    pub edge: Edge,
    /// The random soup's seed (also used by the live view's reseed).
    pub seed: u64,
    pub density: f64,
    /// When set, the first generation is this pattern instead of a soup.
    pub pattern: Option<PlacedPattern>,
    /// The generation number of the first grid: 0, or a checkpoint's.
    pub start_generation: u64,
}

/// A pattern and where its top-left corner goes on the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedPattern {
    pub name: String,
    pub cells: BitGrid,
    pub x: usize,
    pub y: usize,
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
    #[error("{}", pattern_message(source_name, error))]
    Pattern {
        source_name: String,
        error: PatternError,
    },
    #[error("'{0}' is neither a pattern file nor a built-in pattern (see --list-patterns)")]
    UnknownPattern(String),
    #[error(
        "pattern {name} is {pattern_width}x{pattern_height} but the grid is only {width}x{height}"
    )]
    PatternTooBig {
        name: String,
        pattern_width: usize,
        pattern_height: usize,
        width: usize,
        height: usize,
    },
    #[error(
        "--at {x},{y} puts pattern {name} ({pattern_width}x{pattern_height}) partly outside the {width}x{height} grid with dead edges"
    )]
    PatternOutside {
        name: String,
        x: usize,
        y: usize,
        pattern_width: usize,
        pattern_height: usize,
        width: usize,
        height: usize,
    },
    #[error("{0}")]
    File(#[from] crate::files::FileError),
    #[error("{0}")]
    Unsupported(String),
    #[error(
        "{0}: not a saved grid to resume from: it has no bounded-grid rule suffix such as B3/S23:T100,80 (use --pattern to start from it instead)"
    )]
    NotACheckpoint(String),
    #[error("{0}: the saved grid is cut short (no final '!'): it was not written completely")]
    TruncatedCheckpoint(String),
    #[error("{name} is at generation {at}, past --generations {target}")]
    CheckpointPastEnd { name: String, at: u64, target: u64 },
    #[error("another rank failed its start-up checks")]
    FailedElsewhere,
    #[error("--at {x},{y} is outside the {width}x{height} grid")]
    AtOutside {
        x: usize,
        y: usize,
        width: usize,
        height: usize,
    },
}

/// `file:line:col: what`, or `file: what` when the error has no place,
/// unless the message names the file itself (file-system errors do).
fn pattern_message(source_name: &str, error: &PatternError) -> String {
    match (&error.kind, error.line) {
        (PatternErrorKind::File(_), _) => error.to_string(),
        (_, 0) => format!("{source_name}: {error}"),
        _ => format!("{source_name}:{error}"),
    }
}

/// Where `--pattern` comes from: a file's bytes or a built-in's text.
pub struct PatternSource {
    /// The name shown in errors and on screen (file path or built-in name).
    pub name: String,
    pub bytes: Vec<u8>,
}

impl PatternSource {
    /// Finds `--pattern ARG`: an existing file path first, then a built-in name.
    pub fn find(arg: &str) -> Result<PatternSource, ConfigError> {
        let path = std::path::Path::new(arg);
        // A link to nothing is a file the user meant, not a built-in's name.
        if path.exists() || path.symlink_metadata().is_ok() {
            let bytes = crate::files::read_input(path)?;
            return Ok(PatternSource {
                name: arg.to_string(),
                bytes,
            });
        }
        match pattern::library::find(arg) {
            Some(text) => Ok(PatternSource {
                name: PatternSource::name_of(arg),
                bytes: text.as_bytes().to_vec(),
            }),
            None => Err(ConfigError::UnknownPattern(arg.to_string())),
        }
    }

    /// How `--pattern ARG` is shown: a file as given, a built-in by its name.
    pub fn name_of(arg: &str) -> String {
        let builtin = !std::path::Path::new(arg).exists() && pattern::library::find(arg).is_some();
        match arg.strip_suffix(".rle") {
            Some(stem) if builtin => stem.to_string(),
            _ => arg.to_string(),
        }
    }

    pub fn parse(&self) -> Result<Pattern, ConfigError> {
        pattern::parse(&self.bytes).map_err(|error| ConfigError::Pattern {
            source_name: self.name.clone(),
            error,
        })
    }
}

/// Reads `--pattern` on the root and parses it on every rank (all get the
/// same bytes, so all reach the same result). None without `--pattern`.
///
/// A file to `resume` from must be whole: a pattern file may omit its
/// final `!`, but every saved grid ends with one, so a checkpoint without
/// it was cut short and would silently lose cells.
pub fn load_pattern(
    cluster: &Cluster,
    arg: Option<&str>,
    resume: bool,
) -> Result<Option<(String, Pattern)>, ConfigError> {
    let Some(arg) = arg else { return Ok(None) };
    let found = cluster.is_root().then(|| PatternSource::find(arg));
    let name = PatternSource::name_of(arg);
    let bytes = cluster
        .share_bytes(found.map(|f| f.map(|source| source.bytes)))
        .map_err(|e| e.unwrap_or(ConfigError::FailedElsewhere))?;
    let source = PatternSource { name, bytes };
    let pattern = source.parse()?;
    if resume && !checkpoint::is_whole(&source.bytes) {
        return Err(ConfigError::TruncatedCheckpoint(source.name));
    }
    Ok(Some((source.name, pattern)))
}

/// The empty border left around a pattern when its size sets the grid's.
pub fn margin_for(side: usize) -> usize {
    side.max(64)
}

impl RunConfig {
    /// A random soup on a Life torus: the plain run, as tests and benchmarks use it.
    pub fn soup(width: usize, height: usize, seed: u64, density: f64) -> RunConfig {
        RunConfig {
            width,
            height,
            rule: Rule::LIFE,
            edge: Edge::Torus,
            seed,
            density,
            pattern: None,
            start_generation: 0,
        }
    }

    /// Resolves the options for a random soup; `default_size` stands in for
    /// a missing `--width`/`--height` (the terminal's size in the live view).
    pub fn from_cli(cli: &Cli, default_size: (usize, usize)) -> RunConfig {
        RunConfig {
            width: cli.width.unwrap_or(default_size.0),
            height: cli.height.unwrap_or(default_size.1),
            rule: cli.rule.unwrap_or_default(),
            edge: cli.edge.map(Edge::from).unwrap_or_default(),
            seed: cli.seed.unwrap_or_else(seed::fresh_seed),
            density: cli.density,
            pattern: None,
            start_generation: 0,
        }
    }

    /// Resolves the options with an optional pattern. The grid size comes
    /// from `--width/--height`, else the pattern's bounded-grid suffix, else
    /// `default_size` (the terminal), else the pattern plus a margin.
    pub fn resolve(
        cli: &Cli,
        pattern: Option<(String, Pattern)>,
        default_size: Option<(usize, usize)>,
    ) -> Result<RunConfig, ConfigError> {
        let Some((name, pattern)) = pattern else {
            return Ok(RunConfig::from_cli(
                cli,
                default_size.unwrap_or((DEFAULT_SIDE, DEFAULT_SIDE)),
            ));
        };
        if cli.resume.is_some() {
            return RunConfig::from_checkpoint(cli, name, pattern);
        }
        let (pw, ph) = (pattern.cells.width(), pattern.cells.height());
        let fallback = default_size.unwrap_or((pw + 2 * margin_for(pw), ph + 2 * margin_for(ph)));
        let (bw, bh) = pattern.bounds.map_or(fallback, |b| (b.width, b.height));
        let width = cli.width.unwrap_or(bw);
        let height = cli.height.unwrap_or(bh);
        let edge = cli
            .edge
            .map(Edge::from)
            .or(pattern.bounds.map(|b| b.edge))
            .unwrap_or_default();
        if pw > width || ph > height {
            return Err(ConfigError::PatternTooBig {
                name: name.to_string(),
                pattern_width: pw,
                pattern_height: ph,
                width,
                height,
            });
        }
        let (x, y) = match cli.at {
            None => ((width - pw) / 2, (height - ph) / 2),
            Some((x, y)) if x >= width || y >= height => {
                return Err(ConfigError::AtOutside {
                    x,
                    y,
                    width,
                    height,
                });
            }
            Some((x, y)) if edge == Edge::Dead && (x + pw > width || y + ph > height) => {
                return Err(ConfigError::PatternOutside {
                    name: name.to_string(),
                    x,
                    y,
                    pattern_width: pw,
                    pattern_height: ph,
                    width,
                    height,
                });
            }
            Some(at) => at,
        };
        Ok(RunConfig {
            width,
            height,
            rule: cli.rule.or(pattern.rule).unwrap_or_default(),
            edge,
            seed: cli.seed.unwrap_or_else(seed::fresh_seed),
            density: cli.density,
            start_generation: 0,
            pattern: Some(PlacedPattern {
                name: pattern.name.clone().unwrap_or(name),
                cells: pattern.cells,
                x,
                y,
            }),
        })
    }

    /// A run continuing from a saved grid: the file gives the grid size,
    /// edge, rule (unless `--rule`) and generation number.
    fn from_checkpoint(
        cli: &Cli,
        name: String,
        pattern: Pattern,
    ) -> Result<RunConfig, ConfigError> {
        let Some(bounds) = pattern.bounds else {
            return Err(ConfigError::NotACheckpoint(name));
        };
        if pattern.cells.width() > bounds.width || pattern.cells.height() > bounds.height {
            return Err(ConfigError::NotACheckpoint(name));
        }
        Ok(RunConfig {
            width: bounds.width,
            height: bounds.height,
            rule: cli.rule.or(pattern.rule).unwrap_or_default(),
            edge: bounds.edge,
            seed: 0,
            density: 0.0,
            start_generation: checkpoint::generation_of(&pattern).unwrap_or(0),
            pattern: Some(PlacedPattern {
                name: pattern.name.unwrap_or(name),
                cells: pattern.cells,
                x: 0,
                y: 0,
            }),
        })
    }

    pub fn decomposition(&self, ranks: usize) -> Result<Decomposition, ConfigError> {
        Ok(Decomposition::new(self.height, ranks)?)
    }

    /// This rank's strip of the first generation, with `depth` halo rows
    /// a side and room to grow as rebalancing may make it.
    pub fn initial_strip(&self, decomp: &Decomposition, rank: usize, depth: usize) -> Strip {
        let rows = decomp.rows_of(rank);
        let room = decomp.widest_allowed();
        let mut strip = Strip::with_room(self.width, rows.len(), depth, room);
        match &self.pattern {
            None => {
                let first = rows.start as u64;
                strip.fill_rows(|y, row| {
                    seed::random_row(self.seed, self.density, first + y as u64, self.width, row)
                });
            }
            Some(placed) => {
                for (px, py) in placed.cells.live_cells() {
                    let (gx, gy) = ((placed.x + px) % self.width, (placed.y + py) % self.height);
                    if rows.contains(&gy) {
                        strip.set(gx, gy - rows.start, true);
                    }
                }
            }
        }
        strip
    }

    pub fn cells(&self) -> u64 {
        self.width as u64 * self.height as u64
    }

    /// Bytes `rank` needs for its strip (double buffered, with `depth`
    /// halo rows a side, as wide as rebalancing may make it), plus the
    /// whole grid on the root when it gathers it (for saving).
    pub fn memory_needed(
        &self,
        decomp: &Decomposition,
        rank: usize,
        depth: usize,
        gathers_grid: bool,
    ) -> u64 {
        let row_bytes = 8 * words_per_row(self.width) as u64;
        let strip = if decomp.ranks() == 1 {
            Strip::bytes_needed(self.width, self.height, depth)
        } else {
            // Rebalancing may widen a strip to the widest allowed; while rows
            // move, those arriving wait in a buffer of their own, at most
            // one more copy of the strip's cells.
            Strip::bytes_needed(self.width, decomp.widest_allowed(), depth) * 3 / 2
        };
        let gathered = if gathers_grid && rank == 0 {
            self.height as u64 * row_bytes
        } else {
            0
        };
        strip + gathered
    }

    /// Fails when this rank's share of the grid would not fit in the memory
    /// available now: checked before anything is allocated.
    pub fn check_memory(
        &self,
        decomp: &Decomposition,
        rank: usize,
        depth: usize,
        gathers_grid: bool,
    ) -> Result<(), ConfigError> {
        let needed = self.memory_needed(decomp, rank, depth, gathers_grid);
        match available_memory() {
            Some(available) if needed > available => Err(ConfigError::TooBig {
                what: format!(
                    "a {}x{} grid on {} rank(s)",
                    self.width,
                    self.height,
                    decomp.ranks()
                ),
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
        let config = RunConfig::soup(1 << 24, 1 << 24, 1, 0.5);
        let decomp = config.decomposition(2).unwrap();
        // 2^48 cells split in two, a strip growing to three quarters of the
        // grid by rebalancing, double buffered, plus rows arriving while it
        // grows: 36 TiB per rank.
        assert_eq!(
            config.memory_needed(&decomp, 1, 1, false),
            2 * ((3u64 << 22) + 2) * (1 << 21) * 3 / 2
        );
        let err = config
            .check_memory(&decomp, 0, 4, true)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("16777216x16777216") && err.contains("TiB"),
            "{err}"
        );
    }
}
