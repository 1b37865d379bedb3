//! Headless runs: the engine without a terminal, reporting JSON Lines on
//! rank 0's stdout. This output is a contract scripts rely on.

pub mod plane;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::checkpoint;
use crate::cluster::messages::RankTotals;
use crate::cluster::{Balancer, Cluster, Decomposition, StepTiming};
use crate::config::RunConfig;
use crate::engine::{DEFAULT_HALO_DEPTH, Stepping, Strip, hash};
use crate::error::Error;
use crate::files;
use crate::json_lines;
use crate::launch;
use crate::memory;
use crate::signals;

/// What a headless run does beyond stepping.
#[derive(Clone, Debug, Default)]
pub struct HeadlessOptions {
    pub generations: u64,
    pub report_every: Option<u64>,
    pub timing: bool,
    /// Generations per halo exchange, at most (see [`Strip::advance`] and
    /// [`crate::engine::plane::Plane::set_ghost_depth`]); `None`: the
    /// universe's default.
    pub halo_depth: Option<usize>,
    /// Move rows from slow ranks to fast ones as the run goes.
    pub balance: bool,
    /// Step every cell at every generation (see [`Stepping::Dense`]).
    pub dense: bool,
    /// The seed was picked at random: say it, so the run can be repeated.
    pub announce_seed: bool,
    /// Where to write the final grid as RLE.
    pub output: Option<PathBuf>,
    /// Where and how often to save the whole grid while running.
    pub checkpoint: Option<(PathBuf, u64)>,
}

#[derive(Serialize)]
struct Report {
    generation: u64,
    population: u64,
    hash: String,
}

/// The last line of a run a signal stopped, instead of the summary.
#[derive(Serialize)]
struct Stopped {
    generation: u64,
    population: u64,
    hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bbox: Option<Option<[i64; 4]>>,
}

/// How long the ranks may step between two looks at whether a signal asked
/// them to stop: Slurm sends SIGKILL KillWait seconds (30 by default, often
/// less) after SIGTERM, so the reaction must be quick, and each look is
/// one small all-reduce.
const STOP_LOOK_EVERY: Duration = Duration::from_millis(50);

/// When the ranks look, together, at whether any of them got a stopping
/// signal. They must all look at the same generations, so the period is
/// set at each look from the slowest rank's time per generation, which
/// that same all-reduce brings (the max of both numbers).
struct Stops {
    next: u64,
    period: u64,
    since: Instant,
    since_generation: u64,
}

impl Stops {
    fn new(generation: u64) -> Stops {
        Stops {
            next: generation + 1,
            period: 1,
            since: Instant::now(),
            since_generation: generation,
        }
    }

    /// Generations until the next look: batches end there.
    fn until_look(&self, generation: u64) -> u64 {
        self.next.saturating_sub(generation).max(1)
    }

    /// At a look, the signal some rank got (the same on every rank).
    fn look(&mut self, cluster: &Cluster, generation: u64) -> Option<i32> {
        if generation < self.next {
            return None;
        }
        let stepped = (generation - self.since_generation).max(1);
        let per_generation = self.since.elapsed().as_nanos() as u64 / stepped;
        let mine = signals::received().map_or(0, |s| s as u64);
        let [signal, per_generation] = cluster.maxes([mine, per_generation]);
        if signal != 0 {
            return Some(signal as i32);
        }
        let fits = STOP_LOOK_EVERY.as_nanos() as u64 / per_generation.max(1);
        // Grows slowly (a quiet start is no promise) but shrinks at once.
        self.period = fits.clamp(1, self.period.saturating_mul(4));
        self.next = generation + self.period;
        self.since = Instant::now();
        self.since_generation = generation;
        None
    }
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
    #[serde(flatten)]
    tail: SummaryTail<RankTiming>,
}

/// What every summary line ends with, on a bounded grid or on the plane.
#[derive(Serialize)]
struct SummaryTail<T> {
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timing: Option<Vec<T>>,
    /// Times the ranks' shares moved (with `timing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    rebalances: Option<u64>,
}

