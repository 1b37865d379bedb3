//! Everything that crosses between ranks. All MPI calls of the program live
//! in this module; the rest of the code sees plain Rust types.

mod balance;
pub mod bands;
pub mod decomp;
mod faults;
pub mod messages;
mod plane;
mod share;

pub use balance::Balancer;
pub use faults::{abort_on_panic, before_lost_peer_exit};

use faults::{Wait, finishing, test_stop_before_finalize, waiting};

use std::cell::RefCell;
use std::ops::Range;
use std::time::{Duration, Instant};

use mpi::collective::SystemOperation;
use mpi::datatype::PartitionMut;
use mpi::environment::Universe;
use mpi::point_to_point::Status;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

pub use bands::PlaneBands;

/// The MPI library's name and version, as it says them (callable before
/// MPI starts): "Open MPI v4.1.4" or "MPICH Version: 4.0.2".
pub fn library_version() -> String {
    let text = mpi::environment::library_version().unwrap_or_default();
    let first = text.lines().next().unwrap_or("an unknown MPI library");
    let words = first.split_whitespace().collect::<Vec<_>>().join(" ");
    words.split(", ").next().unwrap_or_default().to_string()
}
pub use decomp::{Decomposition, DecompositionError};

use crate::engine::{BitGrid, DeadSides, Edge, Halos, Rule, Strip};

/// Halo rows travelling up carry this tag, those travelling down the other,
/// so that with two ranks (where above and below are the same rank) the two
/// messages can never be confused.
const TAG_UP: i32 = 1;
const TAG_DOWN: i32 = 2;
/// Rows moving to another rank when the strips are rebalanced.
const TAG_MOVE: i32 = 3;

/// The MPI job as this rank sees it.
pub struct Cluster {
    // Dropping the universe finalizes MPI; it must outlive every use of
    // `world`. Taken when the cluster is dropped, inside a watched wait:
    // MPI_Finalize waits for every peer, and one behind a cut link would
    // hold this rank for ever (see `Wait::Finalize`).
    universe: Option<Universe>,
    world: SimpleCommunicator,
    /// How long a rank busy-polls for late halos before yielding its core:
    /// zero when this node runs more ranks than it has cores, where the
    /// rank being waited for cannot run until the waiter gives way.
    spin: Duration,
    /// The halo rows last sent to and received from each neighbour.
    halos: RefCell<HaloMemory>,
}

/// The halo rows a rank last sent whole to its neighbours and last
/// received whole from them. Rows that did not change since they were
/// last sent travel as an empty message: the receiver takes them from its
/// memory of the last ones. Both sides update their memories at every
/// exchange, so they always agree; rows of another length (another number
/// of generations, or another width) are sent whole.
#[derive(Default)]
struct HaloMemory {
    sent_up: Vec<u64>,
    sent_down: Vec<u64>,
    from_above: Vec<u64>,
    from_below: Vec<u64>,
    /// Messages sent empty and whole, for the statistics.
    unchanged_sent: u64,
    whole_sent: u64,
}

/// Where one generation's time went on this rank.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepTiming {
    /// Computing cells.
    pub compute: Duration,
    /// Waiting for halo rows that had not arrived when the interior was done.
    pub exchange: Duration,
}

impl std::ops::AddAssign for StepTiming {
    fn add_assign(&mut self, other: StepTiming) {
        self.compute += other.compute;
        self.exchange += other.exchange;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        test_stop_before_finalize(self.rank());
        let _finishing = finishing();
        drop(self.universe.take());
    }
}

impl Cluster {
    /// Joins the MPI job (or starts a one-rank job without mpirun).
    pub fn init() -> Cluster {
        let joining = faults::joining();
        let universe = mpi::initialize().expect("MPI is initialised once, here");
        let world = universe.world();
        // A collective too, so still joining.
        let ranks_here = world.split_shared(0).size() as usize;
        drop(joining);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let spin = if ranks_here > cores {
            Duration::ZERO
        } else {
            SPIN
        };
        Cluster {
            universe: Some(universe),
            world,
            spin,
            halos: RefCell::default(),
        }
    }

    pub fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    pub fn size(&self) -> usize {
        self.world.size() as usize
    }

    pub fn is_root(&self) -> bool {
        self.rank() == 0
    }

    /// Ends the whole job at once: for faults, where waiting peers would hang.
    pub fn abort(&self, code: i32) -> ! {
        self.world.abort(code)
    }

