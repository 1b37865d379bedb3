//! Ending the job cleanly when something goes wrong on one rank: a panic
//! (MPI_Abort), and a peer that stops answering (the watchdog).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use super::Cluster;
use crate::exit;

impl Cluster {
    /// True on every rank when `ok` is true on every rank: lets one rank's
    /// failed check (a path, memory) stop all ranks at the same point.
    pub fn all_ok(&self, ok: bool) -> bool {
        let _waiting = waiting(Wait::Peers);
        let mut all = 0u8;
        self.world
            .all_reduce_into(&u8::from(ok), &mut all, SystemOperation::min());
        all == 1
    }

    /// [`Cluster::all_ok`] right after rank 0 wrote a file (a checkpoint,
    /// the output), which the others wait for: writing a big grid to a
    /// slow disk may take longer than a peer may keep silent.
    pub fn all_ok_after_write(&self, ok: bool) -> bool {
        let _waiting = waiting(Wait::RootFiles);
        self.all_ok(ok)
    }

    /// Starts this rank's watchdog: from now on a wait for peers (halo
    /// rows, a reduction, a gather) that lasts longer than `timeout` ends
    /// this process with [`exit::LOST_PEER`] and one line on stderr. MPI
    /// has no timeout of its own, and a peer behind a cut link or
    /// SIGSTOPped is not dead to the launcher, so without this the ranks
    /// would wait for it forever. Waits for rank 0's orders in the live
    /// view ([`Cluster::broadcast_polled`]) are never timed: a paused view
    /// waits as long as its user likes.
    pub fn watch_peers(&self, timeout: Duration) {
        if self.size() == 1 {
            return;
        }
        let rank = self.rank();
        // A thread, because a rank may be stuck inside a blocking MPI call.
        // It makes no MPI call itself (the library is single-threaded).
        let spawned = std::thread::Builder::new()
            .name("peer-watchdog".into())
            .spawn(move || watchdog(rank, timeout));
        if let Err(err) = spawned {
            eprintln!(
                "life-tui: rank {rank}: no peer watchdog ({err}); a lost peer may hang this rank"
            );
        }
    }
}

/// Set once this rank has joined the MPI job (`MPI_Init` returned).
static JOINED: AtomicBool = AtomicBool::new(false);

/// Marks the wait inside `MPI_Init` until dropped. A stopping signal that
/// comes then is from a launcher tearing down a job that lost a rank while
/// starting (the rank count is not known yet, so [`watchdog`] cannot run):
/// when `MPI_Init` has not returned [`STOP_PATIENCE`] after it, the rank
/// ends as the signal would have. Nothing has run, so nothing is lost;
/// without this the rank waits in `MPI_Init` for the dead one until
/// SIGKILL, `KillWait` seconds later.
pub(super) struct Joining;

pub(super) fn joining() -> Joining {
    let spawned = std::thread::Builder::new()
        .name("join-watch".into())
        .spawn(|| {
            let mut signalled_at = None;
            while !JOINED.load(Ordering::SeqCst) {
                std::thread::sleep(WATCH_EVERY / 8);
                let Some(signal) = crate::signals::received() else {
                    continue;
                };
                let at = *signalled_at.get_or_insert_with(Instant::now);
                if at.elapsed() > STOP_PATIENCE && !JOINED.load(Ordering::SeqCst) {
                    let status = exit::stopped_without_checkpoint(signal);
                    end_now(
                        &format!(
                            "life-tui: asked to stop by {} while joining the MPI job, which has not answered for {} ms: ending with status {status}",
                            crate::signals::name(signal),
                            at.elapsed().as_millis(),
                        ),
                        status,
                    );
                }
            }
        });
    // Without the thread a signal while joining waits for SIGKILL, as it
    // would with the signal's default action ignored: not worth failing for.
    drop(spawned);
    Joining
}

impl Drop for Joining {
    fn drop(&mut self) {
        JOINED.store(true, Ordering::SeqCst);
    }
}

/// What a rank waits for; rank 0's file work gets more patience.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(super) enum Wait {
    /// Halo rows or edge cells from the neighbours.
    Halos = 1,
    /// Rows moving between ranks to balance the work.
    Rows = 2,
    /// A collective: every other rank must join it.
    Peers = 3,
    /// Rank 0 reading an input or writing a checkpoint or the output.
    RootFiles = 4,
    /// MPI_Finalize, which waits for every peer: the run's results are
    /// all written by then.
    Finalize = 5,
}

