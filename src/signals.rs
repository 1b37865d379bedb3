//! The signals that ask a headless run to stop early and keep its work:
//! SIGTERM (Slurm's time limit, `scancel`, mpirun passing one on), SIGUSR1
//! (Slurm's `--signal=USR1@N` warning) and SIGINT (Ctrl-C). A handler only
//! records which came; the ranks then agree on a generation to stop at
//! (see `headless::Stops`). The live view has its own handlers, which
//! restore the terminal (`tui::terminal`); these are never installed there.

use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

/// The first stopping signal received, 0 for none.
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// When it came, in [`monotonic_ms`]: the handler's own time, not when a
/// thread next looked, since whether the ranks were already waiting for
/// their peers when it came tells a launcher's teardown from a stop.
static RECEIVED_AT: AtomicU64 = AtomicU64::new(0);

/// The signals a headless run stops on.
pub const STOPPING: [i32; 3] = [libc::SIGTERM, libc::SIGUSR1, libc::SIGINT];

/// Installs the handlers, once per process.
pub fn catch_stops() -> std::io::Result<()> {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        for signal in STOPPING {
            // SAFETY: the handler does atomic operations, `clock_gettime`
            // and, for a second Ctrl-C, `_exit`: all async-signal-safe.
            let registered = unsafe {
                signal_hook::low_level::register(signal, move || {
                    let first = RECEIVED
                        .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok();
                    if first {
                        RECEIVED_AT.store(monotonic_ms(), Ordering::SeqCst);
                    }
                    // A second Ctrl-C means "now". A second SIGTERM does not:
                    // under Slurm both srun and slurmstepd may pass one on,
                    // and the checkpoint must not be lost to the echo.
                    if !first && signal == libc::SIGINT {
                        signal_hook::low_level::exit(128 + signal);
                    }
                })
            };
            if let Err(err) = registered {
                result = Err(err);
                return;
            }
        }
    });
    result
}

/// The stopping signal this process received, if any.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// When [`received`]'s signal came, in [`monotonic_ms`].
pub fn received_at_ms() -> Option<u64> {
    received().map(|_| RECEIVED_AT.load(Ordering::SeqCst))
}

/// Milliseconds of the monotonic clock (since boot, never 0 in practice),
/// read in a way a signal handler may use.
pub fn monotonic_ms() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes only the timespec it is given, and is
    // async-signal-safe (POSIX), so the handler above may call it too.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now.tv_sec as u64 * 1000 + now.tv_nsec as u64 / 1_000_000 + 1
}

/// Whether launchers and schedulers end jobs with `signal`: Slurm ends a
/// step that lost a rank with SIGTERM, mpirun passes SIGTERM and SIGINT
/// on. SIGUSR1 is only ever a warning (`--signal=USR1@N`, or a user).
pub fn may_be_a_teardown(signal: i32) -> bool {
    signal != libc::SIGUSR1
}

/// `SIGTERM` for 15 and so on (the signals a run stops on, else the number).
pub fn name(signal: i32) -> String {
    match signal {
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGUSR1 => "SIGUSR1".into(),
        libc::SIGINT => "SIGINT".into(),
        other => format!("signal {other}"),
    }
}