impl<T> SummaryTail<T> {
    /// With `--timing`, one `per_rank` entry a rank's `totals`.
    fn new(
        options: &HeadlessOptions,
        seed: Option<u64>,
        totals: &[RankTotals],
        per_rank: impl Fn(usize, &RankTotals) -> T,
        rebalances: u64,
    ) -> SummaryTail<T> {
        SummaryTail {
            seed: seed.filter(|_| options.announce_seed),
            timing: options.timing.then(|| {
                totals
                    .iter()
                    .enumerate()
                    .map(|(rank, totals)| per_rank(rank, totals))
                    .collect()
            }),
            rebalances: options.timing.then_some(rebalances),
        }
    }
}

/// Gathers every rank's `stepped` numbers, completed with its times and
/// halo counts, on rank 0 (`None` elsewhere).
fn gather_totals(
    cluster: &Cluster,
    timing: StepTiming,
    stepped: RankTotals,
) -> Option<Vec<RankTotals>> {
    let (unchanged, whole) = cluster.halo_messages();
    cluster.gather(&RankTotals {
        compute_seconds: timing.compute.as_secs_f64(),
        exchange_seconds: timing.exchange.as_secs_f64(),
        unchanged_halos_sent: unchanged,
        whole_halos_sent: whole,
        ..stepped
    })
}

/// Writes `summary` as the run's last line, `{"summary": {...}}`.
fn write_summary_line(out: &mut dyn Write, summary: impl Serialize) {
    #[derive(Serialize)]
    struct Last<S> {
        summary: S,
    }
    write_line(out, &Last { summary });
}

/// Seconds one rank spent computing and exchanging over the whole run.
#[derive(Serialize)]
struct RankTiming {
    rank: usize,
    /// The rows it held at the end, after any rebalancing.
    rows: usize,
    compute_seconds: f64,
    exchange_seconds: f64,
    /// Generations it stepped tile by tile (only near changes), and
    /// densely; tiles it stepped in the former.
    sparse_generations: u64,
    dense_generations: u64,
    tiles_stepped: u64,
    /// Halo messages it sent empty, its rows being as last sent, and whole.
    unchanged_halos_sent: u64,
    whole_halos_sent: u64,
}

/// Runs `config` for `options.generations` and writes the reports to `out`
/// (on rank 0; other ranks write nothing).
pub fn run(
    cluster: &Cluster,
    config: &RunConfig,
    options: &HeadlessOptions,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let run = Run::start(cluster, config, options)?;
    drive(cluster, options, run, out)
}

/// What the headless loop needs of a run in progress on this rank, on a
/// bounded grid or on the plane.
trait Progress {
    fn generation(&self) -> u64;
    /// Steps at most `until_look` generations, stopping where a report,
    /// a checkpoint or the end is due.
    fn step(&mut self, until_look: u64);
    /// Writes a report line of this generation (on rank 0).
    fn report(&self, out: &mut dyn Write);
    /// Writes this generation to `path`; every rank learns if that worked.
    fn save(&self, path: &Path) -> Result<(), Error>;
    /// The line a signal's stop ends with.
    fn stopped_at(&self) -> Stopped;
    /// The summary line, then `--output`; `seconds` is the stepping time.
    fn finish(self, seconds: f64, out: &mut dyn Write) -> Result<(), Error>;
}

/// The headless loop: steps `run` to `options.generations`, writing the
/// reports and checkpoints due, and stops at a generation every rank
/// agrees on when a signal asks it to.
fn drive(
    cluster: &Cluster,
    options: &HeadlessOptions,
    mut run: impl Progress,
    out: &mut dyn Write,
) -> Result<(), Error> {
    cluster.barrier();
    let start = Instant::now();
    // Time spent on reports and checkpoints, left out of the stepping time.
    let mut reporting = Duration::ZERO;
    let mut saved_at = None;
    if options.report_every.is_some() {
        run.report(out);
    }
    let mut stops = Stops::new(run.generation());
    while run.generation() < options.generations {
        run.step(stops.until_look(run.generation()));
        let generation = run.generation();
        let due = |every: Option<u64>| every.is_some_and(|n| generation.is_multiple_of(n));
        let before = Instant::now();
        if due(options.report_every) {
            run.report(out);
        }
        if let Some((path, every)) = &options.checkpoint
            && (due(Some(*every)) || generation == options.generations)
        {
            run.save(path)?;
            saved_at = Some(generation);
        }
        reporting += before.elapsed();
        if generation < options.generations
            && let Some(signal) = stops.look(cluster, generation)
        {
            if let Some((path, _)) = &options.checkpoint
                && saved_at != Some(generation)
            {
                run.save(path)?;
            }
            return Err(stopped(cluster, out, options, signal, run.stopped_at()));
        }
    }
    cluster.barrier();
    let seconds = cluster.max((start.elapsed() - reporting).as_secs_f64());
    run.finish(seconds, out)
}

