//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::engine::{Edge, Rule};
use crate::keys;

/// Conway's Game of Life, in parallel over MPI row strips, live in the terminal.
///
/// Run `mpirun -np 4 life-tui` for the live view split over four ranks, or
/// `life-tui` alone for one rank. `--headless` runs the same engine without a
/// terminal and prints JSON Lines, for scripts and benchmarks.
#[derive(Parser, Debug, Clone)]
#[command(name = "life-tui", version, about, long_about, after_help = after_help())]
pub struct Cli {
    /// Run without a terminal; rank 0 prints JSON Lines to stdout
    #[arg(help_heading = "The run", long)]
    pub headless: bool,

    /// Grid width in cells [default: the terminal, or the pattern plus a margin]
    #[arg(help_heading = "The grid", long, value_name = "CELLS", value_parser = parse_size, allow_negative_numbers = true)]
    pub width: Option<usize>,

    /// Grid height in cells [default: the terminal, or the pattern plus a margin]
    #[arg(help_heading = "The grid", long, value_name = "CELLS", value_parser = parse_size, allow_negative_numbers = true)]
    pub height: Option<usize>,

    /// Generations to run (headless) [default: 100]; 0 just reports the initial grid
    #[arg(help_heading = "The run", long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
    pub generations: Option<u64>,

    /// Seed of the random soup; the same seed gives the same grid for any number of ranks
    #[arg(help_heading = "The grid", long, value_name = "U64", value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,

    /// Fraction of live cells in the random soup, from 0 to 1
    #[arg(help_heading = "The grid", long, value_name = "FRACTION", default_value = "0.5", value_parser = parse_density, allow_negative_numbers = true)]
    pub density: f64,

    /// Life-like rule: B3/S23, S23/B3, B3S23, 23/3 or a name (Life, HighLife, Seeds, ...)
    #[arg(help_heading = "The run", long, value_name = "RULE", value_parser = parse_rule)]
    pub rule: Option<Rule>,

    /// What lies past the edges: a torus (wrap around), dead cells, or no edges at all (the unbounded plane)
    #[arg(help_heading = "The grid", long, value_enum, value_name = "EDGE")]
    pub edge: Option<EdgeArg>,

    /// Print population and hash every N generations (and at generation 0)
    #[arg(help_heading = "Output and checkpoints", long, value_name = "N", value_parser = parse_positive, allow_negative_numbers = true)]
    pub report_every: Option<u64>,

    /// Write the final grid to this file as RLE (headless)
    #[arg(help_heading = "Output and checkpoints", long, value_name = "FILE.rle")]
    pub output: Option<PathBuf>,

    /// Start from a pattern: a file (.rle, .cells, .lif, .life) or a built-in name (see --list-patterns)
    #[arg(help_heading = "Patterns", long, value_name = "FILE|NAME")]
    pub pattern: Option<String>,

    /// Put the pattern's top-left corner at column X, row Y [default: centred
    /// on a bounded grid, at the file's own place on the plane]; negative
    /// on the plane only
    #[arg(help_heading = "Patterns", long, value_name = "X,Y", value_parser = parse_at, requires = "pattern", allow_hyphen_values = true)]
    pub at: Option<(i64, i64)>,

    /// List the built-in patterns and exit
    #[arg(help_heading = "Patterns", long)]
    pub list_patterns: bool,

    /// Print the man page (roff) and exit: what `make install` installs
    #[arg(long, hide = true)]
    pub man_page: bool,

    /// Print the completions for SHELL and exit: what `make install` installs
    #[arg(long, value_name = "SHELL", hide = true)]
    pub completions: Option<clap_complete::Shell>,

    /// Save the whole grid every N generations to --checkpoint (atomic; Golly-readable extended RLE)
    #[arg(help_heading = "Output and checkpoints", long, value_name = "N", value_parser = parse_positive, allow_negative_numbers = true, requires = "checkpoint")]
    pub checkpoint_every: Option<u64>,

