//! The real-pattern study on the unbounded plane (issue 17), run by `make
//! bench` (`cargo run --release -p life-tools --bin plane`; `make bench LIFE_BENCH_ONLY=plane`
//! runs it alone). Every built-in pattern at 1000 and 10000 generations,
//! and the long runs (gosper-glider-gun and puffer-train to 100000, acorn,
//! lidka and rabbits until they settle), on one rank, against Golly's
//! QuickLife on the plane and Adam Goucher's lifelib on its plane
//! (apgsearch's tile engine, built from the python-lifelib sdist by
//! `benches/lifelib/build.sh`), with Golly's HashLife as a reference column.
//! Every result is checked: life-tui's population equals QuickLife's,
//! lifelib's and HashLife's, and its cells equal QuickLife's up to
//! translation (lifelib's too). Writes `target/bench/plane-report.md` and
//! `target/bench/plane.json`.
//!
//! Until life-tui runs on the plane (its `--edge plane` summary reports a
//! bounding box), it runs on a torus so much larger than the pattern that
//! nothing can wrap within the run (light speed: one cell a generation each
//! way), which gives the plane's result; the report says which it used.
//! Cases whose torus would be too large are left out then.
//!
//! Environment: `LIFE_BENCH_RUNS` (timed runs a case, default 3),
//! `LIFE_BENCH_PATTERNS` (comma-separated names: only those),
//! `LIFE_BENCH_GENERATIONS` (comma-separated, default `1000,10000`),
//! `LIFE_BENCH_LONG=0` (no long runs), `LIFE_BENCH_MILLION=1` (add the gun
//! to 1,000,000 generations, against HashLife only: QuickLife would take
//! an hour), `LIFE_BENCH_EDGE=torus` (the torus stand-in even when
//! `--edge plane` is there), `LIFE_BENCH_TIMEOUT` (seconds a life-tui run
//! may take before it is killed and counted as failed, default 600),
//! `LIFE_BENCH_RANKS=0` (no np=2 against np=1 study).

use std::fmt::Write as _;
use std::io::Read as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use life_tools::common::{
    self, GOLLY_FLOOR, bgolly_found, bgolly_population, env_number, geometric_mean, load_average,
    machine, median,
};

/// lifelib's times, and bgolly's own timestamps (`-b`), come from clocks
/// inside the process around the stepping, exact down to microseconds: this
/// floor only keeps a ratio finite when a still life costs nothing at all.
const CLOCK_FLOOR: f64 = 1e-6;

/// The torus stand-in's largest side: 32768^2 cells take 256 MiB a buffer.
const TORUS_STAND_IN_MAX: u64 = 32768;

/// The RSS budgets are counted above a one-rank run of a glider for
/// 10 generations (the MPI library's share).
const BASELINE_PATTERN: &str = "glider";
const BASELINE_GENERATIONS: u64 = 10;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(MEASURE_WRAPPER) {
        return measure_wrapper(&args[1..]);
    }
    match study() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Runs as `plane --measure-wrapper FILE PROGRAM ARGS...`: runs PROGRAM,
/// waits for it with `wait4` and writes its peak RSS (KiB) to FILE.
///
/// Why a wrapper: Linux counts into a child's peak RSS the peak of the
/// memory it was spawned from (exec keeps the old address space's
/// high-water mark), so a child of this study, once the study has grown,
/// would report the study's size rather than its own. A wrapper freshly
/// started spawns it from a few megabytes instead.
const MEASURE_WRAPPER: &str = "--measure-wrapper";

