//! The signals that ask a headless run to stop early and keep its work:
//! SIGTERM (Slurm's time limit, `scancel`, mpirun passing one on), SIGUSR1
//! (Slurm's `--signal=USR1@N` warning) and SIGINT (Ctrl-C). A handler only
//! records which came; the ranks then agree on a generation to stop at
//! (see `headless::Stops`). The live view has its own handlers, which
//! restore the terminal (`tui::terminal`); these are never installed there.

use std::sync::atomic::{AtomicI32, Ordering};

/// The first stopping signal received, 0 for none.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// The signals a headless run stops on.
pub const STOPPING: [i32; 3] = [libc::SIGTERM, libc::SIGUSR1, libc::SIGINT];

/// Installs the handlers, once per process.
pub fn catch_stops() -> std::io::Result<()> {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        for signal in STOPPING {
            // SAFETY: the handler does an atomic compare-and-swap and, for a
            // second Ctrl-C, `_exit`: both async-signal-safe.
            let registered = unsafe {
                signal_hook::low_level::register(signal, move || {
                    let first = RECEIVED
                        .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok();
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

/// `SIGTERM` for 15 and so on (the signals a run stops on, else the number).
pub fn name(signal: i32) -> String {
    match signal {
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGUSR1 => "SIGUSR1".into(),
        libc::SIGINT => "SIGINT".into(),
        other => format!("signal {other}"),
    }
}