/// A headless run in progress on this rank.
struct Run<'a> {
    cluster: &'a Cluster,
    config: &'a RunConfig,
    options: &'a HeadlessOptions,
    decomp: Decomposition,
    strip: Strip,
    /// Generations per halo exchange.
    depth: usize,
    balancer: Balancer,
    generation: u64,
    timing: StepTiming,
    /// Test hooks (`LIFE_TUI_TEST_PANIC`, `LIFE_TUI_TEST_SLOW`).
    panic_point: Option<(usize, u64)>,
    slowdown: Option<f64>,
}

impl<'a> Run<'a> {
    /// Checks the run and builds this rank's first strip.
    fn start(
        cluster: &'a Cluster,
        config: &'a RunConfig,
        options: &'a HeadlessOptions,
    ) -> Result<Run<'a>, Error> {
        let decomp = config.decomposition(cluster.size())?;
        if config.start_generation > options.generations {
            return Err(Error::CheckpointPastEnd {
                name: config
                    .pattern
                    .as_ref()
                    .map_or(String::new(), |p| p.name.clone()),
                at: config.start_generation,
                target: options.generations,
            });
        }
        // Every rank sends its `depth` edge rows whole, so no strip may be
        // thinner than the halo.
        let depth = options
            .halo_depth
            .unwrap_or(DEFAULT_HALO_DEPTH)
            .clamp(1, decomp.thinnest());
        preflight(cluster, config, &decomp, depth, options)?;
        let mut strip = config.initial_strip(&decomp, cluster.rank(), depth);
        if options.dense {
            strip.set_stepping(Stepping::Dense);
        }
        Ok(Run {
            cluster,
            config,
            options,
            decomp,
            strip,
            depth,
            balancer: Balancer::new(
                cluster,
                config.cells(),
                config.start_generation,
                options.balance,
            ),
            generation: config.start_generation,
            timing: StepTiming::default(),
            panic_point: launch::test_panic_point(),
            slowdown: launch::test_slowdown(cluster.rank()),
        })
    }

    /// The grid's population and hash, the same on every rank.
    fn fingerprint(&self) -> (u64, String) {
        let first_row = self.decomp.rows_of(self.cluster.rank()).start as u64;
        let rows = (0..self.strip.rows()).map(|y| self.strip.row(y));
        let [population, sum] = self
            .cluster
            .sums([self.strip.population(), hash::partial_hash(first_row, rows)]);
        let grid = hash::finish(sum, self.config.width, self.config.height);
        (population, hash::to_hex(grid))
    }

    fn panic_if_asked(&self) {
        let rank = self.cluster.rank();
        if self.panic_point == Some((rank, self.generation + 1)) {
            launch::test_panic(rank, self.generation + 1);
        }
    }

    /// Generations to step before something must see the grid: a report,
    /// a checkpoint, the balancer, the end, the halo depth.
    fn next_batch(&self) -> u64 {
        // Every rank ends its batches where the panicking rank stops: the
        // halos of a batch are as deep on every rank.
        let panic_stop = self
            .panic_point
            .filter(|&(_, p)| p > self.generation + 1)
            .map(|(_, p)| p - 1);
        let end = self.options.generations.min(panic_stop.unwrap_or(u64::MAX));
        batch_length(
            self.generation,
            end,
            self.depth,
            [self.options.report_every, self.checkpoint_every()],
        )
        .min(
            self.balancer
                .until_check(self.generation)
                .unwrap_or(u64::MAX),
        )
    }

    fn checkpoint_every(&self) -> Option<u64> {
        self.options.checkpoint.as_ref().map(|(_, every)| *every)
    }

    fn advance(&mut self, batch: u64) {
        let config = self.config;
        let mut step = self.cluster.advance(
            &mut self.strip,
            &self.decomp,
            &config.rule,
            config.edge,
            batch as usize,
        );
        if let Some(factor) = self.slowdown {
            step.compute += launch::test_slow_down(step.compute, factor);
        }
        self.timing += step;
        self.generation += batch;
        self.balancer.check(
            self.cluster,
            &mut self.strip,
            &mut self.decomp,
            self.generation,
            self.timing.compute,
        );
    }
}

