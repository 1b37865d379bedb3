//! How the unbounded plane's tile rows are split among ranks: bands of
//! tile rows, the first open upwards and the last downwards. Pure
//! arithmetic, no MPI.

use std::collections::BTreeMap;

use crate::engine::plane::Band;

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

    /// The tile rows where bands meet, in rank order.
    pub fn inner_edges(&self) -> &[i64] {
        &self.edges[1..self.edges.len() - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(rows: &[(i64, u64)]) -> BTreeMap<i64, u64> {
        rows.iter().copied().collect()
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
