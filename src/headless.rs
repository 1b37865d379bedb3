//! Headless runs: the engine without a terminal, reporting JSON Lines on
//! rank 0's stdout. This output is a contract scripts rely on.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cluster::{Cluster, StepTiming};
use crate::config::{ConfigError, RunConfig};
use crate::engine::{BitGrid, hash};
use crate::files;
use crate::pattern::{self, Bounds, Pattern};

/// What a headless run does beyond stepping.
#[derive(Clone, Debug, Default)]
pub struct HeadlessOptions {
    pub generations: u64,
    pub report_every: Option<u64>,
    pub timing: bool,
    /// The seed was picked at random: say it, so the run can be repeated.
    pub announce_seed: bool,
    /// Where to write the final grid as RLE.
    pub output: Option<PathBuf>,
}

#[derive(Serialize)]
struct Report {
    generation: u64,
    population: u64,
    hash: String,
}

#[derive(Serialize)]
struct Summary {
    generations: u64,
    width: usize,
    height: usize,
    ranks: usize,
    rule: String,
    seconds: f64,
    cell_updates_per_second: f64,
    population: u64,
    hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timing: Option<Vec<RankTiming>>,
}

/// Seconds one rank spent computing and exchanging over the whole run.
#[derive(Serialize)]
struct RankTiming {
    rank: usize,
    compute_seconds: f64,
    exchange_seconds: f64,
}

/// Runs `config` for `options.generations` and writes the reports to `out`
/// (on rank 0; other ranks write nothing).
pub fn run(
    cluster: &Cluster,
    config: &RunConfig,
    options: &HeadlessOptions,
    out: &mut dyn Write,
) -> Result<(), ConfigError> {
    let decomp = config.decomposition(cluster.size())?;
    let rank = cluster.rank();
    preflight(cluster, config, &decomp, options)?;
    let mut strip = config.initial_strip(&decomp, rank);
    let first_row = decomp.rows_of(rank).start as u64;

    let fingerprint = |strip: &crate::engine::Strip| {
        let rows = (0..strip.rows()).map(|y| strip.row(y));
        let population = cluster.sum(strip.population());
        let sum = cluster.sum(hash::partial_hash(first_row, rows));
        (
            population,
            hash::to_hex(hash::finish(sum, config.width, config.height)),
        )
    };
    let report = |generation: u64, strip: &crate::engine::Strip, out: &mut dyn Write| {
        let (population, hash) = fingerprint(strip);
        if cluster.is_root() {
            let line = Report {
                generation,
                population,
                hash,
            };
            write_line(out, &line);
        }
    };

    let panic_at = test_panic_at();
    cluster.barrier();
    let start = Instant::now();
    let mut timing = StepTiming::default();
    let mut reporting = Duration::ZERO;
    if options.report_every.is_some() {
        report(0, &strip, out);
    }
    for generation in 1..=options.generations {
        if panic_at == Some((rank, generation)) {
            panic!("test-only panic on rank {rank} at generation {generation} ({TEST_PANIC_VAR})");
        }
        timing += cluster.step(&mut strip, &decomp, &config.rule, config.edge);
        if let Some(every) = options.report_every
            && generation % every == 0
        {
            let before = Instant::now();
            report(generation, &strip, out);
            reporting += before.elapsed();
        }
    }
    cluster.barrier();
    let seconds = (start.elapsed() - reporting).as_secs_f64();
    let seconds = cluster.max(seconds);

    let (population, hash) = fingerprint(&strip);
    let compute = cluster.gather_f64(timing.compute.as_secs_f64());
    let exchange = cluster.gather_f64(timing.exchange.as_secs_f64());
    if cluster.is_root() {
        let updates = config.cells() as f64 * options.generations as f64;
        let timing = options.timing.then(|| {
            let (compute, exchange) = (compute.unwrap_or_default(), exchange.unwrap_or_default());
            compute
                .iter()
                .zip(&exchange)
                .enumerate()
                .map(|(rank, (&c, &e))| RankTiming {
                    rank,
                    compute_seconds: c,
                    exchange_seconds: e,
                })
                .collect()
        });
        let summary = Summary {
            generations: options.generations,
            width: config.width,
            height: config.height,
            ranks: cluster.size(),
            rule: config.rule.to_string(),
            seconds,
            cell_updates_per_second: if seconds > 0.0 {
                updates / seconds
            } else {
                0.0
            },
            population,
            hash,
            seed: options.announce_seed.then_some(config.seed),
            timing,
        };
        #[derive(Serialize)]
        struct Last {
            summary: Summary,
        }
        write_line(out, &Last { summary });
    }
    if let Some(path) = &options.output {
        let grid = cluster.gather_grid(&strip, &decomp);
        let mut written = Ok(());
        if let Some(grid) = grid {
            let rle = pattern::write_rle(&snapshot(config, options.generations, grid));
            written = files::write_atomically(path, rle.as_bytes());
        }
        if !cluster.all_ok(written.is_ok()) {
            return Err(written
                .err()
                .map_or(ConfigError::FailedElsewhere, ConfigError::from));
        }
    }
    Ok(())
}

/// The whole grid as a pattern to save: the full torus (or plane) with the
/// rule and Golly's bounded-grid suffix, so reading it back gives this grid.
pub fn snapshot(config: &RunConfig, generation: u64, grid: BitGrid) -> Pattern {
    let mut comments = vec![format!(
        "Generation {generation} of a {}x{} {} grid, written by life-tui",
        config.width, config.height, config.edge
    )];
    match &config.pattern {
        Some(placed) => comments.push(format!("Started from pattern {}", placed.name)),
        None => comments.push(format!(
            "Started from seed {} at density {}",
            config.seed, config.density
        )),
    }
    Pattern {
        name: config.pattern.as_ref().map(|p| p.name.clone()),
        author: None,
        comments,
        rule: Some(config.rule),
        bounds: Some(Bounds {
            width: config.width,
            height: config.height,
            edge: config.edge,
        }),
        cells: grid,
    }
}

/// Checks made before any simulation runs, on every rank at once: memory
/// for this rank's strip, and that the output file can be written.
fn preflight(
    cluster: &Cluster,
    config: &RunConfig,
    decomp: &crate::cluster::Decomposition,
    options: &HeadlessOptions,
) -> Result<(), ConfigError> {
    let gathers = options.output.is_some();
    let mut check = config.check_memory(decomp, cluster.rank(), gathers);
    if cluster.is_root()
        && check.is_ok()
        && let Some(path) = &options.output
    {
        check = files::check_writable(path).map_err(ConfigError::from);
    }
    if cluster.all_ok(check.is_ok()) {
        Ok(())
    } else {
        Err(check.err().unwrap_or(ConfigError::FailedElsewhere))
    }
}

/// The hidden, test-only switch that makes one rank panic mid-run, to test
/// that a fault ends the whole job: `LIFE_TUI_TEST_PANIC=<rank>:<generation>`.
pub const TEST_PANIC_VAR: &str = "LIFE_TUI_TEST_PANIC";

fn test_panic_at() -> Option<(usize, u64)> {
    let value = std::env::var(TEST_PANIC_VAR).ok()?;
    let (rank, generation) = value.split_once(':')?;
    Some((rank.parse().ok()?, generation.parse().ok()?))
}

fn write_line(out: &mut dyn Write, value: &impl Serialize) {
    let mut line = serde_json::to_string(value).expect("reports serialise");
    line.push('\n');
    // A closed stdout (e.g. piped into `head`) must not stop the ranks half-way.
    let _ = out.write_all(line.as_bytes()).and_then(|_| out.flush());
}
