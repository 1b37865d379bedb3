//! `life-tui`: parse the command line, join the MPI job, dispatch.

use std::convert::Infallible;
use std::process::ExitCode;
use std::time::Duration;

use life_tui::cli::{self, Cli, CliExit};
use life_tui::cluster::{self, Cluster};
use life_tui::config::{PlaneConfig, RunConfig};
use life_tui::error::Error;
use life_tui::exit;
use life_tui::headless::{self, HeadlessOptions};
use life_tui::input;
use life_tui::pattern;
use life_tui::signals;

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os()) {
        Ok(Some(cli)) => cli,
        Ok(None) => return ExitCode::SUCCESS,
        Err(exit) => return report_early_exit(exit),
    };
    if cli.list_patterns {
        return report_early_exit(CliExit::Info(pattern::library::listing()));
    }
    let cluster = Cluster::init();
    cluster::abort_on_panic();
    if cli.headless
        && let Err(err) = signals::catch_stops()
    {
        // Runs still work; they just cannot checkpoint on a signal.
        if cluster.is_root() {
            eprintln!(
                "life-tui: cannot catch SIGTERM/SIGUSR1/SIGINT ({err}); a signal ends the run without a checkpoint"
            );
        }
    }
    if cli.peer_timeout > 0 {
        cluster.watch_peers(Duration::from_secs(cli.peer_timeout));
    }
    let code = match run(&cluster, &cli) {
        Ok(code) => code,
        Err(err) => {
            if cluster.is_root() {
                eprintln!("{}", err.line());
            }
            err.exit_status()
        }
    };
    drop(cluster);
    ExitCode::from(code)
}

/// Runs headless or live; returns the exit status.
fn run(cluster: &Cluster, cli: &Cli) -> Result<u8, Error> {
    let continued = continued(cluster, cli);
    let cli = &continued;
    let source = cli.resume.as_deref().or(cli.pattern.as_deref());
    let pattern = input::load_pattern(cluster, source, cli.resume.is_some())?;
    let plane = PlaneConfig::wanted(cli, pattern.as_ref().map(|(_, p)| p), cli.headless);
    if plane && !cli.headless {
        return Err(Error::PlaneOption(
            "the live view runs on a bounded grid for now: use --headless for the unbounded plane, or --edge torus"
                .into(),
        ));
    }
    if cli.headless {
        let options = HeadlessOptions {
            generations: cli.generations.unwrap_or(100),
            report_every: cli.report_every,
            timing: cli.timing,
            halo_depth: cli.halo_depth,
            balance: !cli.no_balance,
            dense: cli.dense,
            announce_seed: cli.seed.is_none() && pattern.is_none(),
            output: cli.output.clone(),
            checkpoint: cli.checkpoint.clone().zip(cli.checkpoint_every),
        };
        let mut stdout = std::io::stdout().lock();
        if plane {
            let config = PlaneConfig::resolve(cli, pattern)?;
            announce_resume(cluster, cli, config.start_generation);
            headless::plane::run(cluster, &config, &options, &mut stdout)?;
        } else {
            let config = RunConfig::resolve(cli, pattern, None)?;
            announce_resume(cluster, cli, config.start_generation);
            headless::run(cluster, &config, &options, &mut stdout)?;
        }
        Ok(exit::OK)
    } else {
        // A panic on any rank ends the whole job: the panic hooks restore
        // the terminal (rank 0), print, and MPI_Abort; waiting peers would hang.
        Ok(life_tui::tui::run(cluster, cli, pattern))
    }
}

/// The command line `--continue` stands for: `--resume` of the checkpoint
/// when rank 0 finds it (the other start options then give way to the
/// file, as `--resume` requires), else the command line as it is.
fn continued(cluster: &Cluster, cli: &Cli) -> Cli {
    let mut cli = cli.clone();
    if !cli.continue_run {
        return cli;
    }
    let path = cli
        .checkpoint
        .clone()
        .expect("clap: --continue requires --checkpoint");
    // A dangling link or a directory counts as there: resuming it then
    // fails with a clear error instead of silently starting over.
    let there = cluster
        .is_root()
        .then(|| Ok::<_, Infallible>(vec![u8::from(path.symlink_metadata().is_ok())]));
    let there = cluster.share_bytes(there).is_ok_and(|b| b == [1]);
    if !there {
        if cluster.is_root() && cli.headless {
            eprintln!(
                "life-tui: no checkpoint {} yet: starting from generation 0",
                path.display()
            );
        }
        return cli;
    }
    cli.resume = Some(path.to_string_lossy().into_owned());
    cli.pattern = None;
    cli.width = None;
    cli.height = None;
    cli.at = None;
    cli.edge = None;
    cli.seed = None;
    cli
}

/// Says where a `--continue` run picks up, so that a requeued job's log
/// shows the work it kept.
fn announce_resume(cluster: &Cluster, cli: &Cli, generation: u64) {
    if let (true, true, Some(path)) = (cli.continue_run, cluster.is_root(), &cli.resume) {
        eprintln!("life-tui: resuming from generation {generation} of {path}");
    }
}

/// Prints a message from argument parsing, once for the whole job: under
/// mpirun every rank parses the same arguments, so only rank 0 speaks.
fn report_early_exit(exit: CliExit) -> ExitCode {
    let speaks = life_tui::launch::env_rank().unwrap_or(0) == 0;
    match exit {
        CliExit::Info(text) => {
            if speaks {
                print!("{text}");
            }
            ExitCode::SUCCESS
        }
        CliExit::Error(line) => {
            if speaks {
                eprintln!("{line}");
            }
            ExitCode::from(exit::BAD_INPUT)
        }
    }
}