fn measure_wrapper(args: &[String]) -> ExitCode {
    let [file, program, rest @ ..] = args else {
        eprintln!("error: {MEASURE_WRAPPER} FILE PROGRAM ARGS...");
        return ExitCode::FAILURE;
    };
    let Some((ok, usage)) = common::run_measured(program, rest) else {
        return ExitCode::FAILURE;
    };
    let _ = std::fs::write(file, format!("{}\n", usage.ru_maxrss));
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// How life-tui stands for the plane in this build.
#[derive(Clone, Copy, PartialEq)]
enum LifeEdge {
    /// `--edge plane`: the unbounded plane itself.
    Plane,
    /// A torus large enough that nothing wraps within the run.
    TorusStandIn,
}

struct Tools {
    life: PathBuf,
    edge: LifeEdge,
    /// The lifelib driver, when it could be built.
    lifelib: Option<PathBuf>,
    golly: bool,
    /// A life-tui run taking longer is killed and counted as failed, so
    /// that an engine gone slow cannot hold the whole study up.
    life_tui_timeout: Duration,
    patterns: PathBuf,
    scratch: PathBuf,
}

#[derive(Clone, Serialize)]
struct Case {
    pattern: String,
    generations: u64,
    /// A long run (a target of its own) rather than the all-patterns study.
    long: bool,
    /// Against HashLife alone: QuickLife and lifelib would take too long.
    hashlife_only: bool,
}

/// One tool's runs of one case.
#[derive(Serialize, Default)]
struct ToolRuns {
    /// Per timed run: the tool's own stepping time (life-tui, lifelib) or
    /// bgolly's wall time for the whole run.
    seconds: Vec<f64>,
    /// bgolly only: wall seconds of `-m 0` per run, its load and start-up.
    load_seconds: Vec<f64>,
    /// bgolly only: per run, the stepping time by bgolly's own clock (its
    /// `-b` timestamps at generation 0 and at the last), which needs no
    /// subtraction of process start-up and is exact for short runs.
    own_clock_seconds: Vec<f64>,
    /// The largest peak RSS over the timed runs.
    peak_rss_kib: u64,
    population: Option<u64>,
}

impl ToolRuns {
    /// The stepping time: the median, less the median load for bgolly.
    fn stepping(&self) -> Option<f64> {
        if self.seconds.is_empty() {
            None
        } else if self.load_seconds.is_empty() {
            Some(median(&self.seconds))
        } else {
            Some((median(&self.seconds) - median(&self.load_seconds)).max(0.0))
        }
    }

    fn own_clock(&self) -> Option<f64> {
        (!self.own_clock_seconds.is_empty()).then(|| median(&self.own_clock_seconds))
    }
}

#[derive(Serialize)]
struct Outcome {
    case: Case,
    /// How life-tui ran: `plane`, or the torus stand-in's size.
    life_tui_edge: String,
    /// Why life-tui was left out (the torus stand-in would be too large).
    life_tui_skipped: Option<String>,
    /// How life-tui failed, if it did.
    life_tui_error: Option<String>,
    life_tui: ToolRuns,
    life_tui_hash: Option<String>,
    life_tui_bbox: Option<serde_json::Value>,
    quicklife: Option<ToolRuns>,
    hashlife: Option<ToolRuns>,
    lifelib: Option<ToolRuns>,
    /// life-tui's final cells against the reference's (QuickLife's, or
    /// HashLife's where QuickLife does not run), up to translation.
    life_tui_cells_equal: Option<bool>,
    lifelib_cells_equal: Option<bool>,
}

impl Outcome {
    fn vs_quicklife(&self) -> Option<f64> {
        let ours = self.life_tui.stepping()?;
        let golly = self.quicklife.as_ref()?.stepping()?;
        Some(ours / golly.max(GOLLY_FLOOR))
    }

    /// Against QuickLife's stepping by its own clock (`-b`).
    fn vs_quicklife_own_clock(&self) -> Option<f64> {
        let ours = self.life_tui.stepping()?;
        let golly = self.quicklife.as_ref()?.own_clock()?;
        Some(ours / golly.max(CLOCK_FLOOR))
    }

    fn vs_lifelib(&self) -> Option<f64> {
        let ours = self.life_tui.stepping()?;
        let lifelib = self.lifelib.as_ref()?.stepping()?;
        Some(ours / lifelib.max(CLOCK_FLOOR))
    }

    /// The checks that failed (populations, cells); empty when all passed.
    fn failures(&self) -> Vec<String> {
        let mut failed = Vec::new();
        if let Some(err) = &self.life_tui_error {
            failed.push(format!("life-tui: {err}"));
        }
        let ours = self.life_tui.population;
        for (name, tool) in [
            ("QuickLife", &self.quicklife),
            ("HashLife", &self.hashlife),
            ("lifelib", &self.lifelib),
        ] {
            let theirs = tool.as_ref().and_then(|t| t.population);
            if let (Some(ours), Some(theirs)) = (ours, theirs)
                && ours != theirs
            {
                failed.push(format!("population {ours}, {name} {theirs}"));
            }
            if tool.is_some() && theirs.is_none() {
                failed.push(format!("{name} gave no population"));
            }
        }
        if self.life_tui_cells_equal == Some(false) {
            failed.push("life-tui's cells differ".into());
        }
        if self.lifelib_cells_equal == Some(false) {
            failed.push("lifelib's cells differ".into());
        }
        failed
    }
}

#[derive(Serialize)]
struct Study {
    machine: String,
    /// The commit life-tui was built from (`git describe --dirty`).
    life_tui_commit: String,
    load_before: String,
    load_after: String,
    runs: usize,
    life_tui_edge: &'static str,
    lifelib_build_seconds: Option<f64>,
    /// life-tui's peak RSS running a glider for 10 generations.
    baseline_rss_kib: Option<u64>,
    seconds: f64,
    outcomes: Vec<Outcome>,
    /// The soup-ash torus study, when lifelib was built: the issue's
    /// window, then a long one once the ash has settled.
    ash: Option<AshOutcome>,
    ash_long: Option<AshOutcome>,
    /// The quadratic grower on one rank and on two, under mpirun.
    ranks: Option<RanksOutcome>,
}

/// The pattern and length of the np=2 against np=1 study: quadratic
/// growth, as a breeder's, so that both bands keep getting work.
const RANKS_PATTERN: &str = "spacefiller";
const RANKS_GENERATIONS: u64 = 10_000;

/// One pattern on the plane at np=1 and np=2, alternating.
#[derive(Serialize, Default)]
struct RanksOutcome {
    one_rank_seconds: Vec<f64>,
    two_ranks_seconds: Vec<f64>,
    /// Every run's final hash: all the same when the ranks agree.
    hashes: Vec<String>,
}

impl RanksOutcome {
    /// How many times faster two ranks are (medians).
    fn speedup(&self) -> Option<f64> {
        median_ratio(&self.one_rank_seconds, &self.two_ranks_seconds)
    }

    fn hashes_equal(&self) -> bool {
        self.hashes
            .first()
            .is_some_and(|h| self.hashes.iter().all(|o| o == h))
    }
}

/// Runs [`RANKS_PATTERN`] on the plane under `mpirun` with one rank and
/// with two, alternating, `runs` times each; the time is life-tui's own
/// stepping time, as everywhere in this study.
fn ranks_study(tools: &Tools, root: &Path, runs: usize) -> Result<RanksOutcome, String> {
    let mut outcome = RanksOutcome::default();
    for _ in 0..runs {
        for np in [1, 2] {
            let mut command = Command::new(root.join("scripts/mpi-env.sh"));
            command
                .args(["mpirun", "-q", "--stdin", "none", "--bind-to", "none"])
                .args(["-np", &np.to_string()])
                .arg(&tools.life)
                .args(["--headless", "--edge", "plane", "--pattern", RANKS_PATTERN])
                .args(["--generations", &RANKS_GENERATIONS.to_string()]);
            let run = measure(&command, Some(tools.life_tui_timeout))?;
            if !run.success {
                return Err(format!("np={np} failed: {}", run.stderr.trim()));
            }
            let summary = run_summary(&run.stdout)?;
            let seconds = summary_seconds(&summary)?;
            match np {
                1 => outcome.one_rank_seconds.push(seconds),
                _ => outcome.two_ranks_seconds.push(seconds),
            }
            outcome
                .hashes
                .push(summary["hash"].as_str().unwrap_or("").to_string());
        }
    }
    Ok(outcome)
}

/// The median of `over` against the median of `under`, if both ran.
fn median_ratio(over: &[f64], under: &[f64]) -> Option<f64> {
    if over.is_empty() || under.is_empty() {
        return None;
    }
    Some(median(over) / median(under).max(CLOCK_FLOOR))
}

/// The summary of a life-tui run: the `summary` object of its last line.
fn run_summary(stdout: &str) -> Result<serde_json::Value, String> {
    let last = stdout.lines().last().ok_or("no output")?;
    let mut value: serde_json::Value = serde_json::from_str(last).map_err(|e| e.to_string())?;
    Ok(value["summary"].take())
}

/// A summary's `seconds`: life-tui's own stepping time.
fn summary_seconds(summary: &serde_json::Value) -> Result<f64, String> {
    summary["seconds"]
        .as_f64()
        .ok_or_else(|| "no seconds in the summary".to_string())
}

/// Side of the soup-ash torus: 128x128 of lifelib's 28x28 tiles, a size
/// its torus runs exactly (see `benches/lifelib/driver.cpp`).
const ASH_SIDE: u64 = 3584;
const ASH_SEED: u64 = 1;
const ASH_FROM: u64 = 10_000;
const ASH_TO: u64 = 20_000;
/// The long window: settled ash (periods 1, 2 and 3 only at seed 1), where
/// what costs is what an engine lets sleep.
const ASH_LONG_FROM: u64 = 20_000;
const ASH_LONG_TO: u64 = 120_000;

/// A soup's ash on a torus, stepped from one checkpoint by both engines.
#[derive(Serialize, Default)]
struct AshOutcome {
    life_tui_seconds: Vec<f64>,
    lifelib_seconds: Vec<f64>,
    life_tui_population: Option<u64>,
    lifelib_population: Option<u64>,
    life_tui_hash: Option<String>,
}

impl AshOutcome {
    fn ratio(&self) -> Option<f64> {
        median_ratio(&self.life_tui_seconds, &self.lifelib_seconds)
    }

    fn populations_equal(&self) -> bool {
        self.life_tui_population.is_some() && self.life_tui_population == self.lifelib_population
    }
}

/// Runs a seeded soup on a torus to `from` (untimed) and times both
/// engines from there to `to`, alternating them. lifelib's torus writes
/// its cells in its own hexagonal tile frame, so the check is the
/// population, not the cells.
fn ash_study(
    tools: &Tools,
    lifelib: &Path,
    runs: usize,
    (from, to): (u64, u64),
) -> Result<AshOutcome, String> {
    let checkpoint = tools.scratch.join(format!("ash-{ASH_SIDE}-{from}.rle"));
    let side = ASH_SIDE.to_string();
    let mut prepare = Command::new(&tools.life);
    prepare
        .args(["--headless", "--width", &side, "--height", &side])
        .args(["--seed", &ASH_SEED.to_string()])
        .args(["--generations", &from.to_string(), "--output"])
        .arg(&checkpoint);
    let run = measure(&prepare, Some(tools.life_tui_timeout))?;
    if !run.success {
        return Err(format!(
            "life-tui could not make the ash: {}",
            run.stderr.trim()
        ));
    }
    let mut outcome = AshOutcome::default();
    for _ in 0..runs {
        let mut resume = Command::new(&tools.life);
        resume
            .args(["--headless", "--resume"])
            .arg(&checkpoint)
            .args(["--generations", &to.to_string()]);
        let run = measure(&resume, Some(tools.life_tui_timeout))?;
        if !run.success {
            return Err(format!("life-tui --resume failed: {}", run.stderr.trim()));
        }
        let summary = run_summary(&run.stdout)?;
        outcome.life_tui_seconds.push(summary_seconds(&summary)?);
        outcome.life_tui_population = summary["population"].as_u64();
        outcome.life_tui_hash = summary["hash"].as_str().map(String::from);
        let (seconds, _, population) = run_lifelib(lifelib, &checkpoint, to - from, None)?;
        outcome.lifelib_seconds.push(seconds);
        outcome.lifelib_population = population;
    }
    Ok(outcome)
}

fn study() -> Result<(), String> {
    let started = Instant::now();
    let root = life_tools::root();
    let out = root.join("target/bench");
    let scratch = out.join("plane");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let runs = env_number("LIFE_BENCH_RUNS", 3).max(1);
    let machine = machine();
    let load_before = load_average();
    eprintln!("bench plane: {machine}; load average {load_before}; {runs} runs a case");

    let life = life_tools::life_tui()?;
    let edge = life_edge(&life);
    let (lifelib, lifelib_build_seconds) = match build_lifelib(&root, &out.join("lifelib")) {
        Ok((driver, seconds)) => (Some(driver), seconds),
        Err(err) => {
            eprintln!("bench plane: lifelib not built ({err}); its column is left out");
            (None, None)
        }
    };
    let golly = bgolly_found();
    if !golly {
        eprintln!("bench plane: bgolly not installed (Debian package golly); no QuickLife");
    }
    let tools = Tools {
        life,
        edge,
        lifelib,
        golly,
        life_tui_timeout: Duration::from_secs(env_number("LIFE_BENCH_TIMEOUT", 600) as u64),
        patterns: root.join("patterns"),
        scratch,
    };
    eprintln!(
        "bench plane: life-tui on {}",
        match edge {
            LifeEdge::Plane => "the plane (--edge plane)",
            LifeEdge::TorusStandIn => "a torus large enough that nothing wraps (no --edge plane)",
        }
    );

    let cases = cases(&tools.patterns)?;
    let mut study = Study {
        machine,
        life_tui_commit: commit(&root),
        load_before,
        load_after: String::new(),
        runs,
        life_tui_edge: match edge {
            LifeEdge::Plane => "plane",
            LifeEdge::TorusStandIn => "torus stand-in",
        },
        lifelib_build_seconds,
        baseline_rss_kib: baseline_rss(&tools),
        seconds: 0.0,
        outcomes: Vec::new(),
        ash: None,
        ash_long: None,
        ranks: None,
    };
    for (done, case) in cases.iter().enumerate() {
        let outcome = run_case(&tools, case, runs)?;
        eprintln!(
            "bench plane: [{}/{}] {}",
            done + 1,
            cases.len(),
            progress_line(&outcome)
        );
        study.outcomes.push(outcome);
        save_study(&mut study, started, &out)?;
    }
    if let Some(lifelib) = &tools.lifelib
        && !std::env::var("LIFE_BENCH_ASH").is_ok_and(|v| v == "0")
    {
        for (window, slot) in [
            ((ASH_FROM, ASH_TO), &mut study.ash),
            ((ASH_LONG_FROM, ASH_LONG_TO), &mut study.ash_long),
        ] {
            match ash_study(&tools, lifelib, runs, window) {
                Ok(ash) => {
                    eprintln!(
                        "bench plane: soup ash on a {ASH_SIDE}² torus, {}-{}: {} vs lifelib",
                        window.0,
                        window.1,
                        ratio_or_dash(ash.ratio())
                    );
                    *slot = Some(ash);
                }
                Err(err) => eprintln!("bench plane: no soup-ash study: {err}"),
            }
        }
        save_study(&mut study, started, &out)?;
    }
    if tools.edge == LifeEdge::Plane && !std::env::var("LIFE_BENCH_RANKS").is_ok_and(|v| v == "0") {
        match ranks_study(&tools, &root, QUICK_RUNS.max(runs)) {
            Ok(ranks) => {
                eprintln!(
                    "bench plane: {RANKS_PATTERN} to {RANKS_GENERATIONS}, np=2 vs np=1: {}",
                    ranks
                        .speedup()
                        .map_or("-".into(), |v| format!("{v:.2}x faster"))
                );
                study.ranks = Some(ranks);
            }
            Err(err) => eprintln!("bench plane: no np=2 study: {err}"),
        }
        save_study(&mut study, started, &out)?;
    }
    eprintln!(
        "bench plane: wrote {} and plane.json in {:.0} s",
        out.join("plane-report.md").display(),
        study.seconds
    );
    Ok(())
}

/// Writes what the study has measured so far, so that a study stopped
/// part way still leaves it: the report and `plane.json` in `out`.
fn save_study(study: &mut Study, started: Instant, out: &Path) -> Result<(), String> {
    study.load_after = load_average();
    study.seconds = started.elapsed().as_secs_f64();
    write(&out.join("plane-report.md"), report(study).as_bytes())?;
    let json = serde_json::to_string_pretty(study).map_err(|e| e.to_string())?;
    write(&out.join("plane.json"), json.as_bytes())
}

/// The work tree's commit, `-dirty` when it has changes: the source of the
/// life-tui being measured.
fn commit(root: &Path) -> String {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["describe", "--always", "--dirty"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The plane when this life-tui runs `--edge plane` for real (and the
/// study is not told otherwise), else the torus stand-in. Accepting the
/// option is not enough (the command line may know it before the engine
/// does): a plane run's summary reports the bounding box.
fn life_edge(life: &Path) -> LifeEdge {
    if std::env::var("LIFE_BENCH_EDGE").is_ok_and(|v| v == "torus") {
        return LifeEdge::TorusStandIn;
    }
    let probe = Command::new(life)
        .args(["--headless", "--pattern", BASELINE_PATTERN])
        .args(["--edge", "plane", "--generations", "1"])
        .stderr(Stdio::null())
        .output();
    let reports_bbox = probe.is_ok_and(|out| {
        let stdout = String::from_utf8_lossy(&out.stdout);
        out.status.success()
            && stdout
                .lines()
                .last()
                .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .is_some_and(|v| v["summary"].get("bbox").is_some())
    });
    if reports_bbox {
        LifeEdge::Plane
    } else {
        LifeEdge::TorusStandIn
    }
}

/// Builds (or finds already built) the lifelib driver; the seconds the
/// build took when it ran now.
fn build_lifelib(root: &Path, dir: &Path) -> Result<(PathBuf, Option<f64>), String> {
    let output = Command::new(root.join("benches/lifelib/build.sh"))
        .arg(dir)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("build.sh: {e}"))?;
    if !output.status.success() {
        return Err(format!("build.sh failed ({})", output.status));
    }
    let seconds = String::from_utf8_lossy(&output.stdout).trim().parse().ok();
    if let Some(s) = seconds {
        eprintln!("bench plane: built the lifelib driver in {s:.1} s");
    }
    Ok((dir.join("driver"), seconds))
}

/// Every built-in pattern at each study length, then the long runs.
fn cases(patterns: &Path) -> Result<Vec<Case>, String> {
    let names = common::pattern_names(patterns)?;
    let only: Option<Vec<String>> = std::env::var("LIFE_BENCH_PATTERNS")
        .ok()
        .map(|v| v.split(',').map(|n| n.trim().to_string()).collect());
    let wanted = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|n| n == name));
    let lengths: Vec<u64> = std::env::var("LIFE_BENCH_GENERATIONS")
        .ok()
        .map(|v| v.split(',').filter_map(|g| g.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10_000]);
    let case = |pattern: &str, generations, long| Case {
        pattern: pattern.into(),
        generations,
        long,
        hashlife_only: false,
    };
    let mut cases = Vec::new();
    for &generations in &lengths {
        for name in names.iter().filter(|n| wanted(n)) {
            cases.push(case(name, generations, false));
        }
    }
    if std::env::var("LIFE_BENCH_LONG").is_ok_and(|v| v == "0") {
        return Ok(cases);
    }
    // The long runs of issue 17's targets: two growing patterns, and three
    // methuselahs to the generation they settle at.
    for (pattern, generations) in [
        ("gosper-glider-gun", 100_000),
        ("puffer-train", 100_000),
        ("acorn", 5206),
        ("lidka", 29_055),
        ("rabbits", 17_331),
    ] {
        if wanted(pattern) {
            cases.push(case(pattern, generations, true));
        }
    }
    if std::env::var("LIFE_BENCH_MILLION").is_ok_and(|v| v == "1") {
        cases.push(Case {
            hashlife_only: true,
            ..case("gosper-glider-gun", 1_000_000, true)
        });
    }
    Ok(cases)
}

/// What a child process printed, how long it took and its peak RSS.
struct Measured {
    stdout: String,
    stderr: String,
    wall_seconds: f64,
    peak_rss_kib: u64,
    success: bool,
    /// Killed at the deadline.
    timed_out: bool,
}

/// Runs `command` to its end, or kills it after `timeout`, under the
/// measuring wrapper (see `measure_wrapper`), which reports its peak RSS.
fn measure(command: &Command, timeout: Option<Duration>) -> Result<Measured, String> {
    let rss_file = life_tools::root().join("target/bench/plane/child-rss");
    let _ = std::fs::remove_file(&rss_file);
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut wrapped = Command::new(me);
    wrapped
        .arg(MEASURE_WRAPPER)
        .arg(&rss_file)
        .arg(command.get_program())
        .args(command.get_args())
        // A process group of its own, so that the watchdog can end the
        // wrapper and the program together.
        .process_group(0);
    let start = Instant::now();
    let mut child = wrapped
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{command:?}: {e}"))?;
    let pid = child.id() as i32;
    // The watchdog kills the child at the deadline unless told it ended.
    // The child is not reaped until the watchdog is done (waitid with
    // WNOWAIT below), so its pid cannot have gone to another process.
    let (ended, watch) = std::sync::mpsc::channel::<()>();
    let watchdog = timeout.map(|timeout| {
        std::thread::spawn(move || {
            let expired = watch.recv_timeout(timeout).is_err();
            if expired {
                // SAFETY: signals the process group of our own child, which
                // is still unreaped (so the group id is still theirs).
                unsafe { libc::kill(-pid, libc::SIGKILL) };
            }
            expired
        })
    });
    // Stderr on a thread of its own: a child filling one pipe while we
    // block reading the other would wait for ever.
    let mut stderr_pipe = child.stderr.take().ok_or("no stderr pipe")?;
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    // Read to the end (the child's exit closes the pipe); a read error
    // leaves what was read.
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        let _ = pipe.read_to_end(&mut stdout);
    }
    // SAFETY: siginfo_t is plain data; all-zero is a valid value.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child to end without reaping it; the
    // pointer is to a live local.
    unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT,
        )
    };
    let wall_seconds = start.elapsed().as_secs_f64();
    let _ = ended.send(());
    let timed_out = watchdog.is_some_and(|w| w.join().unwrap_or(false));
    let success = child.wait().is_ok_and(|status| status.success());
    let stderr = stderr_reader.join().unwrap_or_default();
    let peak_rss_kib = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(0);
    Ok(Measured {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr,
        wall_seconds,
        peak_rss_kib,
        success,
        timed_out,
    })
}

