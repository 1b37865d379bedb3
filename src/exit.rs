//! The exit statuses, one per way a run ends. The README ("Exit statuses")
//! and `--help` show this table; scripts and job schedulers act on it (a
//! requeue script resumes after [`STOPPED`], gives up after [`BAD_INPUT`]).

/// The run finished (or `--help`, `--version`, `--list-patterns`).
pub const OK: u8 = 0;
/// The live view lost its terminal: it could not draw (the terminal was
/// closed), or a signal restored it (mpirun's SIGCONT as it tears the job
/// down). The job is ended with MPI_Abort.
pub const LOST_TERMINAL: u8 = 1;
/// Bad input: an option, a pattern or checkpoint file, an output path, a
/// grid too big for memory. One `error: ...` line says which.
pub const BAD_INPUT: u8 = 2;
/// Stopped by SIGTERM, SIGUSR1 or SIGINT after writing `--checkpoint` at the
/// generation every rank agreed on: resume from it.
pub const STOPPED: u8 = 3;
/// A peer stopped answering for `--peer-timeout` seconds (a cut link, a
/// stopped or lost node): this rank gave up instead of waiting forever.
pub const LOST_PEER: u8 = 4;
/// A bug: a panic on any rank (`EX_SOFTWARE` of sysexits.h). The job is
/// ended with MPI_Abort, so mpirun exits with it too.
pub const INTERNAL: u8 = 70;

/// The status of a run stopped by `signal` without a checkpoint to show
/// for it: what a shell reports for a process that signal killed, so that
/// it never reads as [`STOPPED`] (nothing to resume from).
pub fn stopped_without_checkpoint(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}