/// The hidden, test-only switch that stops one rank (SIGSTOP, as a frozen
/// or cut-off node looks) just before MPI_Finalize, to test that its
/// peers do not wait for it for ever: `LIFE_TUI_TEST_STOP_BEFORE_FINALIZE=<rank>`.
const TEST_STOP_BEFORE_FINALIZE_VAR: &str = "LIFE_TUI_TEST_STOP_BEFORE_FINALIZE";

/// Set when MPI_Finalize begins after a stopping signal was already
/// handled (a run stopped at an agreed generation): that signal is not a
/// launcher tearing the job down.
static SIGNALLED_BEFORE_FINALIZE: AtomicBool = AtomicBool::new(false);

/// Marks the wait inside MPI_Finalize until dropped.
pub(super) fn finishing() -> Waiting {
    SIGNALLED_BEFORE_FINALIZE.store(crate::signals::received().is_some(), Ordering::SeqCst);
    waiting(Wait::Finalize)
}

/// Stops this process if the test-only switch names `rank`.
pub(super) fn test_stop_before_finalize(rank: usize) {
    let named = std::env::var(TEST_STOP_BEFORE_FINALIZE_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok());
    if named == Some(rank) {
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::STOP);
    }
}

/// How many timeouts a wait for rank 0's files may last.
const ROOT_FILES_PATIENCE: u32 = 6;

/// How often the watchdog looks.
const WATCH_EVERY: Duration = Duration::from_millis(200);

/// How long a rank that got a stopping signal while its peers were
/// already silent (see [`TEARDOWN_SILENCE`]) waits for them to agree on
/// the stop. Such a signal came from a launcher tearing the job down after
/// a peer was lost (Slurm's SIGTERM to the rest of a step that lost a
/// rank, mpirun's daemon behind a cut link, which may never follow with
/// SIGKILL): then end soon, as the signal's default action would have.
/// Short, for Slurm's kill -9 target (the job gone within 1 s).
const STOP_PATIENCE: Duration = Duration::from_millis(400);

/// The least time a rank gives its peers after the signal, when they were
/// already silent: peers silent before the signal count towards
/// [`STOP_PATIENCE`] (Slurm signals the rest of a step some 0.3 s after
/// one of its ranks died, and they have waited since), but peers that got
/// the same signal still get this long to agree.
const STOP_GRACE: Duration = Duration::from_millis(150);

/// Peers silent this long when the signal came mean a teardown. The
/// ranks look at each other every 50 ms or so, and Slurm's SIGTERM comes
/// some 0.3 s after a rank died, by when every rank has waited most of
/// that time.
const TEARDOWN_SILENCE: Duration = Duration::from_millis(150);

/// How long peers may be silent when they were answering as the signal
/// came (silent for less than [`TEARDOWN_SILENCE`]): they and got it too (a time limit, a
/// `scancel`), so they are on their way to the agreed stop. On a node
/// running more ranks than cores a halo can take hundreds of ms: 400 ms
/// here lost the checkpoint of a job that every rank was stopping.
/// Slurm's SIGKILL comes KillWait (30 s by default) after its SIGTERM.
const STOP_PATIENCE_AFTER_SIGNAL: Duration = Duration::from_secs(3);

/// When the current wait began, in [`crate::signals::monotonic_ms`];
/// 0 while not waiting.
static WAITING_SINCE: AtomicU64 = AtomicU64::new(0);
static WAITING_FOR: AtomicU8 = AtomicU8::new(0);
/// Run before a lost peer ends the process (the live view restores the
/// terminal there).
static BEFORE_EXIT: OnceLock<fn()> = OnceLock::new();

/// Has `hook` run before the watchdog ends the process.
pub fn before_lost_peer_exit(hook: fn()) {
    let _ = BEFORE_EXIT.set(hook);
}

fn now_ms() -> u64 {
    crate::signals::monotonic_ms()
}

/// Marks a wait for peers until dropped. Waits nest (a collective inside
/// a wait for rank 0's files): the outer one says what is waited for.
pub(super) struct Waiting {
    outer: bool,
}