impl Progress for Run<'_> {
    fn generation(&self) -> u64 {
        self.generation
    }

    fn step(&mut self, until_look: u64) {
        self.panic_if_asked();
        let batch = self.next_batch().min(until_look);
        self.advance(batch);
    }

    fn report(&self, out: &mut dyn Write) {
        let (population, hash) = self.fingerprint();
        if self.cluster.is_root() {
            let line = Report {
                generation: self.generation,
                population,
                hash,
            };
            write_line(out, &line);
        }
    }

    fn save(&self, path: &Path) -> Result<(), Error> {
        let (cluster, config) = (self.cluster, self.config);
        save(
            cluster,
            config,
            &self.decomp,
            &self.strip,
            self.generation,
            path,
        )
    }

    fn stopped_at(&self) -> Stopped {
        let (population, hash) = self.fingerprint();
        Stopped {
            generation: self.generation,
            population,
            hash,
            bbox: None,
        }
    }

    fn finish(self, seconds: f64, out: &mut dyn Write) -> Result<(), Error> {
        let (population, hash) = self.fingerprint();
        let end = RunEnd {
            strip: &self.strip,
            decomp: &self.decomp,
            timing: self.timing,
            seconds,
            population,
            hash,
            rebalances: self.balancer.rebalances,
        };
        write_summary(self.cluster, self.config, self.options, end, out);
        match &self.options.output {
            Some(path) => self.save(path),
            None => Ok(()),
        }
    }
}

/// What a finished run's summary is made of, on every rank.
struct RunEnd<'a> {
    strip: &'a Strip,
    decomp: &'a Decomposition,
    timing: StepTiming,
    seconds: f64,
    population: u64,
    hash: String,
    rebalances: u64,
}

/// Gathers every rank's totals and writes the summary line (on rank 0).
fn write_summary(
    cluster: &Cluster,
    config: &RunConfig,
    options: &HeadlessOptions,
    end: RunEnd,
    out: &mut dyn Write,
) {
    let activity = end.strip.activity();
    let stepped = RankTotals {
        sparse_generations: activity.sparse_generations,
        dense_generations: activity.dense_generations,
        tiles_stepped: activity.tiles_stepped,
        ..RankTotals::default()
    };
    let Some(totals) = gather_totals(cluster, end.timing, stepped) else {
        return;
    };
    let per_rank = |rank, totals: &RankTotals| RankTiming {
        rank,
        rows: end.decomp.rows_of(rank).len(),
        compute_seconds: totals.compute_seconds,
        exchange_seconds: totals.exchange_seconds,
        sparse_generations: totals.sparse_generations,
        dense_generations: totals.dense_generations,
        tiles_stepped: totals.tiles_stepped,
        unchanged_halos_sent: totals.unchanged_halos_sent,
        whole_halos_sent: totals.whole_halos_sent,
    };
    let summary = Summary {
        generations: options.generations,
        width: config.width,
        height: config.height,
        ranks: cluster.size(),
        rule: config.rule.to_string(),
        seconds: end.seconds,
        cell_updates_per_second: rate(config, options, end.seconds),
        population: end.population,
        hash: end.hash,
        tail: SummaryTail::new(
            options,
            Some(config.seed),
            &totals,
            per_rank,
            end.rebalances,
        ),
    };
    write_summary_line(out, summary);
}

