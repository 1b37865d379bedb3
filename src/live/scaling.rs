//! Live strong scaling (keys `1`-`9` in the live view): the grid's rows go
//! to the first k ranks, so the audience sees what each rank adds. The
//! other ranks keep one row each, the least a strip holds (the halo chain
//! runs through every rank), which costs them next to nothing.
//!
//! Rows move with the rebalancer's machinery (`Cluster::redistribute`):
//! every rank computes the same [`concentrated`] decomposition from the
//! control message, sends the rows it no longer owns and receives the
//! ones it now does. The grid itself never changes.

use super::rewind::Rewind;
use super::{LocalRanks, RankState};
use crate::cluster::{Cluster, Decomposition};
use crate::engine::Strip;

/// `height` rows over `ranks` ranks with the first `active` doing the work:
/// those share the rows evenly, the others hold one row each.
pub fn concentrated(height: usize, ranks: usize, active: usize) -> Decomposition {
    let active = active.clamp(1, ranks);
    let idle = ranks - active;
    let rows = height.saturating_sub(idle).max(active);
    let (base, extra) = (rows / active, rows % active);
    let sizes: Vec<usize> = (0..ranks)
        .map(|r| {
            if r < active {
                base + usize::from(r < extra)
            } else {
                1
            }
        })
        .collect();
    Decomposition::with_sizes(&sizes)
}

/// How many ranks do the work in `decomp`: those holding more than one row
/// (all of them when the strips are even).
pub fn active_ranks(decomp: &Decomposition) -> usize {
    let ranks = decomp.ranks();
    let working = (0..ranks).filter(|&r| decomp.rows_of(r).len() > 1).count();
    if working == 0 { ranks } else { working }
}

/// Moves this rank's rows to the decomposition with `active` working
/// ranks. Collective: every rank calls it in the same round.
pub fn concentrate(cluster: &Cluster, state: &mut RankState, active: usize) {
    let to = concentrated(state.config.height, state.decomp.ranks(), active);
    if to == state.decomp {
        return;
    }
    cluster.redistribute(&mut state.strip, &state.decomp, &to);
    state.rewind = Rewind::new(Rewind::depth_for(state.config.width, &to));
    state.decomp = to;
}

impl LocalRanks {
    /// [`concentrate`] for the in-process ranks.
    pub fn concentrate(&mut self, active: usize) {
        let grid = self.grid();
        let first = &self.states[0];
        let to = concentrated(first.config.height, first.decomp.ranks(), active);
        let width = first.config.width;
        for state in &mut self.states {
            let rows = to.rows_of(state.rank);
            let mut strip = Strip::with_room(width, rows.len(), 1, rows.len());
            strip.fill_rows(|y, row| row.copy_from_slice(grid.row(rows.start + y)));
            state.strip = strip;
            state.decomp = to.clone();
            state.rewind = Rewind::new(Rewind::depth_for(width, &to));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_go_to_the_first_ranks() {
        let d = concentrated(120, 4, 1);
        assert_eq!(d.rows_of(0), 0..117);
        assert_eq!(d.rows_of(3), 119..120);
        assert_eq!(active_ranks(&d), 1);
        let d = concentrated(120, 4, 2);
        assert_eq!((d.rows_of(0).len(), d.rows_of(1).len()), (59, 59));
        assert_eq!(active_ranks(&d), 2);
        assert_eq!(concentrated(120, 4, 4), Decomposition::new(120, 4).unwrap());
        assert_eq!(concentrated(120, 4, 9), Decomposition::new(120, 4).unwrap());
        assert_eq!(active_ranks(&Decomposition::new(4, 4).unwrap()), 4);
    }
}