/// The one place that says how life-tui runs a case "on the plane": with
/// `--edge plane`, or (before that exists) on a torus so large that no cell
/// can reach its own wrapped image within the run: the pattern's extent
/// plus one cell a generation each way, plus a margin.
fn life_tui_command(tools: &Tools, case: &Case) -> Result<(Command, String), String> {
    let mut command = Command::new(&tools.life);
    command
        .args(["--headless", "--timing", "--pattern", &case.pattern])
        .args(["--generations", &case.generations.to_string()]);
    match tools.edge {
        LifeEdge::Plane => {
            command.args(["--edge", "plane"]);
            Ok((command, "plane".into()))
        }
        LifeEdge::TorusStandIn => {
            let (width, height) =
                pattern_extent(&tools.patterns.join(format!("{}.rle", case.pattern)))?;
            let side = (width.max(height) + 2 * case.generations + 64).next_multiple_of(64);
            if side > TORUS_STAND_IN_MAX {
                return Err(format!(
                    "a torus without wrapping would be {side}^2 cells: needs --edge plane"
                ));
            }
            command
                .args(["--edge", "torus", "--width", &side.to_string()])
                .args(["--height", &side.to_string()]);
            Ok((command, format!("torus {side}x{side}")))
        }
    }
}

/// The `x = W, y = H` of an RLE file's header.
fn pattern_extent(path: &Path) -> Result<(u64, u64), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with('x'))
        .ok_or_else(|| format!("{}: no RLE header", path.display()))?;
    let field = |name: &str| -> Option<u64> {
        header.split(',').find_map(|f| {
            let (key, value) = f.split_once('=')?;
            (key.trim() == name).then(|| value.trim().parse().ok())?
        })
    };
    field("x")
        .zip(field("y"))
        .ok_or_else(|| format!("{}: bad RLE header {header}", path.display()))
}