/// Ends a run that `signal` stopped at `line.generation`: the last line on
/// stdout, and the error that says so on stderr and in the exit status.
fn stopped(
    cluster: &Cluster,
    out: &mut dyn Write,
    options: &HeadlessOptions,
    signal: i32,
    line: Stopped,
) -> Error {
    let generation = line.generation;
    if cluster.is_root() {
        // The signal's name first, from the signal itself.
        #[derive(Serialize)]
        struct Line {
            signal: String,
            #[serde(flatten)]
            at: Stopped,
        }
        #[derive(Serialize)]
        struct Last {
            stopped: Line,
        }
        let stopped = Line {
            signal: signals::name(signal),
            at: line,
        };
        write_line(out, &Last { stopped });
    }
    Error::Stopped {
        signal,
        generation,
        checkpoint: options.checkpoint.as_ref().map(|(path, _)| path.clone()),
    }
}

/// How many generations the next batch steps from `generation`: at most
/// `depth` (the halo rows exchanged), never past `end`, and ending on each
/// multiple of the `every` periods (reports, checkpoints), where something
/// must see the grid.
fn batch_length(generation: u64, end: u64, depth: usize, every: [Option<u64>; 2]) -> u64 {
    let mut batch = end.saturating_sub(generation).min(depth as u64);
    for every in every.into_iter().flatten() {
        batch = batch.min(every - generation % every);
    }
    batch
}

/// Cell updates per second over the generations this run stepped.
fn rate(config: &RunConfig, options: &HeadlessOptions, seconds: f64) -> f64 {
    let stepped = options.generations - config.start_generation;
    if seconds > 0.0 {
        config.cells() as f64 * stepped as f64 / seconds
    } else {
        0.0
    }
}

/// Gathers the whole grid on the root and writes it atomically to `path`;
/// every rank learns whether that worked.
fn save(
    cluster: &Cluster,
    config: &RunConfig,
    decomp: &Decomposition,
    strip: &Strip,
    generation: u64,
    path: &Path,
) -> Result<(), Error> {
    let mut written = Ok(());
    if let Some(grid) = cluster.gather_grid(strip, decomp) {
        written = checkpoint::write(path, &config.snapshot(generation, grid));
    }
    agree_after_write(cluster, written.map_err(Error::from))
}

/// Checks made before any simulation runs, on every rank at once: memory
/// for this rank's strip, and that the output file can be written.
fn preflight(
    cluster: &Cluster,
    config: &RunConfig,
    decomp: &Decomposition,
    depth: usize,
    options: &HeadlessOptions,
) -> Result<(), Error> {
    let gathers = options.output.is_some() || options.checkpoint.is_some();
    let check = memory::check(config, decomp, cluster.rank(), depth, gathers)
        .and_then(|()| check_outputs(cluster, options));
    agree(cluster, check)
}

/// On the root: that `--output` and `--checkpoint` can be written.
fn check_outputs(cluster: &Cluster, options: &HeadlessOptions) -> Result<(), Error> {
    if !cluster.is_root() {
        return Ok(());
    }
    let outputs = options
        .output
        .iter()
        .chain(options.checkpoint.as_ref().map(|(path, _)| path));
    for path in outputs {
        files::check_writable(path)?;
    }
    Ok(())
}

/// Succeeds on every rank when `result` succeeded on every rank; a rank
/// whose own result was fine reports that another rank failed.
fn agree(cluster: &Cluster, result: Result<(), Error>) -> Result<(), Error> {
    if cluster.all_ok(result.is_ok()) {
        Ok(())
    } else {
        Err(result.err().unwrap_or(Error::FailedElsewhere))
    }
}

/// [`agree`] right after rank 0 wrote a file, which the others wait for.
fn agree_after_write(cluster: &Cluster, result: Result<(), Error>) -> Result<(), Error> {
    if cluster.all_ok_after_write(result.is_ok()) {
        Ok(())
    } else {
        Err(result.err().unwrap_or(Error::FailedElsewhere))
    }
}

fn write_line(out: &mut dyn Write, value: &impl Serialize) {
    let mut line = json_lines::line(value);
    line.push('\n');
    // A closed stdout (e.g. piped into `head`) must not stop the ranks half-way.
    let _ = out.write_all(line.as_bytes()).and_then(|_| out.flush());
}
