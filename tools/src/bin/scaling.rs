//! The scaling study of issue 5, run by `make bench` (`cargo run --release
//! -p life-tools --bin scaling`): headless runs under `mpirun` over grid sizes, rank counts,
//! rules and edges, each repeated (median of `LIFE_BENCH_RUNS`, default 5),
//! with every rank's peak RSS, then every built-in pattern on tori much
//! larger than it against Golly's QuickLife (issue 12). Writes `target/bench/report.md`,
//! `target/bench/results.json` and `target/bench/scaling.svg`, and compares
//! with Golly's `bgolly` (QuickLife) on the same soup when it is installed.
//!
//! The same executable doubles as a per-rank wrapper under mpirun
//! (`--rank-wrapper DIR PROGRAM ARGS...`): it runs the rank, waits for it
//! with `wait4` and writes the rank's peak RSS and CPU time to DIR.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use life_tui::checkpoint;
use life_tui::cluster::Decomposition;
use life_tui::config::RunConfig;
use life_tui::engine::{Edge, Rule};
use serde::Serialize;

use life_tools::common::{
    self, GOLLY_FLOOR, bgolly_found, bgolly_population, env_number, geometric_mean, load_average,
    machine, median,
};
use life_tools::model;

const LIFE: &str = "B3/S23";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--rank-wrapper") {
        return rank_wrapper(&args[1..]);
    }
    match study() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one rank and records its peak RSS (KiB) and CPU seconds.