/// One life-tui run: its stepping seconds, peak RSS and summary line.
fn run_life_tui(
    tools: &Tools,
    case: &Case,
    output: Option<&Path>,
) -> Result<(f64, u64, serde_json::Value), String> {
    let (mut command, _) = life_tui_command(tools, case)?;
    if let Some(output) = output {
        command.arg("--output").arg(output);
    }
    let run = measure(&command, Some(tools.life_tui_timeout))?;
    if run.timed_out {
        return Err(format!(
            "killed after {} s (LIFE_BENCH_TIMEOUT)",
            tools.life_tui_timeout.as_secs()
        ));
    }
    if !run.success {
        return Err(format!("failed: {}", run.stderr.trim()));
    }
    let summary = run_summary(&run.stdout)?;
    Ok((summary_seconds(&summary)?, run.peak_rss_kib, summary))
}

/// One bgolly run, with its timestamps on (`-b`).
struct BgollyRun {
    wall_seconds: f64,
    peak_rss_kib: u64,
    /// From generation 0 to the last, by bgolly's own clock.
    own_clock_seconds: Option<f64>,
    population: Option<u64>,
}

/// Runs bgolly for `generations` with `algorithm` (QuickLife, HashLife).
fn run_bgolly(
    input: &Path,
    generations: u64,
    algorithm: &str,
    output: Option<&Path>,
) -> Result<BgollyRun, String> {
    let mut command = Command::new("bgolly");
    command.args(["-b", "-a", algorithm, "-m", &generations.to_string()]);
    if let Some(output) = output {
        command.arg("-o").arg(output);
    }
    let run = measure(command.arg(input), None)?;
    if !run.success {
        // bgolly says what went wrong on stdout as often as on stderr.
        let said = run.stdout.lines().last().unwrap_or_default();
        return Err(format!(
            "bgolly -a {algorithm} -m {generations} {} failed: {} {said}",
            input.display(),
            run.stderr.trim()
        ));
    }
    let (own_clock_seconds, population) = bgolly_timestamps(&run.stdout, generations);
    Ok(BgollyRun {
        wall_seconds: run.wall_seconds,
        peak_rss_kib: run.peak_rss_kib,
        own_clock_seconds,
        population: population.or_else(|| bgolly_population(&run.stdout, generations)),
    })
}