    pub fn barrier(&self) {
        let _waiting = waiting(Wait::Peers);
        self.world.barrier();
    }

    /// Exchanges `generations` halo rows with the neighbouring strips and
    /// steps that many generations (at most the strip's depth), computing
    /// the interior while the halos travel.
    pub fn advance(
        &self,
        strip: &mut Strip,
        decomp: &Decomposition,
        rule: &Rule,
        edge: Edge,
        generations: usize,
    ) -> StepTiming {
        let start = Instant::now();
        if self.size() == 1 {
            strip.advance_alone(rule, edge, generations);
            return StepTiming {
                compute: start.elapsed(),
                exchange: Duration::ZERO,
            };
        }
        let (above, below) = decomp.neighbours(self.rank(), edge);
        let dead = DeadSides {
            above: above.is_none(),
            below: below.is_none(),
        };
        let peer = |r: usize| self.world.process_at_rank(r as i32);
        let mut timing = StepTiming::default();
        let mut memory = self.halos.borrow_mut();
        let memory = &mut *memory;
        let exchange = |halos: Halos<'_>, compute_interior: &mut dyn FnMut()| {
            let Halos {
                first,
                last,
                above: halo_above,
                below: halo_below,
            } = halos;
            let same_up = memory.sent_up.as_slice() == first;
            let same_down = memory.sent_down.as_slice() == last;
            let up = if same_up { &first[..0] } else { first };
            let down = if same_down { &last[..0] } else { last };
            // Rows received from above and below, in words, once arrived.
            let mut received = [None; 2];
            mpi::request::scope(|scope| {
                let receive_above = above.map(|r| {
                    peer(r).immediate_receive_into_with_tag(scope, &mut *halo_above, TAG_DOWN)
                });
                let receive_below = below.map(|r| {
                    peer(r).immediate_receive_into_with_tag(scope, &mut *halo_below, TAG_UP)
                });
                let send_up = above.map(|r| peer(r).immediate_send_with_tag(scope, up, TAG_UP));
                let send_down =
                    below.map(|r| peer(r).immediate_send_with_tag(scope, down, TAG_DOWN));
                compute_interior();
                let _waiting = waiting(Wait::Halos);
                let waiting = Instant::now();
                let mut pending = [receive_above, receive_below, send_up, send_down];
                wait_politely(&mut pending, waiting, self.spin, |i, status| {
                    if let Some(words) = received.get_mut(i) {
                        *words = Some(status.count(u64::equivalent_datatype()));
                    }
                });
                timing.exchange = waiting.elapsed();
            });
            for (sent, same, rows, to) in [
                (&mut memory.sent_up, same_up, first, above),
                (&mut memory.sent_down, same_down, last, below),
            ] {
                if to.is_none() {
                    continue;
                }
                if same {
                    memory.unchanged_sent += 1;
                } else {
                    sent.clear();
                    sent.extend_from_slice(rows);
                    memory.whole_sent += 1;
                }
            }
            for (words, remembered, halo) in [
                (received[0], &mut memory.from_above, halo_above),
                (received[1], &mut memory.from_below, halo_below),
            ] {
                match words {
                    Some(0) => {
                        assert_eq!(
                            remembered.len(),
                            halo.len(),
                            "unchanged halo rows of another size"
                        );
                        halo.copy_from_slice(remembered);
                    }
                    Some(_) => {
                        remembered.clear();
                        remembered.extend_from_slice(halo);
                    }
                    None => {}
                }
            }
        };
        strip.advance(rule, edge, generations, dead, exchange);
        timing.compute = start.elapsed() - timing.exchange;
        timing
    }

    /// Halo messages this rank sent as "unchanged" (empty) and whole.
    pub fn halo_messages(&self) -> (u64, u64) {
        let memory = self.halos.borrow();
        (memory.unchanged_sent, memory.whole_sent)
    }

    /// [`Cluster::advance`] by one generation.
    pub fn step(
        &self,
        strip: &mut Strip,
        decomp: &Decomposition,
        rule: &Rule,
        edge: Edge,
    ) -> StepTiming {
        self.advance(strip, decomp, rule, edge, 1)
    }

    /// Element-wise sums over all ranks, known on every rank (wrapping,
    /// mod 2^64), in one all-reduce.
    pub fn sums<const N: usize>(&self, values: [u64; N]) -> [u64; N] {
        let _waiting = waiting(Wait::Peers);
        let mut totals = [0u64; N];
        self.world
            .all_reduce_into(&values[..], &mut totals[..], SystemOperation::sum());
        totals
    }

    /// Element-wise maxima over all ranks, known on every rank, in one
    /// all-reduce.
    pub fn maxes<const N: usize>(&self, values: [u64; N]) -> [u64; N] {
        let _waiting = waiting(Wait::Peers);
        let mut largest = [0u64; N];
        self.world
            .all_reduce_into(&values[..], &mut largest[..], SystemOperation::max());
        largest
    }

    /// The largest value over all ranks, known on every rank.
    pub fn max(&self, value: f64) -> f64 {
        let _waiting = waiting(Wait::Peers);
        let mut largest = 0f64;
        self.world
            .all_reduce_into(&value, &mut largest, SystemOperation::max());
        largest
    }

    /// Every rank's value, on every rank.
    pub fn all_gather_f64(&self, value: f64) -> Vec<f64> {
        let _waiting = waiting(Wait::Peers);
        let mut all = vec![0f64; self.size()];
        self.world.all_gather_into(&value, &mut all[..]);
        all
    }

    /// Moves rows between ranks so that `strip`, this rank's strip under
    /// decomposition `from`, becomes its strip under `to`: rows it keeps
    /// stay (shifted in place), the others come from their old owners,
    /// while this rank sends its rows that others now own. Only the rows
    /// that arrive need memory of their own. Collective: every rank calls
    /// it with the same two.
    pub fn redistribute(&self, strip: &mut Strip, from: &Decomposition, to: &Decomposition) {
        let rank = self.rank();
        let (before, after) = (from.rows_of(rank), to.rows_of(rank));
        let words = strip.words_per_row();
        let overlap = |a: &Range<usize>, b: &Range<usize>| a.start.max(b.start)..a.end.min(b.end);
        let peers: Vec<usize> = (0..self.size()).filter(|&q| q != rank).collect();
        let incoming: Vec<Range<usize>> = peers
            .iter()
            .map(|&q| overlap(&from.rows_of(q), &after))
            .collect();
        let arriving: usize = incoming.iter().map(|r| r.len()).sum();
        let mut arrived = vec![0u64; arriving * words];
        mpi::request::scope(|scope| {
            let mut pending = Vec::new();
            let mut unfilled = &mut arrived[..];
            for (&q, rows) in peers.iter().zip(&incoming) {
                if rows.is_empty() {
                    continue;
                }
                let (into, rest) = std::mem::take(&mut unfilled).split_at_mut(rows.len() * words);
                unfilled = rest;
                let peer = self.world.process_at_rank(q as i32);
                pending.push(Some(
                    peer.immediate_receive_into_with_tag(scope, into, TAG_MOVE),
                ));
            }
            let own = strip.own_words();
            for &q in &peers {
                let outgoing = overlap(&before, &to.rows_of(q));
                if outgoing.is_empty() {
                    continue;
                }
                let rows = outgoing.start - before.start..outgoing.end - before.start;
                let part = &own[rows.start * words..rows.end * words];
                let peer = self.world.process_at_rank(q as i32);
                pending.push(Some(peer.immediate_send_with_tag(scope, part, TAG_MOVE)));
            }
            let _waiting = waiting(Wait::Rows);
            wait_politely(&mut pending, Instant::now(), self.spin, |_, _| {});
        });
        let kept = overlap(&before, &after);
        if kept.is_empty() {
            strip.resize_rows(after.len(), 0..0, 0);
        } else {
            let here = kept.start - before.start..kept.end - before.start;
            strip.resize_rows(after.len(), here, kept.start - after.start);
        }
        let mut arrived = arrived.chunks_exact(words);
        for rows in incoming {
            for y in rows {
                let row = arrived.next().expect("as many rows as arrived");
                strip.row_mut(y - after.start).copy_from_slice(row);
            }
        }
        strip.restart_tracking();
    }

    /// Broadcasts `message` from rank 0 with a non-blocking broadcast,
    /// polled with `test()` and naps growing up to `max_nap`, so that ranks
    /// waiting here for rank 0 sleep instead of spinning. Not watched (see
    /// [`Cluster::watch_peers`]): the live view's ranks wait here for as
    /// long as its user keeps it paused.
    pub fn broadcast_polled<T: Equivalence>(&self, message: &mut T, max_nap: Duration) {
        let root = self.world.process_at_rank(0);
        mpi::request::scope(|scope| {
            let mut request = root.immediate_broadcast_into(scope, message);
            let mut nap = Duration::from_micros(20);
            loop {
                match request.test() {
                    Ok(_) => break,
                    Err(pending) => request = pending,
                }
                std::thread::sleep(nap);
                nap = (nap * 2).min(max_nap);
            }
        });
    }

    /// Every rank's value, on the root only.
    pub fn gather<T: Equivalence + Default + Clone>(&self, value: &T) -> Option<Vec<T>> {
        let _waiting = waiting(Wait::Peers);
        let root = self.world.process_at_rank(0);
        if self.is_root() {
            let mut all = vec![T::default(); self.size()];
            root.gather_into_root(value, &mut all[..]);
            Some(all)
        } else {
            root.gather_into(value);
            None
        }
    }

    /// The whole grid, assembled on the root from every rank's strip.
    pub fn gather_grid(&self, strip: &Strip, decomp: &Decomposition) -> Option<BitGrid> {
        let words = strip.words_per_row();
        let counts = self.is_root().then(|| {
            (0..self.size())
                .map(|r| decomp.rows_of(r).len() * words)
                .collect::<Vec<_>>()
        });
        let all = self.gather_varcount(strip.own_words(), counts.as_deref())?;
        Some(BitGrid::from_words(strip.width(), decomp.height(), all))
    }

    /// Every rank's `mine`, concatenated in rank order on the root, where
    /// `counts` (given there only) holds each rank's length. Blocking.
    pub fn gather_varcount<T>(&self, mine: &[T], counts: Option<&[usize]>) -> Option<Vec<T>>
    where
        T: Equivalence + Default + Clone,
    {
        let _waiting = waiting(Wait::Peers);
        let root = self.world.process_at_rank(0);
        let Some(counts) = counts else {
            root.gather_varcount_into(mine);
            return None;
        };
        let counts: Vec<i32> = counts.iter().map(|&n| count_i32(n)).collect();
        let displacements = displacements(&counts);
        let total = counts.iter().map(|&n| n as usize).sum();
        let mut all = vec![T::default(); total];
        {
            let mut partition = PartitionMut::new(&mut all[..], counts, &displacements[..]);
            root.gather_varcount_into_root(mine, &mut partition);
        }
        Some(all)
    }
}

