//! Ending the job cleanly when something goes wrong on one rank.

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use super::Cluster;

impl Cluster {
    /// True on every rank when `ok` is true on every rank: lets one rank's
    /// failed check (a path, memory) stop all ranks at the same point.
    pub fn all_ok(&self, ok: bool) -> bool {
        let mut all = 0u8;
        self.world
            .all_reduce_into(&u8::from(ok), &mut all, SystemOperation::min());
        all == 1
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
            SimpleCommunicator::world().abort(101);
        }
    }));
}