/// Reads `bgolly -b`'s lines: `<seconds> <generation>` when it reaches a
/// generation (`1,000`), then `<seconds> pop <population>` (the last may
/// end in `(->out.rle)`), seconds counted from the program's start. Gives
/// the seconds from generation 0 to `generations` and the population there.
fn bgolly_timestamps(stdout: &str, generations: u64) -> (Option<f64>, Option<u64>) {
    let number =
        |field: &str| -> Option<u64> { field.split('(').next()?.replace(',', "").parse().ok() };
    let (mut start, mut end, mut population, mut last) = (None, None, None, None);
    for line in stdout.lines() {
        let mut fields = line.split_whitespace();
        let Some(seconds) = fields.next().and_then(|f| f.parse::<f64>().ok()) else {
            continue;
        };
        match fields.next() {
            Some("pop") if last == Some(generations) => {
                population = fields.next().and_then(number);
            }
            Some("pop") | None => {}
            Some(generation) => {
                last = number(generation);
                if last == Some(0) && start.is_none() {
                    start = Some(seconds);
                }
                if last == Some(generations) {
                    end = Some(seconds);
                }
            }
        }
    }
    (start.zip(end).map(|(s, e)| e - s), population)
}

/// One lifelib run: its stepping seconds, peak RSS and population.
fn run_lifelib(
    driver: &Path,
    input: &Path,
    generations: u64,
    output: Option<&Path>,
) -> Result<(f64, u64, Option<u64>), String> {
    let mut command = Command::new(driver);
    command.arg(input).arg(generations.to_string());
    if let Some(output) = output {
        command.arg(output);
    }
    let run = measure(&command, None)?;
    if !run.success {
        return Err(format!("lifelib driver failed: {}", run.stderr.trim()));
    }
    let last = run
        .stdout
        .lines()
        .last()
        .ok_or("no output from the lifelib driver")?;
    let value: serde_json::Value = serde_json::from_str(last).map_err(|e| e.to_string())?;
    let seconds = value["seconds"].as_f64().ok_or("no seconds from lifelib")?;
    Ok((seconds, run.peak_rss_kib, value["population"].as_u64()))
}

fn baseline_rss(tools: &Tools) -> Option<u64> {
    let case = Case {
        pattern: BASELINE_PATTERN.into(),
        generations: BASELINE_GENERATIONS,
        long: false,
        hashlife_only: false,
    };
    match run_life_tui(tools, &case, None) {
        Ok((_, rss, _)) => Some(rss),
        Err(err) => {
            eprintln!("bench plane: no RSS baseline: {err}");
            None
        }
    }
}

/// Below this median stepping time (both life-tui's and lifelib's), a case
/// gets [`QUICK_RUNS`] timed runs of the two instead of `LIFE_BENCH_RUNS`.
const QUICK_SECONDS: f64 = 0.02;
const QUICK_RUNS: usize = 9;

