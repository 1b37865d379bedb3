//! `life-tui`: parse the command line, join the MPI job, dispatch.

use std::process::ExitCode;

use life_tui::cli::{self, CliExit};
use life_tui::cluster::Cluster;
use life_tui::config::{DEFAULT_SIDE, RunConfig};
use life_tui::headless::{self, HeadlessOptions};

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os()) {
        Ok(Some(cli)) => cli,
        Ok(None) => return ExitCode::SUCCESS,
        Err(exit) => return report_early_exit(exit),
    };
    let cluster = Cluster::init();
    let code = if cli.headless {
        let config = RunConfig::from_cli(&cli, (DEFAULT_SIDE, DEFAULT_SIDE));
        let options = HeadlessOptions {
            generations: cli.generations.unwrap_or(100),
            report_every: cli.report_every,
            timing: cli.timing,
            announce_seed: cli.seed.is_none(),
        };
        let mut stdout = std::io::stdout().lock();
        match headless::run(&cluster, &config, &options, &mut stdout) {
            Ok(()) => 0,
            Err(err) => {
                if cluster.is_root() {
                    eprintln!("error: {err}");
                }
                2
            }
        }
    } else {
        // A panic on any rank ends the whole job: on rank 0 the panic hook
        // has already restored the terminal; waiting peers would hang.
        let live = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            life_tui::tui::run(&cluster, &cli)
        }));
        match live {
            Ok(code) => code,
            Err(_) => cluster.abort(1),
        }
    };
    drop(cluster);
    ExitCode::from(code as u8)
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
