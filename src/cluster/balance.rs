//! Moving rows from slow ranks to fast ones while a run goes on. Ranks
//! that step their strips in lock step all wait for the slowest; on
//! shared or mixed machines one core is often slower than another for
//! seconds at a time, so the strips follow the ranks' measured speeds.

use std::time::Duration;

use super::{Cluster, Decomposition};
use crate::engine::Strip;

/// Cell updates between two checks of the ranks' speeds: enough work
/// (tens of milliseconds) that timings are not noise, often enough to
/// follow a core that slows down for a second.
const CELLS_PER_CHECK: u64 = 1 << 30;

/// The least predicted saving, as a fraction of the time per generation,
/// that is worth moving rows for.
const WORTHWHILE_GAIN: f64 = 0.05;

/// The least compute time, on the busiest rank between two checks, for
/// which moving rows is considered at all.
const LEAST_WORK_TO_MOVE: Duration = Duration::from_millis(10);

/// When to check the ranks' speeds, and what was measured at the last
/// check.
#[derive(Debug)]
pub struct Balancer {
    /// Generations between checks; 0 when balancing is off.
    every: u64,
    /// This rank's compute time at the last check.
    compute_then: Duration,
    generation_then: u64,
    /// Every rank's cost per row at the last check, if the strips have not
    /// moved since.
    costs_then: Option<Vec<f64>>,
    /// Times the strips were moved.
    pub rebalances: u64,
}

impl Balancer {
    /// Balances a run of `cells` cells from `generation` on, unless
    /// `enabled` is false or there is a single rank.
    pub fn new(cluster: &Cluster, cells: u64, generation: u64, enabled: bool) -> Balancer {
        let every = if enabled && cluster.size() > 1 {
            (CELLS_PER_CHECK / cells.max(1)).clamp(8, 4096)
        } else {
            0
        };
        Balancer {
            every,
            compute_then: Duration::ZERO,
            generation_then: generation,
            costs_then: None,
            rebalances: 0,
        }
    }

    /// Generations from `generation` to the next check, if balancing.
    pub fn until_check(&self, generation: u64) -> Option<u64> {
        (self.every > 0).then(|| self.every - generation % self.every)
    }

    /// At a check (`generation` a multiple of the interval), compares the
    /// ranks' compute time per row since the last check and moves rows
    /// when that pays. `compute` is this rank's compute time so far.
    /// Collective at checks: every rank calls it at every batch's end.
    pub fn check(
        &mut self,
        cluster: &Cluster,
        strip: &mut Strip,
        decomp: &mut Decomposition,
        generation: u64,
        compute: Duration,
    ) {
        if self.every == 0 || !generation.is_multiple_of(self.every) {
            return;
        }
        let generations = generation - self.generation_then;
        let spent = compute.saturating_sub(self.compute_then);
        (self.compute_then, self.generation_then) = (compute, generation);
        let rows = strip.rows() as f64;
        let cost = spent.as_secs_f64() / (rows * generations as f64);
        let costs = cluster.all_gather_f64(cost);
        // Moving rows costs milliseconds (sending them, and the strips
        // start tracking activity again): not worth it when no rank
        // computed for long since the last check, as when most of the grid
        // is skipped. Every rank sees the same costs, so all agree.
        let busiest = costs
            .iter()
            .enumerate()
            .map(|(r, c)| c * decomp.rows_of(r).len() as f64 * generations as f64)
            .fold(0.0, f64::max);
        if busiest < LEAST_WORK_TO_MOVE.as_secs_f64() {
            self.costs_then = None;
            return;
        }
        // A core busy with something else for a moment is no reason to
        // move: only an imbalance seen at two checks in a row is, and the
        // rows then follow the costs of both.
        let worth = |costs: &[f64]| decomp.balanced(costs, strip.depth(), WORTHWHILE_GAIN);
        let Some(then) = self.costs_then.replace(costs.clone()) else {
            return;
        };
        if worth(&then).is_none() {
            return;
        }
        let both: Vec<f64> = costs
            .iter()
            .zip(&then)
            .map(|(a, b)| (a + b) / 2.0)
            .collect();
        if worth(&costs).is_some()
            && let Some(balanced) = worth(&both)
        {
            cluster.redistribute(strip, decomp, &balanced);
            *decomp = balanced;
            self.costs_then = None;
            self.rebalances += 1;
        }
    }
}