fn run_case(tools: &Tools, case: &Case, runs: usize) -> Result<Outcome, String> {
    let input = tools.patterns.join(format!("{}.rle", case.pattern));
    let file = |tool: &str| {
        tools
            .scratch
            .join(format!("{}-{}-{tool}.rle", case.pattern, case.generations))
    };
    let (life_out, reference_out, lifelib_out) = (file("life-tui"), file("golly"), file("lifelib"));
    for path in [&life_out, &reference_out, &lifelib_out] {
        let _ = std::fs::remove_file(path);
    }
    let with_quicklife = tools.golly && !case.hashlife_only;
    let lifelib = tools.lifelib.as_ref().filter(|_| !case.hashlife_only);
    let mut outcome = Outcome {
        case: case.clone(),
        life_tui_edge: String::new(),
        life_tui_skipped: None,
        life_tui_error: None,
        life_tui: ToolRuns::default(),
        life_tui_hash: None,
        life_tui_bbox: None,
        quicklife: with_quicklife.then(ToolRuns::default),
        hashlife: tools.golly.then(ToolRuns::default),
        lifelib: lifelib.map(|_| ToolRuns::default()),
        life_tui_cells_equal: None,
        lifelib_cells_equal: None,
    };
    match life_tui_command(tools, case) {
        Ok((_, edge)) => outcome.life_tui_edge = edge,
        Err(err) => outcome.life_tui_skipped = Some(err),
    }
    let life_tui_runs = |o: &Outcome| o.life_tui_skipped.is_none() && o.life_tui_error.is_none();

    // A first, untimed round writes every tool's final cells for the
    // checks (bgolly's -o would count in its wall time) and warms the
    // caches.
    let reference = if with_quicklife {
        "QuickLife"
    } else {
        "HashLife"
    };
    if tools.golly {
        run_bgolly(&input, case.generations, reference, Some(&reference_out))?;
    }
    // lifelib has only the rules build.sh compiled in (HighLife needs
    // python3 to generate): a case it cannot run loses its column only.
    if let Some(driver) = lifelib
        && let Err(err) = run_lifelib(driver, &input, case.generations, Some(&lifelib_out))
    {
        eprintln!("bench plane: {} without lifelib: {err}", case.pattern);
        outcome.lifelib = None;
    }
    if life_tui_runs(&outcome)
        && let Err(err) = run_life_tui(tools, case, Some(&life_out))
    {
        outcome.life_tui_error = Some(err);
    }

    // The timed rounds, alternating the programs so that other work on the
    // machine hits them alike.
    for _ in 0..runs {
        if life_tui_runs(&outcome) {
            match run_life_tui(tools, case, None) {
                Ok((seconds, rss, summary)) => {
                    let ours = &mut outcome.life_tui;
                    ours.seconds.push(seconds);
                    ours.peak_rss_kib = ours.peak_rss_kib.max(rss);
                    ours.population = summary["population"].as_u64();
                    outcome.life_tui_hash = summary["hash"].as_str().map(String::from);
                    outcome.life_tui_bbox = summary.get("bbox").cloned();
                }
                Err(err) => outcome.life_tui_error = Some(err),
            }
        }
        for (algorithm, runs) in [
            ("QuickLife", &mut outcome.quicklife),
            ("HashLife", &mut outcome.hashlife),
        ] {
            let Some(runs) = runs else { continue };
            let load = run_bgolly(&input, 0, algorithm, None)?;
            let run = run_bgolly(&input, case.generations, algorithm, None)?;
            runs.load_seconds.push(load.wall_seconds);
            runs.seconds.push(run.wall_seconds);
            runs.own_clock_seconds.extend(run.own_clock_seconds);
            runs.peak_rss_kib = runs.peak_rss_kib.max(run.peak_rss_kib);
            runs.population = run.population;
        }
        if let (Some(driver), Some(runs)) = (lifelib, &mut outcome.lifelib) {
            let (seconds, rss, population) = run_lifelib(driver, &input, case.generations, None)?;
            runs.seconds.push(seconds);
            runs.peak_rss_kib = runs.peak_rss_kib.max(rss);
            runs.population = population;
        }
    }

    // A run of a few milliseconds is at the mercy of one scheduling hiccup
    // on a shared machine, and the worst ratio of 40 such pairs finds it:
    // the two tile engines, whose pair it is, get more alternating rounds
    // when they are that quick (bgolly's start-up dwarfs them anyway).
    let quick = |seconds: &[f64]| !seconds.is_empty() && median(seconds) < QUICK_SECONDS;
    if life_tui_runs(&outcome)
        && let (Some(driver), Some(theirs)) = (lifelib, &outcome.lifelib)
        && quick(&outcome.life_tui.seconds)
        && quick(&theirs.seconds)
    {
        while outcome.life_tui.seconds.len() < QUICK_RUNS.max(runs) {
            let (seconds, rss, _) = run_life_tui(tools, case, None)?;
            let ours = &mut outcome.life_tui;
            ours.seconds.push(seconds);
            ours.peak_rss_kib = ours.peak_rss_kib.max(rss);
            let (seconds, rss, _) = run_lifelib(driver, &input, case.generations, None)?;
            let theirs = outcome.lifelib.as_mut().expect("checked above");
            theirs.seconds.push(seconds);
            theirs.peak_rss_kib = theirs.peak_rss_kib.max(rss);
        }
    }

    if tools.golly {
        let reference = live_cells(&reference_out)?;
        if life_tui_runs(&outcome) {
            outcome.life_tui_cells_equal = Some(live_cells(&life_out)? == reference);
        }
        if outcome.lifelib.is_some() {
            outcome.lifelib_cells_equal = Some(live_cells(&lifelib_out)? == reference);
        }
    }
    Ok(outcome)
}

/// One row's run of live cells: (row, first column, length).
type Run = (i64, i64, i64);

/// The live cells of an RLE file as runs along rows, adjacent runs merged
/// (a writer may split a run across lines), moved so that their bounding
/// box starts at (0, 0), and sorted: two files with the same cells up to
/// translation give equal vectors, whatever each writer's position lines,
/// header or line breaks. Runs rather than cells keep a spacefiller's 25
/// million cells to a few megabytes.
fn live_cells(path: &Path) -> Result<Vec<Run>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut runs: Vec<Run> = Vec::new();
    let (mut x, mut y, mut count) = (0i64, 0i64, 0i64);
    let body = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim_start().starts_with('x'));
    'lines: for line in body {
        for c in line.chars() {
            let length = count.max(1);
            match c {
                '0'..='9' => {
                    count = count * 10 + i64::from(c as u8 - b'0');
                    continue;
                }
                'b' | '.' => x += length,
                '$' => {
                    y += length;
                    x = 0;
                }
                '!' => break 'lines,
                c if c.is_whitespace() => continue,
                // Any other letter is a live state ('o', 'A'..).
                _ => {
                    match runs.last_mut() {
                        Some(last) if last.0 == y && last.1 + last.2 == x => last.2 += length,
                        _ => runs.push((y, x, length)),
                    }
                    x += length;
                }
            }
            count = 0;
        }
    }
    let min_x = runs.iter().map(|r| r.1).min().unwrap_or(0);
    let min_y = runs.iter().map(|r| r.0).min().unwrap_or(0);
    for run in &mut runs {
        run.0 -= min_y;
        run.1 -= min_x;
    }
    runs.sort_unstable();
    Ok(runs)
}

/// Seconds to about three significant figures, down to microseconds.
/// The median of `values`, or a dash when there are none.
fn median_or_dash(values: &[f64]) -> String {
    seconds_or_dash((!values.is_empty()).then(|| median(values)))
}

fn seconds_or_dash(value: Option<f64>) -> String {
    match value {
        None => "-".into(),
        Some(s) if s >= 1.0 => format!("{s:.2}"),
        Some(s) if s >= 0.01 => format!("{s:.4}"),
        Some(s) => format!("{s:.6}"),
    }
}

