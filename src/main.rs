//! `life-tui`: parse the command line, join the MPI job, dispatch.

use std::process::ExitCode;

use life_tui::cli::{self, Cli, CliExit};
use life_tui::cluster::{self, Cluster};
use life_tui::config::{PlaneConfig, RunConfig};
use life_tui::error::Error;
use life_tui::headless::{self, HeadlessOptions};
use life_tui::input;
use life_tui::pattern;

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
    let code = match run(&cluster, &cli) {
        Ok(code) => code,
        Err(err) => {
            if cluster.is_root() {
                eprintln!("error: {err}");
            }
            2
        }
    };
    drop(cluster);
    ExitCode::from(code)
}

/// Runs headless or live; returns the exit status.
fn run(cluster: &Cluster, cli: &Cli) -> Result<u8, Error> {
    let source = cli.resume.as_deref().or(cli.pattern.as_deref());
    let pattern = input::load_pattern(cluster, source, cli.resume.is_some())?;
    let plane = PlaneConfig::wanted(cli, pattern.as_ref().map(|(_, p)| p));
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
            headless::plane::run(cluster, &config, &options, &mut stdout)?;
        } else {
            let config = RunConfig::resolve(cli, pattern, None)?;
            headless::run(cluster, &config, &options, &mut stdout)?;
        }
        Ok(0)
    } else {
        // A panic on any rank ends the whole job: the panic hooks restore
        // the terminal (rank 0), print, and MPI_Abort; waiting peers would hang.
        Ok(life_tui::tui::run(cluster, cli, pattern))
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
            ExitCode::from(2)
        }
    }
}