/// How long a rank polls flat out for halos before it starts yielding its
/// core (unless oversubscribed), and when it starts sleeping between polls.
const SPIN: Duration = Duration::from_micros(50);
const YIELD: Duration = Duration::from_micros(500);
const NAP: Duration = Duration::from_micros(20);

/// Waits until every request has completed. A halo that is late is late
/// because its sender is not running: on a machine with more runnable
/// processes than cores (more ranks than cores, or other work), a waiting
/// rank that busy-polls (as `MPI_Wait` does) burns the time slice the
/// sender needs. So: poll for `spin` (halos due any moment arrive with no
/// added latency), then poll while yielding the core, then nap between
/// polls.
/// `done` gets each request's index and status as it completes.
fn wait_politely<'a, S: mpi::request::Scope<'a>>(
    pending: &mut [Option<mpi::request::Request<'a, [u64], S>>],
    since: Instant,
    spin: Duration,
    mut done: impl FnMut(usize, Status),
) {
    loop {
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(request) = slot.take() {
                match request.test() {
                    Ok(status) => done(i, status),
                    Err(request) => *slot = Some(request),
                }
            }
        }
        if pending.iter().all(Option::is_none) {
            return;
        }
        pause(since, spin);
    }
}

/// One wait between polls, `since` the wait began: spin, then yield the
/// core, then nap (see [`wait_politely`]).
fn pause(since: Instant, spin: Duration) {
    let waited = since.elapsed();
    if waited < spin {
        std::hint::spin_loop();
    } else if waited < YIELD {
        std::thread::yield_now();
    } else {
        std::thread::sleep(NAP);
    }
}

/// Where each part starts in a buffer of parts of `counts` elements.
fn displacements(counts: &[i32]) -> Vec<i32> {
    counts
        .iter()
        .scan(0i32, |at, &n| {
            let here = *at;
            *at += n;
            Some(here)
        })
        .collect()
}

fn count_i32(n: usize) -> i32 {
    i32::try_from(n).expect("grid too large to gather in one MPI message")
}