pub(super) fn waiting(what: Wait) -> Waiting {
    let outer = WAITING_SINCE
        .compare_exchange(0, now_ms(), Ordering::SeqCst, Ordering::SeqCst)
        .is_ok();
    if outer {
        WAITING_FOR.store(what as u8, Ordering::SeqCst);
    }
    Waiting { outer }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if self.outer {
            WAITING_SINCE.store(0, Ordering::SeqCst);
        }
    }
}

/// How long this process was stopped during a nap of `nap` (meant to be
/// [`WATCH_EVERY`]), when the nap was far too long to be only a late wake-up.
fn stopped_for(nap: Duration) -> Option<Duration> {
    (nap > WATCH_EVERY * 10).then(|| nap - WATCH_EVERY)
}

fn watchdog(rank: usize, timeout: Duration) {
    let mut looked = Instant::now();
    let mut signalled: Option<(i32, u64)> = None;
    loop {
        std::thread::sleep(if crate::signals::received().is_some() {
            WATCH_EVERY / 4
        } else {
            WATCH_EVERY
        });
        // A nap far longer than asked means this process itself was
        // stopped (SIGSTOP, a frozen VM, an overloaded machine): its peers
        // are not to blame for that time, so the wait is moved on by it.
        // Only by it: restarting the whole wait instead let a rank on an
        // overloaded machine, stalled a few seconds now and then, wait for
        // a lost peer for ever.
        let nap = looked.elapsed();
        looked = Instant::now();
        if signalled.is_none() {
            signalled = crate::signals::received().zip(crate::signals::received_at_ms());
        }
        let since = WAITING_SINCE.load(Ordering::SeqCst);
        if since == 0 {
            continue;
        }
        if let Some(stopped) = stopped_for(nap) {
            let moved = (since + stopped.as_millis() as u64).min(now_ms());
            let _ =
                WAITING_SINCE.compare_exchange(since, moved, Ordering::SeqCst, Ordering::SeqCst);
            continue;
        }
        let what = WAITING_FOR.load(Ordering::SeqCst);
        let waited = Duration::from_millis(now_ms().saturating_sub(since));
        // Finishing, everything written: a launcher tearing the job down
        // (a peer failed) is obeyed at once and quietly, as the signal's
        // default action would have been; peers silent past the timeout
        // (a cut link) are left behind, saying so.
        if what == Wait::Finalize as u8 && WAITING_SINCE.load(Ordering::SeqCst) == since {
            if let Some((signal, _)) = signalled
                && !SIGNALLED_BEFORE_FINALIZE.load(Ordering::SeqCst)
            {
                end_quietly(exit::stopped_without_checkpoint(signal));
            }
            if waited > timeout {
                end_now(
                    &format!(
                        "life-tui: rank {rank}: its results are complete, but its peers did not finish with it (MPI_Finalize) within {} s (--peer-timeout): a peer was lost; ending with status {}",
                        timeout.as_secs(),
                        exit::LOST_PEER
                    ),
                    exit::LOST_PEER,
                );
            }
            continue;
        }
        // Asked to stop (Slurm ending the step, a time limit, Ctrl-C) and
        // the peers have not answered for a while: a stop at an agreed
        // generation cannot happen, and SIGKILL follows KillWait seconds
        // later. Slurm ends a step that lost a rank with SIGTERM to the
        // others, which wait for the dead one: end now, as the signal
        // would have without the checkpoint handler.
        if let Some((signal, at)) = signalled
            && what != Wait::RootFiles as u8
            && given_up_on_stop(signal, since, at, now_ms())
            && WAITING_SINCE.load(Ordering::SeqCst) == since
        {
            let status = exit::stopped_without_checkpoint(signal);
            end_now(
                &format!(
                    "life-tui: rank {rank}: asked to stop by {}, but its peers have not answered for {} ms: no checkpoint; ending with status {status}",
                    crate::signals::name(signal),
                    waited.as_millis(),
                ),
                status,
            );
        }
        let limit = if what == Wait::RootFiles as u8 {
            timeout * ROOT_FILES_PATIENCE
        } else {
            timeout
        };
        if waited <= limit || WAITING_SINCE.load(Ordering::SeqCst) != since {
            continue;
        }
        let waiting_for = match what {
            w if w == Wait::Halos as u8 => "halo rows from its neighbours",
            w if w == Wait::Rows as u8 => "rows moving between ranks",
            w if w == Wait::RootFiles as u8 => "rank 0 to read or write a file",
            _ => "the other ranks",
        };
        end_now(
            &format!(
                "life-tui: rank {rank} lost a peer: no answer for {} s while waiting for {waiting_for} (--peer-timeout {}); ending with status {}",
                waited.as_secs(),
                timeout.as_secs(),
                exit::LOST_PEER
            ),
            exit::LOST_PEER,
        );
    }
}