    /// The checkpoint file written every --checkpoint-every generations,
    /// and where a signal stops a headless run (see Signals below)
    #[arg(
        help_heading = "Output and checkpoints",
        long,
        value_name = "FILE.rle",
        requires = "checkpoint_every"
    )]
    pub checkpoint: Option<PathBuf>,

    /// Continue from a checkpoint (or any --output file), on any number of ranks;
    /// --generations then counts from the start of the original run
    #[arg(help_heading = "Output and checkpoints", long, value_name = "FILE.rle", conflicts_with_all = ["pattern", "width", "height", "at", "edge", "seed", "density"])]
    pub resume: Option<String>,

    /// Resume from --checkpoint when that file exists, else start as the
    /// other options say: one command line for a job that may be requeued
    /// (on any number of ranks)
    #[arg(
        help_heading = "Output and checkpoints",
        long = "continue",
        requires = "checkpoint",
        conflicts_with = "resume"
    )]
    pub continue_run: bool,

    /// Seconds a rank waits for a peer (halo rows, a reduction) before it
    /// decides the peer is lost (a cut link, a stopped node) and ends with
    /// status 4; 0 waits forever. A paused live view is never timed out
    /// [default: 10; 20 under mpirun, whose own keepalive must act first
    /// on a cut link]
    #[arg(help_heading = "The run", long, value_name = "SECS", value_parser = parse_count, allow_negative_numbers = true)]
    pub peer_timeout: Option<u64>,

    /// Add per-rank compute and exchange times to the headless summary
    #[arg(help_heading = "The run", long)]
    pub timing: bool,

    /// Generations stepped per halo exchange (headless), 1 to 64: each rank
    /// then swaps K edge rows with its neighbours and reads and writes its
    /// strip once every K generations. Capped at the smallest strip's
    /// height. Default: 4 on a bounded grid; 64 (a tile's height) on the
    /// plane, where every exchange wakes the tiles along the band edges
    #[arg(help_heading = "The run", long, value_name = "K", value_parser = parse_halo_depth, allow_negative_numbers = true)]
    pub halo_depth: Option<usize>,

    /// Keep the strips even (headless): by default, rows move from ranks
    /// that compute slowly to fast ones while the run goes on
    #[arg(help_heading = "The run", long)]
    pub no_balance: bool,

    /// Step every cell at every generation (headless), instead of only the
    /// tiles near the last generation's changes while few change: the same
    /// results, for comparing the two
    #[arg(help_heading = "The run", long)]
    pub dense: bool,

    /// Terminal to draw the live view on [default: /dev/tty]; for launchers
    /// that give ranks no controlling terminal (MPICH): --tty $(tty)
    #[arg(help_heading = "The live view", long, value_name = "DEVICE")]
    pub tty: Option<PathBuf>,

    /// Record the live view to FILE as an asciicast v2 file (asciinema's
    /// format): exactly what is drawn, replayed by `asciinema play FILE`
    #[arg(
        help_heading = "The live view",
        long,
        value_name = "FILE.cast",
        conflicts_with = "headless"
    )]
    pub record: Option<PathBuf>,

    /// Presenter mode: a tour of patterns (the built-in classics, or a
    /// playlist FILE, one stop a line: PATTERN [rule=R] [size=WxH] [zoom=N]
    /// [edge=torus|dead] [| TITLE] [| CAPTION]). Right/PageDown and
    /// Left/PageUp go to the next and previous stop (hjkl still pan)
    #[arg(help_heading = "Presenter", long, value_name = "FILE", num_args = 0..=1, conflicts_with_all = ["headless", "pattern", "resume", "at"])]
    pub tour: Option<Option<PathBuf>>,

    /// In presenter mode, go to the next stop every N seconds (after the
    /// last, back to the first)
    #[arg(help_heading = "Presenter", long, value_name = "N", value_parser = parse_positive, allow_negative_numbers = true, requires = "tour")]
    pub tour_seconds: Option<u64>,

    /// Pause the live view when the pattern dies out or repeats itself
    /// (always on in presenter mode)
    #[arg(help_heading = "The live view", long, conflicts_with = "headless")]
    pub auto_pause: bool,
}

/// Examples, the keys (from [`keys::ROWS`]), the JSON Lines, signals and
/// exit statuses.
fn after_help() -> String {
    format!(
        "{EXAMPLES}Keys in the live view:\n{}\n{AFTER_KEYS}",
        keys::help_text()
    )
}

const EXAMPLES: &str = "\
Examples:
  life-tui                                   live view, one rank
  mpirun -np 4 life-tui                      live view, four ranks
  mpirun -np 2 life-tui --headless --width 4096 --height 4096 --generations 1000 --seed 1
  mpirun -np 4 life-tui --tour --record talk.cast   presenter mode, recorded (asciicast v2)

";

