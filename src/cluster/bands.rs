//! How the unbounded plane's tile rows are split among ranks: bands of
//! tile rows, the first open upwards and the last downwards. Pure
//! arithmetic, no MPI.

use std::collections::BTreeMap;

use std::ops::Range;

use crate::engine::plane::{self, Band, CellRun};

/// Generations between looks at whether the bands' work is even.
pub const BALANCE_EVERY: u64 = 128;

/// The busiest band's work over the mean at which edges move.
const IMBALANCE: f64 = 1.25;

/// Tiles stepped (all bands) since the last look below which moving edges
/// cannot pay for itself: everything steps twice after a move.
const WORTH_MOVING: u64 = 4096;

/// Bands in rank order: `edges[r]..edges[r + 1]` is rank `r`'s, the first
/// edge `i64::MIN` and the last `i64::MAX`; each band at least one tile
/// row, so that every rank's neighbours hold the rows next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaneBands {
    edges: Vec<i64>,
}

impl PlaneBands {
    /// Bands over `ranks` that share `work` (per tile row, e.g. its live
    /// tiles) as evenly as whole rows allow.
    pub fn balanced(work: &BTreeMap<i64, u64>, ranks: usize) -> PlaneBands {
        assert!(ranks > 0, "at least one rank");
        let total: u64 = work.values().sum();
        let mut edges = vec![i64::MIN];
        let mut rows = work.iter().peekable();
        let mut before = 0u64;
        let mut last = work.keys().next().copied().unwrap_or(0);
        for k in 1..ranks {
            // Cut where the work above comes nearest k/ranks of the total:
            // a row joins the band above if most of it fits under the target.
            let target = total as u128 * k as u128;
            while let Some(&(&row, &w)) = rows.peek() {
                let mid = (2 * before as u128 + w as u128) * ranks as u128;
                if total > 0 && mid >= 2 * target {
                    break;
                }
                before += w;
                last = row + 1;
                rows.next();
            }
            let floor = edges.last().map_or(i64::MIN, |&e| e.saturating_add(1));
            let edge = if total == 0 {
                last + k as i64 - 1
            } else {
                last
            };
            edges.push(edge.max(floor));
        }
        edges.push(i64::MAX);
        PlaneBands { edges }
    }

    /// The first bands of a run: they share the live cells (the balancer
    /// then follows the work).
    pub fn for_cells(cells: &[CellRun], ranks: usize) -> PlaneBands {
        let mut cells_per_row = BTreeMap::new();
        for run in cells {
            *cells_per_row.entry(plane::row_tile(run.y)).or_insert(0) += run.len;
        }
        PlaneBands::balanced(&cells_per_row, ranks)
    }

    pub fn ranks(&self) -> usize {
        self.edges.len() - 1
    }

    pub fn band(&self, rank: usize) -> Band {
        Band {
            top: self.edges[rank],
            bottom: self.edges[rank + 1],
        }
    }

    /// The rank whose band holds `tile_row`.
    pub fn owner_of(&self, tile_row: i64) -> usize {
        self.edges[1..].partition_point(|&e| e <= tile_row)
    }

    /// The tile rows where bands meet, in rank order (what the tests look at).
    #[cfg(test)]
    pub fn inner_edges(&self) -> &[i64] {
        &self.edges[1..self.edges.len() - 1]
    }

    /// The cell rows of `rank`'s band; an open side reaches `i64::MIN` or
    /// `i64::MAX`.
    pub fn cell_rows(&self, rank: usize) -> Range<i64> {
        let cells = |edge: i64| match edge {
            i64::MIN | i64::MAX => edge,
            edge => plane::row_start(edge),
        };
        cells(self.edges[rank])..cells(self.edges[rank + 1])
    }

