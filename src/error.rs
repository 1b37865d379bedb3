//! The application's error type.

use crate::cluster::DecompositionError;
use crate::exit;
use crate::pattern::{PatternError, PatternErrorKind};

/// Everything that stops a run before or while it works, as one line
/// for the user (see [`Error::line`]) and an exit status (see
/// [`Error::exit_status`]). The layers below keep their own error types
/// (rules, patterns, files, decomposition); this wraps them.
#[derive(Debug, thiserror::Error)]
pub enum Error {
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
        "pattern {name} is {width}x{height} cells, too large for a bounded grid: run it on the unbounded plane (--edge plane)"
    )]
    PatternNeedsPlane {
        name: String,
        width: u64,
        height: u64,
    },
    #[error("pattern {0} reaches past the plane's signed 64-bit coordinates")]
    PatternOffPlane(String),
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
    #[error(
        "{0}: not a saved grid to resume from: it has no bounded-grid rule suffix such as B3/S23:T100,80 (use --pattern to start from it instead)"
    )]
    NotACheckpoint(String),
    #[error("{0}: the saved grid is cut short (no final '!'): it was not written completely")]
    TruncatedCheckpoint(String),
    #[error("{name} is at generation {at}, past --generations {target}")]
    CheckpointPastEnd { name: String, at: u64, target: u64 },
    #[error(
        "rule {0} has B0 (dead cells with no live neighbour are born): it cannot run on the unbounded plane, whose dead cells are infinite; use --edge torus or --edge dead with --width and --height"
    )]
    PlaneB0(String),
    #[error(
        "--dense steps every cell of a bounded grid; the unbounded plane has none (use --edge torus)"
    )]
    PlaneDense,
    #[error("another rank failed its start-up checks")]
    FailedElsewhere,
    /// Not a failure: a signal asked the run to stop, and it did, at a
    /// generation every rank agreed on.
    #[error("stopped by {} at generation {generation}; {}", crate::signals::name(*signal), match checkpoint {
        Some(path) => format!("checkpoint written to {}", path.display()),
        None => "no --checkpoint to write, so nothing was saved".to_string(),
    })]
    Stopped {
        signal: i32,
        generation: u64,
        checkpoint: Option<std::path::PathBuf>,
    },
    #[error("--at {x},{y} is outside the {width}x{height} grid")]
    AtOutside {
        x: i64,
        y: i64,
        width: usize,
        height: usize,
    },
}

impl Error {
    /// The one map from how a run ended to its exit status (the table is
    /// in [`crate::exit`]).
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Stopped {
                checkpoint: Some(_),
                ..
            } => exit::STOPPED,
            Error::Stopped { signal, .. } => exit::stopped_without_checkpoint(*signal),
            _ => exit::BAD_INPUT,
        }
    }

    /// The line for stderr: `error: ...` for a failure, `life-tui: ...`
    /// for a stop that was asked for.
    pub fn line(&self) -> String {
        match self {
            Error::Stopped { .. } => format!("life-tui: {self}"),
            _ => format!("error: {self}"),
        }
    }
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