fn ratio_or_dash(value: Option<f64>) -> String {
    value.map_or("-".into(), |r| format!("**{r:.2}x**"))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn progress_line(o: &Outcome) -> String {
    let failures = o.failures();
    format!(
        "{} to {}: life-tui {} s, QuickLife {} s, lifelib {} s, HashLife {} s; population {}; {}",
        o.case.pattern,
        o.case.generations,
        seconds_or_dash(o.life_tui.stepping()),
        seconds_or_dash(o.quicklife.as_ref().and_then(ToolRuns::stepping)),
        seconds_or_dash(o.lifelib.as_ref().and_then(ToolRuns::stepping)),
        seconds_or_dash(o.hashlife.as_ref().and_then(ToolRuns::stepping)),
        o.life_tui
            .population
            .map_or("-".into(), |p: u64| p.to_string()),
        if failures.is_empty() {
            "checks passed".into()
        } else {
            format!("CHECKS FAILED: {}", failures.join("; "))
        }
    )
}

/// One table row per outcome, shared by the study's tables and the long runs'.
fn outcome_rows(r: &mut String, outcomes: &[&Outcome], with_generations: bool) {
    let _ = writeln!(
        r,
        "| pattern |{} life-tui s | QuickLife s | QuickLife s, own clock | lifelib s | HashLife s (reference) | vs QuickLife | vs QuickLife, own clock | vs lifelib | RSS MiB life-tui / QuickLife / lifelib | population | checks |",
        if with_generations {
            " generations |"
        } else {
            ""
        }
    );
    let _ = writeln!(
        r,
        "|---|{}---|---|---|---|---|---|---|---|---|---|---|",
        if with_generations { "---|" } else { "" }
    );
    for o in outcomes {
        let rss = |tool: Option<&ToolRuns>| {
            tool.filter(|t| !t.seconds.is_empty())
                .map_or("-".into(), |t| format!("{:.1}", mib(t.peak_rss_kib)))
        };
        let failures = o.failures();
        let _ = writeln!(
            r,
            "| {} |{} {} | {} | {} | {} | {} | {} | {} | {} | {} / {} / {} | {} | {} |",
            o.case.pattern,
            if with_generations {
                format!(" {} |", o.case.generations)
            } else {
                String::new()
            },
            seconds_or_dash(o.life_tui.stepping()),
            seconds_or_dash(o.quicklife.as_ref().and_then(ToolRuns::stepping)),
            seconds_or_dash(o.quicklife.as_ref().and_then(ToolRuns::own_clock)),
            seconds_or_dash(o.lifelib.as_ref().and_then(ToolRuns::stepping)),
            seconds_or_dash(o.hashlife.as_ref().and_then(ToolRuns::stepping)),
            ratio_or_dash(o.vs_quicklife()),
            ratio_or_dash(o.vs_quicklife_own_clock()),
            ratio_or_dash(o.vs_lifelib()),
            rss(Some(&o.life_tui)),
            rss(o.quicklife.as_ref()),
            rss(o.lifelib.as_ref()),
            o.life_tui
                .population
                .or(o.quicklife.as_ref().and_then(|q| q.population))
                .map_or("-".into(), |p| p.to_string()),
            match (&o.life_tui_skipped, failures.is_empty()) {
                (_, false) => format!("**{}**", failures.join("; ")),
                (Some(why), true) => format!("life-tui left out: {why}"),
                (None, true) => "ok".into(),
            }
        );
    }
}

/// The geometric mean and the worst (ratio, pattern) of some ratios.
fn summary_of(ratios: &[(f64, &str)]) -> Option<(f64, f64, String)> {
    let worst = ratios.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    let values: Vec<f64> = ratios.iter().map(|r| r.0).collect();
    Some((geometric_mean(&values), worst.0, worst.1.to_string()))
}

fn report(study: &Study) -> String {
    let mut r = String::new();
    let _ = writeln!(
        r,
        "# life-tui on the unbounded plane: real patterns (issue 17)\n"
    );
    let _ = writeln!(
        r,
        "Machine: {}. Load average (1, 5, 15 min) before: {}; after: {}. life-tui built from {}. The whole study took {:.0} s.\n",
        study.machine, study.load_before, study.load_after, study.life_tui_commit, study.seconds
    );
    let edge = match study.life_tui_edge {
        "plane" => "on the plane (`--edge plane`)".to_string(),
        _ => "**on a torus standing in for the plane** (this life-tui has no `--edge plane` yet): \
              each side is the pattern's extent plus two cells a generation plus a margin, so no \
              cell can meet its own wrapped image and the result is the plane's; cases needing a \
              side over 32768 are left out"
            .to_string(),
    };
    let _ = writeln!(
        r,
        "One rank, life-tui run directly {edge}; its time is its own stepping time (`seconds` of \
         the `--timing` summary: loading not counted). QuickLife and HashLife are `bgolly -a \
         QuickLife` / `-a HashLife` on the plane (the pattern file, no bounded-grid suffix): the \
         median wall time of `-m <generations>` minus the median of `-m 0` (loading and start-up); \
         under {:.0} ms it is counted as {:.0} ms in ratios. The \"own clock\" columns take \
         bgolly's own timestamps instead (`-b`: the time it reached generation 0 and the last), \
         which need no subtraction and stay exact for short runs. lifelib is Adam Goucher's lifelib \
         2.5.6 (apgsearch's 28x28 tile engine, `upattern<VTile28, 28>` on its unbounded plane), \
         built from the python-lifelib sdist by `benches/lifelib/build.sh`{}, timed by its own \
         steady clock around the stepping loop; it steps two generations a tile visit, so for an \
         odd count its last generation is stepped by lifelib's 16x16 engine outside the timing. \
         Medians of {} timed runs, alternating the programs, after one untimed run of each that \
         writes the final cells; where both life-tui and lifelib step in under {:.0} ms, the two \
         get {} alternating runs, as one scheduling hiccup weighs on a run that short. Ratio = life-tui / the other: under 1 is faster. RSS is each \
         program's peak resident memory (wait4). Checks: life-tui's final population equals \
         QuickLife's, HashLife's and lifelib's, and its cells (`--output`) equal QuickLife's \
         (`-o`) up to translation, as do lifelib's.\n",
        GOLLY_FLOOR * 1e3,
        GOLLY_FLOOR * 1e3,
        study
            .lifelib_build_seconds
            .map_or(String::new(), |s| format!(" (built in {s:.0} s this time)")),
        study.runs,
        QUICK_SECONDS * 1e3,
        QUICK_RUNS.max(study.runs)
    );

    let mut lengths: Vec<u64> = study
        .outcomes
        .iter()
        .filter(|o| !o.case.long)
        .map(|o| o.case.generations)
        .collect();
    lengths.sort_unstable();
    lengths.dedup();
    // Per study length: (geometric mean, worst, worst's name) against each.
    let mut against_quicklife = Vec::new();
    let mut against_quicklife_own_clock = Vec::new();
    let mut against_lifelib = Vec::new();
    let mut tables = String::new();
    for &generations in &lengths {
        let rows: Vec<&Outcome> = study
            .outcomes
            .iter()
            .filter(|o| !o.case.long && o.case.generations == generations)
            .collect();
        let _ = writeln!(
            tables,
            "\n## Built-in patterns, {generations} generations\n"
        );
        outcome_rows(&mut tables, &rows, false);
        let ratios = |f: fn(&Outcome) -> Option<f64>| -> Vec<(f64, &str)> {
            rows.iter()
                .filter_map(|o| f(o).map(|v| (v, o.case.pattern.as_str())))
                .collect()
        };
        for (name, ratios, into) in [
            (
                "QuickLife",
                ratios(Outcome::vs_quicklife),
                &mut against_quicklife,
            ),
            (
                "QuickLife by its own clock",
                ratios(Outcome::vs_quicklife_own_clock),
                &mut against_quicklife_own_clock,
            ),
            ("lifelib", ratios(Outcome::vs_lifelib), &mut against_lifelib),
        ] {
            if let Some((mean, worst, worst_name)) = summary_of(&ratios) {
                let _ = writeln!(
                    tables,
                    "\nAgainst {name}: geometric mean **{mean:.2}x**, worst **{worst:.2}x** ({worst_name}), over {} patterns.",
                    ratios.len()
                );
                into.push((generations, mean, worst, worst_name));
            }
        }
    }
    let long: Vec<&Outcome> = study.outcomes.iter().filter(|o| o.case.long).collect();
    if !long.is_empty() {
        let _ = writeln!(tables, "\n## Long runs\n");
        outcome_rows(&mut tables, &long, true);
    }

    let _ = writeln!(r, "## Targets (issue 17, the ones this study measures)\n");
    let _ = writeln!(r, "| figure | target | measured | met |");
    let _ = writeln!(r, "|---|---|---|---|");
    let mut target = |figure: &str, goal: &str, measured: Option<String>, met: Option<bool>| {
        let _ = writeln!(
            r,
            "| {figure} | {goal} | {} | {} |",
            measured.unwrap_or_else(|| "not run".into()),
            match met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "?",
            }
        );
    };
    // Met or not by the measure (wall times less the load); the
    // figure by bgolly's own clock stands beside it, as short runs of
    // QuickLife are mostly start-up noise and floored at 1 ms otherwise.
    for (generations, mean, worst, name) in &against_quicklife {
        let own_clock = against_quicklife_own_clock
            .iter()
            .find(|a| a.0 == *generations)
            .map_or(String::new(), |(_, m, w, n)| {
                format!(" (by QuickLife's own clock: {m:.2}x; worst {w:.2}x, {n})")
            });
        target(
            &format!("built-in patterns, G={generations}, vs QuickLife on the plane"),
            "geometric mean <= 0.4x; no pattern worse than 1.5x",
            Some(format!("{mean:.2}x; worst {worst:.2}x ({name}){own_clock}")),
            Some(*mean <= 0.4 && *worst <= 1.5),
        );
    }
    let lifelib_at = |g: u64| against_lifelib.iter().find(|a| a.0 == g);
    let at_10000 = lifelib_at(10_000);
    target(
        "built-in patterns, G=10000, vs lifelib on its plane",
        "geometric mean <= 1.0x; no pattern worse than 2x",
        at_10000.map(|(_, mean, worst, name)| format!("{mean:.2}x; worst {worst:.2}x ({name})")),
        at_10000.map(|(_, mean, worst, _)| *mean <= 1.0 && *worst <= 2.0),
    );
    if let Some((_, mean, worst, name)) = lifelib_at(1000) {
        target(
            "built-in patterns, G=1000, vs lifelib (reported)",
            "-",
            Some(format!("{mean:.2}x; worst {worst:.2}x ({name})")),
            Some(true),
        );
    }
    let find = |pattern: &str, generations: u64| {
        study
            .outcomes
            .iter()
            .find(|o| o.case.long && o.case.pattern == pattern && o.case.generations == generations)
            .filter(|o| o.life_tui_skipped.is_none() && o.life_tui_error.is_none())
    };
    let baseline = study.baseline_rss_kib;
    let above_baseline =
        |o: &Outcome| baseline.map(|b| mib(o.life_tui.peak_rss_kib.saturating_sub(b)));
    for pattern in ["gosper-glider-gun", "puffer-train"] {
        let o = find(pattern, 100_000);
        target(
            &format!("{pattern} to 100000 on the plane: time vs QuickLife; RSS above the baseline"),
            "<= 1x; <= 16 MiB",
            o.map(|o| {
                format!(
                    "{}; {}",
                    o.vs_quicklife().map_or("-".into(), |v| format!("{v:.2}x")),
                    above_baseline(o).map_or("-".into(), |m| format!("{m:.1} MiB"))
                )
            }),
            o.and_then(|o| Some(o.vs_quicklife()? <= 1.0 && above_baseline(o)? <= 16.0)),
        );
    }
    for (pattern, generations) in [("acorn", 5206), ("lidka", 29_055), ("rabbits", 17_331)] {
        let o = find(pattern, generations);
        target(
            &format!(
                "{pattern} to {generations} on the plane: time vs QuickLife; populations equal"
            ),
            "<= 1x; equal",
            o.map(|o| {
                format!(
                    "{}; {}",
                    o.vs_quicklife().map_or("-".into(), |v| format!("{v:.2}x")),
                    if o.failures().is_empty() {
                        "equal"
                    } else {
                        "**not equal**"
                    }
                )
            }),
            o.and_then(|o| Some(o.vs_quicklife()? <= 1.0 && o.failures().is_empty())),
        );
    }
    let million = find("gosper-glider-gun", 1_000_000);
    target(
        "gosper-glider-gun to 1,000,000: runs; RSS above the baseline (LIFE_BENCH_MILLION=1)",
        "runs; <= 256 MiB",
        million.map(|o| {
            format!(
                "{} s; {}",
                seconds_or_dash(o.life_tui.stepping()),
                above_baseline(o).map_or("-".into(), |m| format!("{m:.1} MiB"))
            )
        }),
        million.and_then(|o| Some(o.failures().is_empty() && above_baseline(o)? <= 256.0)),
    );
    for (ash, (from, to)) in [
        (study.ash.as_ref(), (ASH_FROM, ASH_TO)),
        (study.ash_long.as_ref(), (ASH_LONG_FROM, ASH_LONG_TO)),
    ] {
        target(
            &format!(
                "a soup's ash on a {ASH_SIDE}² torus (seed {ASH_SEED}): generations {from}-{to} resumed from a checkpoint, vs lifelib on its torus"
            ),
            "<= 1.0x; populations equal",
            ash.map(|a| {
                format!(
                    "{} ({} s vs {} s); {}",
                    ratio_or_dash(a.ratio()),
                    median_or_dash(&a.life_tui_seconds),
                    median_or_dash(&a.lifelib_seconds),
                    if a.populations_equal() {
                        "equal"
                    } else {
                        "**not equal**"
                    }
                )
            }),
            ash.and_then(|a| Some(a.ratio()? <= 1.0 && a.populations_equal())),
        );
    }
    let ranks = study.ranks.as_ref();
    target(
        &format!(
            "{RANKS_PATTERN} (quadratic growth, as a breeder's) to {RANKS_GENERATIONS} on the plane, np=2 vs np=1 (both under mpirun, {} alternating runs each; life-tui's stepping time)",
            ranks.map_or(0, |o| o.one_rank_seconds.len())
        ),
        ">= 1.6x; hashes equal",
        ranks.map(|o| {
            format!(
                "{} ({} s vs {} s); {}",
                o.speedup().map_or("-".into(), |v| format!("{v:.2}x")),
                median_or_dash(&o.one_rank_seconds),
                median_or_dash(&o.two_ranks_seconds),
                if o.hashes_equal() {
                    "equal"
                } else {
                    "**not equal**"
                }
            )
        }),
        ranks.and_then(|o| Some(o.speedup()? >= 1.6 && o.hashes_equal())),
    );
    let _ = writeln!(
        r,
        "\nRSS baseline: life-tui running a {BASELINE_PATTERN} for {BASELINE_GENERATIONS} generations, {}.",
        baseline.map_or("not measured".into(), |b| format!("{:.1} MiB", mib(b)))
    );
    let failed: Vec<String> = study
        .outcomes
        .iter()
        .filter(|o| !o.failures().is_empty())
        .map(|o| format!("{} to {}", o.case.pattern, o.case.generations))
        .collect();
    let _ = writeln!(
        r,
        "\nEvery check passed (populations equal to QuickLife's, HashLife's and lifelib's; cells equal to QuickLife's up to translation): {}.",
        if failed.is_empty() {
            "yes".to_string()
        } else {
            format!("**NO** ({})", failed.join(", "))
        }
    );
    r.push_str(&tables);
    r
}