/// Ends this process at once with `status`, after the exit hook (the live
/// view's terminal) and `line` on stderr. One write, so that the lines of
/// several ranks do not interleave. No MPI_Finalize or MPI_Abort: both
/// need the peers, or the launcher behind the same cut link, and could
/// hang; the launcher sees this rank end and takes the rest of the job down.
fn end_now(line: &str, status: u8) -> ! {
    if let Some(hook) = BEFORE_EXIT.get() {
        hook();
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
    signal_hook::low_level::exit(i32::from(status))
}

/// [`end_now`] without a line, as a signal's default action would end it.
fn end_quietly(status: u8) -> ! {
    if let Some(hook) = BEFORE_EXIT.get() {
        hook();
    }
    signal_hook::low_level::exit(i32::from(status))
}

/// Whether a rank asked to stop by `signal` at `signalled`, waiting for
/// its peers since `since` (both in [`now_ms`] units, like `now`), gives
/// up on an agreed stop.
fn given_up_on_stop(signal: i32, since: u64, signalled: u64, now: u64) -> bool {
    if !crate::signals::may_be_a_teardown(signal) {
        return false;
    }
    let ms = |d: Duration| d.as_millis() as u64;
    let silent = now.saturating_sub(since);
    if signalled.saturating_sub(since) >= ms(TEARDOWN_SILENCE) {
        silent > ms(STOP_PATIENCE) && now.saturating_sub(signalled) > ms(STOP_GRACE)
    } else {
        silent > ms(STOP_PATIENCE_AFTER_SIGNAL)
    }
}

/// Makes a panic on any rank end the whole job: the default hook prints the
/// message (and whatever hooks were installed before this one run), then
/// MPI_Abort takes every rank down. Without it, the ranks still waiting for
/// the dead one would hang forever.
pub fn abort_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        if mpi::environment::is_initialized() && !mpi::environment::is_finalized() {
            SimpleCommunicator::world().abort(i32::from(exit::INTERNAL));
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_is_given_up_after_the_patience_and_never_before_the_grace() {
        let ms = |d: Duration| d.as_millis() as u64;
        let (patience, grace) = (ms(STOP_PATIENCE), ms(STOP_GRACE));
        let (teardown, after) = (ms(TEARDOWN_SILENCE), ms(STOP_PATIENCE_AFTER_SIGNAL));
        let term = libc::SIGTERM;
        // Peers silent long enough when the signal came (a launcher's
        // teardown): the patience counts from the wait's start...
        let signalled = 1000 + teardown;
        assert!(!given_up_on_stop(term, 1000, signalled, 1000 + patience));
        assert!(given_up_on_stop(term, 1000, signalled, 1001 + patience));
        // ...but never less than the grace after the signal.
        let signalled = 1000 + patience;
        assert!(!given_up_on_stop(term, 1000, signalled, signalled + grace));
        assert!(given_up_on_stop(
            term,
            1000,
            signalled,
            signalled + grace + 1
        ));
        // Peers answering when it came, or silent only briefly (a slow
        // halo on a busy node): the longer patience, from the wait's start.
        for since in [5000, 1000, 1000 - teardown + 1] {
            assert!(!given_up_on_stop(term, since, 1000, since + after));
            assert!(given_up_on_stop(term, since, 1000, since + after + 1));
        }
        // SIGUSR1 is a warning, never a teardown: only --peer-timeout.
        assert!(!given_up_on_stop(libc::SIGUSR1, 1000, 2000, 1_000_000));
    }

    #[test]
    fn a_late_wake_up_is_not_a_stop_and_a_long_nap_counts_only_its_excess() {
        assert_eq!(stopped_for(WATCH_EVERY), None);
        assert_eq!(stopped_for(WATCH_EVERY * 10), None);
        assert_eq!(
            stopped_for(Duration::from_secs(5)),
            Some(Duration::from_secs(5) - WATCH_EVERY)
        );
    }
}