fn rank_wrapper(args: &[String]) -> ExitCode {
    let (dir, program, rest) = (&args[0], &args[1], &args[2..]);
    let Some((ok, usage)) = common::run_measured(program, rest) else {
        return ExitCode::FAILURE;
    };
    let rank = std::env::var("OMPI_COMM_WORLD_RANK").unwrap_or_else(|_| "0".into());
    let cpu = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    let line = format!(
        "{} {}\n",
        usage.ru_maxrss,
        cpu(usage.ru_utime) + cpu(usage.ru_stime)
    );
    let _ = std::fs::write(Path::new(dir).join(format!("rank-{rank}")), line);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[derive(Clone, Serialize)]
struct Case {
    width: usize,
    height: usize,
    np: usize,
    rule: String,
    edge: String,
    generations: u64,
    /// Options beyond the defaults, as passed to life-tui.
    options: Vec<String>,
}

/// One run: wall-clock rate and the per-rank figures.
#[derive(Clone, Serialize)]
struct Run {
    gcells: f64,
    seconds: f64,
    /// Per rank, microseconds per generation.
    compute_us: Vec<f64>,
    exchange_us: Vec<f64>,
    rss_kib: Vec<u64>,
    cpu_seconds: Vec<f64>,
    population: u64,
    hash: String,
}

#[derive(Serialize)]
struct Outcome {
    case: Case,
    runs: Vec<Run>,
    median_gcells: f64,
    min_gcells: f64,
    max_gcells: f64,
    /// Of the median run: mean over ranks of compute, max of exchange+wait.
    compute_us: f64,
    exchange_us: f64,
    /// Largest over runs of the sum over ranks.
    peak_rss_mib: f64,
    hash: String,
}

struct Paths {
    life: PathBuf,
    mpi_env: PathBuf,
    me: PathBuf,
    scratch: PathBuf,
    out: PathBuf,
}

fn study() -> Result<(), String> {
    let root = life_tools::root();
    let out = root.join("target/bench");
    let paths = Paths {
        life: life_tools::life_tui()?,
        mpi_env: root.join("scripts/mpi-env.sh"),
        me: std::env::current_exe().map_err(|e| e.to_string())?,
        scratch: out.join("ranks"),
        out: out.clone(),
    };
    std::fs::create_dir_all(&paths.scratch).map_err(|e| e.to_string())?;
    let runs: usize = env_number("LIFE_BENCH_RUNS", 5);
    let machine = machine();
    let load_before = load_average();
    eprintln!("bench: {machine}; load average {load_before}; {runs} runs a case");

    // LIFE_BENCH_ONLY=model prints the scaling model's tables and runs
    // nothing: docs/SCALING.md's tables come from here.
    if std::env::var("LIFE_BENCH_ONLY").is_ok_and(|v| v == "model") {
        println!("{}", model::tables(&model::QUIET));
        return Ok(());
    }
    // LIFE_BENCH_ONLY=patterns runs the pattern study alone.
    let only_patterns = std::env::var("LIFE_BENCH_ONLY").is_ok_and(|v| v == "patterns");
    let mut cases = Vec::new();
    // About one to three seconds a run: long enough that a moment of
    // someone else's work on the machine is averaged out, and that the
    // strips have time to follow the cores' speeds.
    let generations = |side: usize| match side {
        s if s <= 1024 => 20_000,
        s if s <= 4096 => 4000,
        _ => 96,
    };
    for side in [1024, 4096, 16384] {
        for np in [1, 2, 4] {
            cases.push(case(side, side, np, LIFE, "torus", generations(side)));
        }
    }
    for rule in ["B36/S23", "B3678/S34678"] {
        cases.push(case(4096, 4096, 1, rule, "torus", 4000));
    }
    cases.push(case(4096, 4096, 1, LIFE, "dead", 4000));
    cases.push(case(4096, 4096, 2, LIFE, "dead", 4000));
    // What the defaults (four generations per exchange, rebalancing) buy.
    for options in [["--halo-depth", "1"], ["--no-balance", ""]] {
        let mut plain = case(4096, 4096, 2, LIFE, "torus", 4000);
        plain.options = options
            .iter()
            .filter(|o| !o.is_empty())
            .map(|o| o.to_string())
            .collect();
        cases.push(plain);
    }
    // Two rows a rank and one generation per exchange: almost nothing to
    // compute, so the exchange+wait time is the halo exchange itself.
    let mut exchange = case(4096, 4, 2, LIFE, "torus", 50_000);
    exchange.options = vec!["--halo-depth".into(), "1".into()];
    cases.push(exchange);
    // What watching the activity costs on a soup, where every generation
    // is stepped densely anyway: against the dense path alone.
    let mut dense = case(4096, 4096, 1, LIFE, "torus", 4000);
    dense.options = vec!["--dense".into()];
    cases.push(dense);
    if only_patterns {
        cases.clear();
    }

    // Round after round over all cases, rather than all runs of one case
    // in a row: a spell of other work on the machine then hits every case
    // alike, and the comparisons between cases stay fair.
    let mut done: Vec<Vec<Run>> = cases.iter().map(|_| Vec::new()).collect();
    for round in 1..=runs {
        eprintln!("bench: round {round} of {runs}");
        for (case, done) in cases.iter().zip(&mut done) {
            done.push(run(&paths, case)?);
        }
    }
    let mut outcomes = Vec::new();
    for (case, done) in cases.into_iter().zip(done) {
        let outcome = summarise(case, done);
        eprintln!(
            "bench: {}x{} np={} {} {} {}: {:.2} Gcell/s (median), compute {:.0} us, exchange+wait {:.0} us per generation, RSS {:.1} MiB; model {:.2} Gcell/s",
            outcome.case.width,
            outcome.case.height,
            outcome.case.np,
            outcome.case.rule,
            outcome.case.edge,
            outcome.case.options.join(" "),
            outcome.median_gcells,
            outcome.compute_us,
            outcome.exchange_us,
            outcome.peak_rss_mib,
            predict(&outcome.case, &model_machine(&load_before))
        );
        outcomes.push(outcome);
    }
    let golly = if only_patterns {
        None
    } else {
        bgolly(&paths, runs.min(3))
    };
    let pattern_runs = env_number("LIFE_BENCH_PATTERN_RUNS", runs.min(5));
    let patterns = pattern_study(&paths, &root.join("patterns"), pattern_runs)?;
    let load_after = load_average();
    let mut report = report(&machine, &load_before, &load_after, runs, &outcomes, &golly);
    report.push_str(&pattern_report(&patterns, pattern_runs, &outcomes));
    let json = serde_json::to_string_pretty(&patterns).map_err(|e| e.to_string())?;
    write(&out.join("patterns.json"), json.as_bytes())?;
    plot_patterns(&out.join("patterns.svg"), &patterns)?;
    write(&out.join("report.md"), report.as_bytes())?;
    let json = serde_json::to_string_pretty(&outcomes).map_err(|e| e.to_string())?;
    write(&out.join("results.json"), json.as_bytes())?;
    plot(&out.join("scaling.svg"), &outcomes)?;
    eprintln!(
        "bench: wrote {}, results.json, patterns.json, scaling.svg and patterns.svg",
        out.join("report.md").display()
    );
    Ok(())
}

/// The model of this machine for a study started at `load` (the load
/// average): fitted as quiet when other work leaves the cores free, as
/// loaded (the figures docs/SCALING.md measured under a load of 12-23)
/// when it does not.
fn model_machine(load: &str) -> model::Machine {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as f64;
    let load: f64 = load
        .split_whitespace()
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(f64::INFINITY);
    if load < cores {
        model::Machine {
            cores: model::Cores::Shared {
                cores,
                others: load,
            },
            ..model::QUIET
        }
    } else {
        model::HERE
    }
}

/// The scaling model's Gcell/s for a case of this study: all ranks on this
/// one machine, sharing its cores (docs/SCALING.md).
fn predict(case: &Case, machine: &model::Machine) -> f64 {
    let option = |name: &str| case.options.iter().position(|o| o == name);
    let depth = option("--halo-depth")
        .and_then(|i| case.options.get(i + 1))
        .and_then(|k| k.parse().ok())
        .unwrap_or(life_tui::engine::DEFAULT_HALO_DEPTH);
    let balance = option("--no-balance").is_none();
    let layout = model::Layout::one_node(case.np);
    let prediction = model::generation(machine, case.width, case.height, layout, depth, balance);
    // Rules other than B3/S23 take the generic kernel, about half as fast
    // (22.0 against 43.5 Gcell/s in the README's study).
    let rule = if case.rule == LIFE { 1.0 } else { 0.5 };
    prediction.gcells(case.width, case.height) * rule
}

fn case(width: usize, height: usize, np: usize, rule: &str, edge: &str, generations: u64) -> Case {
    Case {
        width,
        height,
        np,
        rule: rule.into(),
        edge: edge.into(),
        generations,
        options: Vec::new(),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(paths: &Paths, case: &Case) -> Result<Run, String> {
    for entry in std::fs::read_dir(&paths.scratch).map_err(|e| e.to_string())? {
        let _ = std::fs::remove_file(entry.map_err(|e| e.to_string())?.path());
    }
    let output = Command::new(&paths.mpi_env)
        .args([
            "mpirun",
            "-q",
            "--stdin",
            "none",
            "--bind-to",
            "none",
            "-np",
        ])
        .arg(case.np.to_string())
        .arg(&paths.me)
        .arg("--rank-wrapper")
        .arg(&paths.scratch)
        .arg(&paths.life)
        .args(["--headless", "--seed", "1", "--timing", "--width"])
        .arg(case.width.to_string())
        .arg("--height")
        .arg(case.height.to_string())
        .arg("--generations")
        .arg(case.generations.to_string())
        .args(["--rule", &case.rule, "--edge", &case.edge])
        .args(&case.options)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("mpirun: {e}"))?;
    if !output.status.success() {
        return Err(format!("mpirun failed ({})", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().ok_or("no output from life-tui")?;
    let value: serde_json::Value = serde_json::from_str(last).map_err(|e| e.to_string())?;
    let summary = &value["summary"];
    let g = case.generations as f64;
    let per_rank = |key: &str| -> Vec<f64> {
        summary["timing"]
            .as_array()
            .map(|ranks| {
                ranks
                    .iter()
                    .map(|r| r[key].as_f64().unwrap_or(0.0) * 1e6 / g)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut rss_kib = Vec::new();
    let mut cpu_seconds = Vec::new();
    for rank in 0..case.np {
        let text = std::fs::read_to_string(paths.scratch.join(format!("rank-{rank}")))
            .map_err(|e| format!("rank {rank} left no usage record: {e}"))?;
        let mut fields = text.split_whitespace();
        rss_kib.push(fields.next().and_then(|f| f.parse().ok()).unwrap_or(0));
        cpu_seconds.push(fields.next().and_then(|f| f.parse().ok()).unwrap_or(0.0));
    }
    Ok(Run {
        gcells: summary["cell_updates_per_second"].as_f64().unwrap_or(0.0) / 1e9,
        seconds: summary["seconds"].as_f64().unwrap_or(0.0),
        compute_us: per_rank("compute_seconds"),
        exchange_us: per_rank("exchange_seconds"),
        rss_kib,
        cpu_seconds,
        population: summary["population"].as_u64().unwrap_or(0),
        hash: summary["hash"].as_str().unwrap_or("").into(),
    })
}

fn summarise(case: Case, runs: Vec<Run>) -> Outcome {
    let mut by_rate: Vec<&Run> = runs.iter().collect();
    by_rate.sort_by(|a, b| a.gcells.total_cmp(&b.gcells));
    let median = by_rate[by_rate.len() / 2];
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let peak_rss_kib = runs
        .iter()
        .map(|r| r.rss_kib.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    Outcome {
        median_gcells: median.gcells,
        min_gcells: by_rate[0].gcells,
        max_gcells: by_rate[by_rate.len() - 1].gcells,
        compute_us: mean(&median.compute_us),
        exchange_us: median.exchange_us.iter().copied().fold(0.0, f64::max),
        peak_rss_mib: peak_rss_kib as f64 / 1024.0,
        hash: median.hash.clone(),
        case,
        runs,
    }
}

/// Golly's QuickLife on the same 4096x4096 soup and torus, timed as the
/// difference between running 1 and N generations (so loading the
/// pattern does not count). Its final population must equal ours.
struct Golly {
    gcells: f64,
    population: Option<u64>,
    ours: u64,
    generations: u64,
}

fn bgolly(paths: &Paths, runs: usize) -> Option<Golly> {
    let found = Command::new("bgolly")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("bench: bgolly not installed (Debian package golly); skipping the comparison");
        return None;
    }
    let side = 4096;
    let generations = 40u64;
    let config = RunConfig::soup(side, side, 1, 0.5);
    let grid = config
        .initial_strip(&Decomposition::new(side, 1).ok()?, 0, 1)
        .to_grid();
    let soup = paths.out.join("soup-4096.rle");
    // A checkpoint is what Golly opens as this very torus at generation 0.
    checkpoint::write(&soup, &config.snapshot(0, grid.clone())).ok()?;
    let time = |m: u64| -> Option<(f64, Option<u64>)> {
        let start = Instant::now();
        let out = Command::new("bgolly")
            .args(["-a", "QuickLife", "-m", &m.to_string()])
            .arg(&soup)
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let seconds = start.elapsed().as_secs_f64();
        let text = String::from_utf8_lossy(&out.stdout);
        Some((seconds, bgolly_population(&text, m)))
    };
    let mut rates = Vec::new();
    let mut population = None;
    for _ in 0..runs.max(1) {
        let (one, _) = time(1)?;
        let (many, pop) = time(generations + 1)?;
        population = pop;
        rates.push((side * side) as f64 * generations as f64 / (many - one).max(1e-9) / 1e9);
    }
    rates.sort_by(f64::total_cmp);
    // Our own population after the same number of generations.
    let mut life = life_tui::engine::Life::new(&grid, Rule::LIFE, Edge::Torus);
    life.run(generations + 1);
    Some(Golly {
        gcells: rates[rates.len() / 2],
        population,
        ours: life.population(),
        generations: generations + 1,
    })
}

fn find<'a>(
    outcomes: &'a [Outcome],
    w: usize,
    np: usize,
    rule: &str,
    edge: &str,
) -> Option<&'a Outcome> {
    outcomes.iter().find(|o| {
        o.case.width == w
            && o.case.height == w
            && o.case.np == np
            && o.case.rule == rule
            && o.case.edge == edge
            && o.case.options.is_empty()
    })
}

fn report(
    machine: &str,
    load_before: &str,
    load_after: &str,
    runs: usize,
    outcomes: &[Outcome],
    golly: &Option<Golly>,
) -> String {
    let mut r = String::new();
    let _ = writeln!(r, "# life-tui benchmark\n");
    let _ = writeln!(
        r,
        "Machine: {machine}. Load average (1, 5, 15 min) before: {load_before}; after: {load_after} \
         (other work on the machine slows the figures; a load above the core count means ranks \
         waited for a core).\n"
    );
    let _ = writeln!(
        r,
        "Headless runs under `mpirun --bind-to none`, random soup (seed 1, density 0.5), median of \
         {runs} runs (taken in rounds over all cases); Gcell/s = cell updates per wall-clock second. Compute and exchange+wait are \
         microseconds per generation (compute: mean over ranks; exchange+wait: the slowest rank's \
         wait for its halos after computing the interior). Efficiency = Gcell/s / (np x the np=1 \
         figure of the same grid). RSS = peak resident memory of all ranks together. Runs use the \
         defaults (four generations per halo exchange, rows rebalanced to the ranks' speeds) \
         unless the options column says otherwise. Model = the Gcell/s predicted by the scaling \
         model fitted on this machine (docs/SCALING.md): its quiet figures when the load average \
         before was under the core count, its loaded ones otherwise; and measured / model.\n"
    );
    let _ = writeln!(
        r,
        "| grid | np | rule | edges | options | Gcell/s | min-max | compute us | exchange+wait us | speed-up | efficiency | RSS MiB | bytes/cell | model Gcell/s | measured / model |"
    );
    let _ = writeln!(
        r,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for o in outcomes {
        let c = &o.case;
        let base = outcomes.iter().find(|b| {
            b.case.np == 1
                && b.case.options.is_empty()
                && (b.case.width, b.case.height, &b.case.rule, &b.case.edge)
                    == (c.width, c.height, &c.rule, &c.edge)
        });
        let (speedup, efficiency) = match base {
            Some(b) if c.np > 1 => (
                format!("{:.2}x", o.median_gcells / b.median_gcells),
                format!(
                    "{:.0}%",
                    100.0 * o.median_gcells / b.median_gcells / c.np as f64
                ),
            ),
            _ => ("".into(), "".into()),
        };
        let cells = (c.width * c.height) as f64;
        let model = predict(c, &model_machine(load_before));
        let _ = writeln!(
            r,
            "| {}x{} | {} | {} | {} | {} | **{:.2}** | {:.2}-{:.2} | {:.0} | {:.0} | {} | {} | {:.1} | {:.3} | {:.2} | {:.2}x |",
            c.width,
            c.height,
            c.np,
            c.rule,
            c.edge,
            c.options.join(" "),
            o.median_gcells,
            o.min_gcells,
            o.max_gcells,
            o.compute_us,
            o.exchange_us,
            speedup,
            efficiency,
            o.peak_rss_mib,
            o.peak_rss_mib * 1048576.0 / cells,
            model,
            o.median_gcells / model,
        );
    }
    // Correctness: the same grid gives the same hash at every np.
    let mut mismatches = Vec::new();
    for o in outcomes.iter().filter(|o| o.case.np > 1) {
        let a = &o.case;
        let serial = outcomes.iter().find(|b| {
            let b = &b.case;
            b.np == 1
                && (a.width, a.height, &a.rule, &a.edge, a.generations)
                    == (b.width, b.height, &b.rule, &b.edge, b.generations)
        });
        if serial.is_some_and(|s| s.hash != o.hash) {
            mismatches.push(format!(
                "{}x{} np={} {}",
                a.width,
                a.height,
                a.np,
                a.options.join(" ")
            ));
        }
    }
    let _ = writeln!(
        r,
        "\nEvery rank count gave the same final hash as np=1: {}.\n",
        if mismatches.is_empty() {
            "yes".to_string()
        } else {
            format!("NO ({})", mismatches.join(", "))
        }
    );

    let _ = writeln!(r, "## Targets (issue 5)\n");
    let _ = writeln!(r, "| figure | target | measured | met |");
    let _ = writeln!(r, "|---|---|---|---|");
    let rate = |w: usize, np: usize, rule: &str, edge: &str| {
        find(outcomes, w, np, rule, edge).map(|o| o.median_gcells)
    };
    let mut target = |name: &str,
                      goal: &str,
                      value: Option<f64>,
                      shown: &dyn Fn(f64) -> String,
                      ok: &dyn Fn(f64) -> bool| {
        let (measured, met) = match value {
            Some(v) => (shown(v), if ok(v) { "yes" } else { "**no**" }),
            None => ("not run".into(), "?"),
        };
        let _ = writeln!(r, "| {name} | {goal} | {measured} | {met} |");
    };
    let gcells = |v: f64| format!("{v:.2} Gcell/s");
    let ratio = |v: f64| format!("{v:.2}x");
    for (side, least) in [(4096, 20.0), (1024, 15.0), (16384, 15.0)] {
        target(
            &format!("one rank, {side}x{side}"),
            &format!(">= {least} Gcell/s"),
            rate(side, 1, LIFE, "torus"),
            &gcells,
            &|v| v >= least,
        );
    }
    for rule in ["B36/S23", "B3678/S34678"] {
        target(
            &format!("{rule}, one rank, 4096x4096"),
            ">= 8 Gcell/s",
            rate(4096, 1, rule, "torus"),
            &gcells,
            &|v| v >= 8.0,
        );
    }
    let div = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
    target(
        "np=2 vs np=1, 4096x4096",
        ">= 1.8x",
        div(rate(4096, 2, LIFE, "torus"), rate(4096, 1, LIFE, "torus")),
        &ratio,
        &|v| v >= 1.8,
    );
    target(
        "np=4 vs np=2, 4096x4096 (oversubscribed)",
        ">= 0.8x",
        div(rate(4096, 4, LIFE, "torus"), rate(4096, 2, LIFE, "torus")),
        &ratio,
        &|v| v >= 0.8,
    );
    target(
        "dead edges vs torus, one rank, 4096x4096",
        "within 10% (dead at least 0.9x torus)",
        div(rate(4096, 1, LIFE, "dead"), rate(4096, 1, LIFE, "torus")),
        &ratio,
        &|v| v >= 0.9,
    );
    let memory = find(outcomes, 16384, 2, LIFE, "torus").map(|o| o.peak_rss_mib);
    let budget = 0.3 * (16384.0 * 16384.0) / 1048576.0 + 40.0 * 2.0;
    target(
        "memory, 16384x16384 at np=2 (all ranks)",
        &format!("<= 0.3 B/cell + 40 MiB/rank = {budget:.0} MiB"),
        memory,
        &|v| format!("{v:.0} MiB"),
        &|v| v <= budget,
    );
    let exchange = outcomes
        .iter()
        .find(|o| o.case.width == 4096 && o.case.height == 4 && o.case.np == 2)
        .map(|o| o.exchange_us);
    target(
        "halo exchange, 4096 wide, np=2 (2 rows a rank, one generation per exchange)",
        "reported, us per generation",
        exchange,
        &|v| format!("{v:.1} us"),
        &|_| true,
    );
    if let Some(o) = find(outcomes, 4096, 2, LIFE, "torus") {
        let _ = writeln!(
            r,
            "\nAt 4096x4096, np=2 the ranks spent {:.0} us a generation computing and the slowest waited {:.0} us for its halos.",
            o.compute_us, o.exchange_us
        );
    }

    let _ = writeln!(r, "\n## Golly\n");
    match golly {
        Some(g) => {
            let ours = rate(4096, 1, LIFE, "torus").unwrap_or(0.0);
            let _ = writeln!(
                r,
                "bgolly (QuickLife), same 4096x4096 soup on a 4096x4096 torus (rule `B3/S23:T4096,4096`), one core: \
                 **{:.2} Gcell/s** (median); life-tui one rank: {:.2} Gcell/s ({:.0}x). Population after {} generations: \
                 bgolly {}, life-tui {} ({}).",
                g.gcells,
                ours,
                ours / g.gcells.max(1e-9),
                g.generations,
                g.population.map_or("?".into(), |p| p.to_string()),
                g.ours,
                if g.population == Some(g.ours) {
                    "equal"
                } else {
                    "DIFFERENT"
                }
            );
        }
        None => {
            let _ = writeln!(
                r,
                "bgolly is not installed (Debian package `golly`): no comparison."
            );
        }
    }
    let _ = writeln!(r, "\n![Gcell/s against ranks](scaling.svg)");
    r
}

fn plot(path: &Path, outcomes: &[Outcome]) -> Result<(), String> {
    use plotters::prelude::*;
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let root = SVGBackend::new(path, (720, 440)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let top = outcomes.iter().map(|o| o.max_gcells).fold(1.0f64, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "life-tui: Gcell/s against ranks (B3/S23, torus)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.5f64..4.5f64, 0f64..top)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("MPI ranks (2 cores: np=4 is oversubscribed)")
        .y_desc("Gcell/s (median)")
        .x_labels(4)
        .draw()
        .map_err(|e| err(&e))?;
    let colours = [RED, BLUE, GREEN];
    for (side, colour) in [1024, 4096, 16384].into_iter().zip(colours) {
        let points: Vec<(f64, f64)> = [1, 2, 4]
            .into_iter()
            .filter_map(|np| {
                find(outcomes, side, np, LIFE, "torus").map(|o| (np as f64, o.median_gcells))
            })
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(format!("{side}x{side}"))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 4, colour.filled())),
            )
            .map_err(|e| err(&e))?;
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    let _ = std::io::stderr().flush();
    Ok(())
}

/// One built-in pattern, placed by life-tui in the middle of a torus much
/// larger than it, run on one rank and by bgolly's QuickLife on the same
/// torus for the same generations.
#[derive(Clone, Serialize)]
struct PatternCase {
    pattern: String,
    side: usize,
    generations: u64,
}

#[derive(Serialize)]
struct PatternOutcome {
    case: PatternCase,
    /// life-tui's seconds (its own timing: stepping, not loading), per run.
    ours: Vec<f64>,
    ours_median: f64,
    population: u64,
    hash: String,
    /// Tiles the sparse path stepped, over the whole run (median run).
    tiles_stepped: u64,
    /// The same run with --dense: every cell, every generation.
    dense_population: u64,
    dense_hash: String,
    /// bgolly wall seconds running `generations` and running none (the
    /// load), per run; their medians' difference is its stepping time.
    golly_run: Vec<f64>,
    golly_load: Vec<f64>,
    golly_seconds: Option<f64>,
    golly_population: Option<u64>,
    /// Golly's HashLife on the same torus, for reference (run and load
    /// wall seconds per run, and their medians' difference).
    hashlife_run: Vec<f64>,
    hashlife_load: Vec<f64>,
    hashlife_seconds: Option<f64>,
}

fn pattern_study(paths: &Paths, dir: &Path, runs: usize) -> Result<Vec<PatternOutcome>, String> {
    let names = common::pattern_names(dir)?;
    let golly = bgolly_found();
    if !golly {
        eprintln!("bench: bgolly not installed (Debian package golly); patterns without QuickLife");
    }
    let mut cases = Vec::new();
    // 16384^2 runs fewer generations: the --dense check steps every one
    // of its 268 M cells.
    for (side, generations) in [(4096, 1000), (16384, 500)] {
        for name in &names {
            cases.push(PatternCase {
                pattern: name.clone(),
                side,
                generations,
            });
        }
    }
    cases.push(PatternCase {
        pattern: "acorn".into(),
        side: 4096,
        generations: 5206,
    });
    let scratch = paths.out.join("patterns");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let mut outcomes = Vec::new();
    for case in cases {
        let input = scratch.join(format!("{}-{}.rle", case.pattern, case.side));
        let life = |generations: u64, extra: &[&str]| -> Result<serde_json::Value, String> {
            let output = Command::new(&paths.life)
                .args(["--headless", "--timing", "--pattern", &case.pattern])
                .args(["--width", &case.side.to_string()])
                .args(["--height", &case.side.to_string()])
                .args(["--generations", &generations.to_string()])
                .args(extra)
                .stderr(Stdio::inherit())
                .output()
                .map_err(|e| format!("life-tui: {e}"))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let last = stdout.lines().last().ok_or("no output from life-tui")?;
            let value: serde_json::Value = serde_json::from_str(last).map_err(|e| e.to_string())?;
            Ok(value["summary"].clone())
        };
        // The pattern as life-tui places it, saved as a checkpoint: what
        // Golly opens as this very torus at generation 0.
        life(0, &["--output", input.to_str().ok_or("path")?])?;
        let mut ours = Vec::new();
        let mut summaries = Vec::new();
        let mut golly_run = Vec::new();
        let mut golly_load = Vec::new();
        let mut golly_population = None;
        let (mut hashlife_run, mut hashlife_load) = (Vec::new(), Vec::new());
        // Alternating the programs, so that other work on the machine
        // hits both alike.
        for _ in 0..runs.max(1) {
            let summary = life(case.generations, &[])?;
            ours.push(summary["seconds"].as_f64().unwrap_or(0.0));
            summaries.push(summary);
            if golly {
                let (load, _) = time_bgolly(&input, 0, "QuickLife")?;
                let (run, population) = time_bgolly(&input, case.generations, "QuickLife")?;
                golly_load.push(load);
                golly_run.push(run);
                golly_population = population;
                let (load, _) = time_bgolly(&input, 0, "HashLife")?;
                let (run, _) = time_bgolly(&input, case.generations, "HashLife")?;
                hashlife_load.push(load);
                hashlife_run.push(run);
            }
        }
        let ours_median = median(&ours);
        let median_summary = summaries
            .iter()
            .find(|s| s["seconds"].as_f64() == Some(ours_median))
            .unwrap_or(&summaries[0]);
        let dense = life(case.generations, &["--dense"])?;
        let golly_seconds = golly.then(|| (median(&golly_run) - median(&golly_load)).max(0.0));
        let hashlife_seconds =
            golly.then(|| (median(&hashlife_run) - median(&hashlife_load)).max(0.0));
        let outcome = PatternOutcome {
            ours_median,
            population: median_summary["population"].as_u64().unwrap_or(0),
            hash: median_summary["hash"].as_str().unwrap_or("").into(),
            tiles_stepped: median_summary["timing"][0]["tiles_stepped"]
                .as_u64()
                .unwrap_or(0),
            dense_population: dense["population"].as_u64().unwrap_or(0),
            dense_hash: dense["hash"].as_str().unwrap_or("").into(),
            ours,
            golly_run,
            golly_load,
            golly_seconds,
            golly_population,
            hashlife_run,
            hashlife_load,
            hashlife_seconds,
            case,
        };
        eprintln!(
            "bench: {} on {}^2, {} generations: life-tui {:.4} s, QuickLife {}, population {}",
            outcome.case.pattern,
            outcome.case.side,
            outcome.case.generations,
            outcome.ours_median,
            outcome
                .golly_seconds
                .map_or("-".into(), |g| format!("{g:.4} s")),
            outcome.population
        );
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// bgolly's wall seconds for `generations` generations of `input` with
/// `algorithm` (QuickLife, HashLife), and the population it printed for
/// the last one.
fn time_bgolly(
    input: &Path,
    generations: u64,
    algorithm: &str,
) -> Result<(f64, Option<u64>), String> {
    let start = Instant::now();
    let out = Command::new("bgolly")
        .args(["-a", algorithm, "-m", &generations.to_string()])
        .arg(input)
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("bgolly: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout);
    Ok((seconds, bgolly_population(&text, generations)))
}

fn pattern_report(patterns: &[PatternOutcome], runs: usize, outcomes: &[Outcome]) -> String {
    let mut r = String::new();
    let _ = writeln!(
        r,
        "\n## Real patterns against Golly's QuickLife (issue 12)\n"
    );
    let _ = writeln!(
        r,
        "Every built-in pattern, placed in the middle of a torus much larger than it, one rank \
         (life-tui run directly, its own stepping time: loading not counted) against `bgolly -a \
         QuickLife` on the same torus (the checkpoint life-tui writes at generation 0, rule \
         `B3/S23:T<side>,<side>`), same generations. QuickLife's time is the median wall time of \
         `-m <generations>` minus the median of `-m 0` (loading), {runs} runs each, alternated \
         with life-tui's; under {:.0} ms it is counted as {:.0} ms (timer and start-up noise). \
         Ratio = life-tui / QuickLife: under 1 is faster. \"dense\" says whether the run with \
         `--dense` (every cell, every generation) gave the same hash and population; \"golly\" \
         whether QuickLife's population is the same.\n",
        GOLLY_FLOOR * 1e3,
        GOLLY_FLOOR * 1e3
    );
    let ratio_of = |p: &PatternOutcome| p.golly_seconds.map(|g| p.ours_median / g.max(GOLLY_FLOOR));
    let mut all_equal = true;
    let mut sides: Vec<(usize, u64)> = patterns
        .iter()
        .map(|p| (p.case.side, p.case.generations))
        .collect();
    sides.dedup();
    let mut study: Vec<f64> = Vec::new();
    let mut worst: Option<(f64, String)> = None;
    for (side, generations) in sides {
        let _ = writeln!(r, "\n### {side}x{side} torus, {generations} generations\n");
        let _ = writeln!(
            r,
            "| pattern | life-tui s | QuickLife s | ratio | HashLife s (reference) | tiles stepped / generation | population | dense | golly |"
        );
        let _ = writeln!(r, "|---|---|---|---|---|---|---|---|---|");
        let mut ratios = Vec::new();
        for p in patterns
            .iter()
            .filter(|p| (p.case.side, p.case.generations) == (side, generations))
        {
            let dense_equal = p.hash == p.dense_hash && p.population == p.dense_population;
            let golly_equal = p.golly_population.map(|g| g == p.population);
            all_equal &= dense_equal && golly_equal != Some(false);
            let ratio = ratio_of(p);
            if let Some(ratio) = ratio {
                ratios.push(ratio);
                let name = format!("{} on {side}^2, {generations} generations", p.case.pattern);
                if worst.as_ref().is_none_or(|(w, _)| ratio > *w) {
                    worst = Some((ratio, name));
                }
            }
            let _ = writeln!(
                r,
                "| {} | {:.4} | {} | {} | {} | {:.1} | {} | {} | {} |",
                p.case.pattern,
                p.ours_median,
                p.golly_seconds.map_or("-".into(), |g| format!("{g:.4}")),
                ratio.map_or("-".into(), |x| format!("**{x:.2}x**")),
                p.hashlife_seconds.map_or("-".into(), |g| format!("{g:.4}")),
                p.tiles_stepped as f64 / p.case.generations as f64,
                p.population,
                if dense_equal { "yes" } else { "**NO**" },
                match golly_equal {
                    Some(true) => "yes",
                    Some(false) => "**NO**",
                    None => "-",
                }
            );
        }
        if !ratios.is_empty() {
            let _ = writeln!(
                r,
                "\nGeometric mean {:.2}x, worst {:.2}x, over {} patterns.",
                geometric_mean(&ratios),
                ratios.iter().copied().fold(0.0, f64::max),
                ratios.len()
            );
        }
        if generations != 5206 {
            study.extend(ratios);
        }
    }
    let _ = writeln!(
        r,
        "\nEvery pattern gave the same hash and population with and without `--dense`, and the same population as QuickLife: {}.\n",
        if all_equal { "yes" } else { "**NO**" }
    );
    let _ = writeln!(r, "## Targets (issue 12)\n");
    let _ = writeln!(r, "| figure | target | measured | met |");
    let _ = writeln!(r, "|---|---|---|---|");
    let mut target = |name: &str, goal: &str, value: Option<f64>, ok: &dyn Fn(f64) -> bool| {
        let (measured, met) = match value {
            Some(v) => (format!("{v:.2}x"), if ok(v) { "yes" } else { "**no**" }),
            None => ("not run".into(), "?"),
        };
        let _ = writeln!(r, "| {name} | {goal} | {measured} | {met} |");
    };
    target(
        "built-in patterns vs QuickLife, geometric mean (both sizes)",
        "<= 0.5x",
        (!study.is_empty()).then(|| geometric_mean(&study)),
        &|v| v <= 0.5,
    );
    target(
        &format!(
            "worst pattern vs QuickLife{}",
            worst
                .as_ref()
                .map_or(String::new(), |(_, n)| format!(" ({n})"))
        ),
        "<= 2x",
        worst.as_ref().map(|(w, _)| *w),
        &|v| v <= 2.0,
    );
    let acorn = patterns
        .iter()
        .find(|p| p.case.pattern == "acorn" && p.case.generations == 5206);
    target(
        "acorn, 5206 generations on 4096x4096, vs QuickLife",
        "<= 1x",
        acorn.and_then(ratio_of),
        &|v| v <= 1.0,
    );
    let soup = |dense: bool| {
        outcomes.iter().find(|o| {
            let c = &o.case;
            (c.width, c.height, c.np, c.rule.as_str(), c.edge.as_str())
                == (4096, 4096, 1, LIFE, "torus")
                && c.options.iter().any(|o| o == "--dense") == dense
                && (dense || c.options.is_empty())
        })
    };
    target(
        "4096x4096 soup, one rank: default (watching activity) vs --dense",
        ">= 0.95x",
        soup(false)
            .zip(soup(true))
            .map(|(a, d)| a.median_gcells / d.median_gcells),
        &|v| v >= 0.95,
    );
    r
}

/// Time against QuickLife's for every pattern and torus, sorted, with the
/// targets (0.5x for the mean, 2x for any pattern) drawn across.
fn plot_patterns(path: &Path, patterns: &[PatternOutcome]) -> Result<(), String> {
    use plotters::prelude::*;
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let ratios = |side: usize| -> Vec<f64> {
        let mut r: Vec<f64> = patterns
            .iter()
            .filter(|p| p.case.side == side && p.case.generations != 5206)
            .filter_map(|p| p.golly_seconds.map(|g| p.ours_median / g.max(GOLLY_FLOOR)))
            .collect();
        r.sort_by(f64::total_cmp);
        r
    };
    let (small, large) = (ratios(4096), ratios(16384));
    let count = small.len().max(large.len()).max(1);
    let top = small
        .iter()
        .chain(&large)
        .copied()
        .fold(2.2f64, f64::max)
        .min(10.0);
    let root = SVGBackend::new(path, (720, 440)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "life-tui time / QuickLife time, built-in patterns (one rank)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..count as f64, 0f64..top)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("patterns, sorted by ratio")
        .y_desc("ratio (under 1: faster than QuickLife)")
        .draw()
        .map_err(|e| err(&e))?;
    for (level, colour, label) in [(2.0, RED, "2x: worst allowed"), (1.0, BLACK, "QuickLife")] {
        chart
            .draw_series(LineSeries::new(
                [(0.0, level), (count as f64, level)],
                colour.stroke_width(1),
            ))
            .map_err(|e| err(&e))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
    }
    for (values, colour, label) in [(&small, BLUE, "4096x4096"), (&large, GREEN, "16384x16384")] {
        chart
            .draw_series(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| Circle::new((i as f64 + 0.5, v.min(top)), 4, colour.filled())),
            )
            .map_err(|e| err(&e))?
            .label(label)
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