    /// New bands for `work` (tiles stepped per tile row since the last
    /// look, all ranks merged) when it is uneven enough to be worth moving
    /// edges for. Every rank decides the same from the same counts.
    pub fn rebalanced(&self, work: &BTreeMap<i64, u64>) -> Option<PlaneBands> {
        let total: u64 = work.values().sum();
        if total < WORTH_MOVING {
            return None;
        }
        let mut per_rank = vec![0u64; self.ranks()];
        for (&row, &w) in work {
            per_rank[self.owner_of(row)] += w;
        }
        let mean = total as f64 / self.ranks() as f64;
        let busiest = per_rank.iter().copied().max().unwrap_or(0) as f64;
        if busiest <= IMBALANCE * mean {
            return None;
        }
        let to = PlaneBands::balanced(work, self.ranks());
        (to != *self).then_some(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(rows: &[(i64, u64)]) -> BTreeMap<i64, u64> {
        rows.iter().copied().collect()
    }

    #[test]
    fn edges_move_only_for_enough_uneven_work() {
        let bands = PlaneBands::balanced(&work(&[(0, 1), (1, 1)]), 2);
        // Even, or too little to pay for a move: stay.
        assert_eq!(bands.rebalanced(&work(&[(0, 3000), (1, 3000)])), None);
        assert_eq!(bands.rebalanced(&work(&[(0, 10), (1, 4000)])), None);
        // All the work in the second band's rows: the edge moves into them.
        let moved = bands
            .rebalanced(&work(&[(1, 3000), (2, 3000), (3, 3000)]))
            .expect("uneven");
        assert!(moved.inner_edges()[0] > bands.inner_edges()[0]);
        assert_eq!(
            moved.rebalanced(&work(&[(1, 3000), (2, 3000), (3, 3000)])),
            None
        );
    }

    #[test]
    fn cell_rows_follow_tile_rows_and_stay_open_at_the_ends() {
        let bands = PlaneBands::balanced(&work(&[(-1, 5), (0, 5), (1, 5)]), 3);
        assert_eq!(bands.cell_rows(0).start, i64::MIN);
        assert_eq!(bands.cell_rows(2).end, i64::MAX);
        for rank in 0..2 {
            assert_eq!(bands.cell_rows(rank).end, bands.cell_rows(rank + 1).start);
            let edge = bands.inner_edges()[rank];
            assert_eq!(bands.cell_rows(rank).end, plane::row_start(edge));
            assert_eq!(plane::row_tile(bands.cell_rows(rank + 1).start), edge);
        }
    }

    #[test]
    fn even_work_splits_evenly() {
        let bands = PlaneBands::balanced(&work(&[(-2, 5), (-1, 5), (0, 5), (1, 5)]), 2);
        assert_eq!(bands.inner_edges(), &[0]);
        assert_eq!(bands.owner_of(-1000), 0);
        assert_eq!(bands.owner_of(0), 1);
        assert_eq!(bands.owner_of(i64::MAX - 1), 1);
    }

    #[test]
    fn more_ranks_than_rows_still_gives_every_rank_a_row() {
        let bands = PlaneBands::balanced(&work(&[(3, 10)]), 4);
        let edges = bands.inner_edges();
        assert_eq!(edges.len(), 3);
        assert!(edges.windows(2).all(|w| w[0] < w[1]), "{edges:?}");
        for rank in 0..4 {
            let band = bands.band(rank);
            assert!(band.top < band.bottom);
        }
    }

    #[test]
    fn no_work_at_all() {
        let bands = PlaneBands::balanced(&BTreeMap::new(), 3);
        assert_eq!(bands.ranks(), 3);
        assert!(bands.inner_edges().windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn heavy_row_takes_a_band_of_its_own() {
        let bands = PlaneBands::balanced(&work(&[(0, 1), (1, 100), (2, 1)]), 3);
        assert_eq!(bands.owner_of(0), 0);
        assert_eq!(bands.owner_of(1), 1);
        assert_eq!(bands.owner_of(2), 2);
        assert_eq!(PlaneBands::balanced(&BTreeMap::new(), 1).owner_of(-5), 0);
    }
}