const AFTER_KEYS: &str = "\
Headless output (stdout, JSON Lines, rank 0 only):
  {\"version\":1,\"generation\":G,\"population\":P,\"hash\":\"16 hex digits\"}   every --report-every N
  {\"version\":1,\"summary\":{\"generations\":..,\"width\":..,\"height\":..,\"ranks\":..,\"rule\":..,
              \"seconds\":..,\"cell_updates_per_second\":..,\"population\":..,\"hash\":..}}
  {\"version\":1,\"stopped\":{\"signal\":\"SIGTERM\",\"generation\":G,\"population\":P,\"hash\":..}}
              instead of the summary, when a signal stopped the run

Signals (headless): SIGTERM, SIGUSR1 or SIGINT on any rank stops every rank at
  one agreed generation, writes --checkpoint there and exits 3; with --continue
  the same command line resumes from it.

Exit statuses:
  0  done
  1  the live view lost its terminal (closed, or restored by mpirun's teardown)
  2  bad input: one line `error: ...` on stderr
  3  stopped by a signal, the checkpoint written (resume from it)
  4  lost a peer: no answer for --peer-timeout seconds (10; 20 under mpirun)
  70 internal error (a panic on any rank; the job is aborted)
  128+N  stopped by signal N with no --checkpoint to write, or by SIGTERM or
         SIGINT with its peers silent (a rank of the job died: no agreed stop
         possible)";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeArg {
    /// Opposite edges joined (the default for soups and --width/--height)
    Torus,
    /// Dead cells past the edges of a --width x --height grid
    Dead,
    /// The unbounded plane, as Golly runs patterns (the default for patterns without a :T/:P suffix, headless)
    Plane,
}

impl EdgeArg {
    /// The bounded grid's edge; `None` for the unbounded plane.
    pub fn bounded(self) -> Option<Edge> {
        match self {
            EdgeArg::Torus => Some(Edge::Torus),
            EdgeArg::Dead => Some(Edge::Dead),
            EdgeArg::Plane => None,
        }
    }
}

/// The largest width or height accepted: past this a row or column count
/// is surely a typo, and the grid could not be allocated anyway.
pub const MAX_SIDE: usize = 1 << 24;

/// The deepest halo `--halo-depth` accepts: past a few generations per
/// exchange, the rows recomputed per band cost more than they save.
const MAX_HALO_DEPTH: u64 = 64;

fn parse_size(text: &str) -> Result<usize, String> {
    let value: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number of cells"))?;
    if value == 0 {
        return Err("must be at least 1".into());
    }
    if value > MAX_SIDE as u64 {
        return Err(format!("must be at most {MAX_SIDE}"));
    }
    Ok(value as usize)
}

fn parse_count(text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number from 0 to {}", u64::MAX))
}

fn parse_positive(text: &str) -> Result<u64, String> {
    match parse_count(text)? {
        0 => Err("must be at least 1".into()),
        n => Ok(n),
    }
}

fn parse_halo_depth(text: &str) -> Result<usize, String> {
    match parse_count(text)? {
        n @ 1..=MAX_HALO_DEPTH => Ok(n as usize),
        _ => Err(format!("must be from 1 to {MAX_HALO_DEPTH}")),
    }
}

fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "'{text}' is not a seed (a whole number from 0 to {})",
            u64::MAX
        )
    })
}

fn parse_density(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err("must be between 0 and 1".into());
    }
    Ok(value)
}

fn parse_at(text: &str) -> Result<(i64, i64), String> {
    let bad = || format!("'{text}' is not a position X,Y (two whole numbers, e.g. 10,20 or -5,3)");
    let (x, y) = text.split_once(',').ok_or_else(bad)?;
    Ok((
        x.trim().parse().map_err(|_| bad())?,
        y.trim().parse().map_err(|_| bad())?,
    ))
}

fn parse_rule(text: &str) -> Result<Rule, String> {
    Rule::parse(text).map_err(|e| e.to_string())
}

/// Parses the command line. On a mistake returns the one-line message
/// (starting `error: `) to print, or the help or version request.
pub fn parse<I, T>(args: I) -> Result<Option<Cli>, CliExit>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(cli) => Ok(Some(cli)),
        Err(err) => match err.kind() {
            clap::error::ErrorKind::DisplayHelp => Err(CliExit::Info(err.to_string())),
            clap::error::ErrorKind::DisplayVersion => Err(CliExit::Version),
            _ => {
                // clap's message runs until the first blank line (usage and
                // hints follow); fold it into the one line we promise.
                let rendered = err.to_string();
                let message: Vec<&str> = rendered
                    .lines()
                    .take_while(|line| !line.trim().is_empty())
                    .map(str::trim)
                    .collect();
                Err(CliExit::Error(message.join(" ")))
            }
        },
    }
}

/// Why the program stops before running anything.
#[derive(Debug)]
pub enum CliExit {
    /// `--help` text (or another listing), for stdout, exit status 0.
    Info(String),
    /// `--version`: the caller names the build and what it runs on.
    Version,
    /// One line starting `error: `, for stderr, exit status 2.
    Error(String),
}

/// The man page, generated from the same definitions as `--help`.
pub fn man_page() -> String {
    let mut out = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
        .render(&mut out)
        .expect("rendering into memory cannot fail");
    String::from_utf8_lossy(&out).into_owned()
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    let mut command = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut command, "life-tui", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(args: &[&str]) -> String {
        let mut all = vec!["life-tui"];
        all.extend_from_slice(args);
        match parse(all) {
            Err(CliExit::Error(line)) => line,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn bad_values_give_one_line_errors() {
        for (args, expected) in [
            (&["--width", "0"][..], "at least 1"),
            (&["--density", "1.5"][..], "between 0 and 1"),
            (&["--rule", "B9/S23"][..], "B9/S23"),
            (&["--width", "-3"][..], "--width"),
            (&["--seed", "18446744073709551616"][..], "is not a seed"),
            (&["--report-every", "0"][..], "at least 1"),
            (&["--generations", "x"][..], "'x' is not a whole number"),
        ] {
            let line = error_of(args);
            assert!(line.starts_with("error: "), "{line}");
            assert!(line.contains(expected), "{args:?}: {line}");
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn good_values_parse() {
        let cli = parse([
            "life-tui",
            "--headless",
            "--width",
            "100",
            "--rule",
            "highlife",
            "--edge",
            "dead",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(cli.width, Some(100));
        assert_eq!(cli.rule.unwrap().to_string(), "B36/S23");
        assert_eq!(cli.edge, Some(EdgeArg::Dead));
        assert_eq!(cli.density, 0.5);
    }
}
