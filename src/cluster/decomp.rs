//! How the grid's rows are split among ranks: pure arithmetic, no MPI.

use std::ops::Range;

use crate::engine::Edge;

/// Contiguous row strips, one per rank, in rank order. They start even
/// (sizes differ by at most one row, the first `height % ranks` ranks
/// taking the extra rows) and may be rebalanced to the ranks' speeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decomposition {
    /// Where each rank's rows start, then the height: `ranks + 1` entries.
    bounds: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecompositionError {
    #[error(
        "the grid is {height} rows high but there are {ranks} ranks: each rank needs at least one row (use --height {ranks} or more, or fewer ranks)"
    )]
    TooFewRows { height: usize, ranks: usize },
}

impl Decomposition {
    pub fn new(height: usize, ranks: usize) -> Result<Decomposition, DecompositionError> {
        assert!(ranks > 0, "at least one rank");
        if height < ranks {
            return Err(DecompositionError::TooFewRows { height, ranks });
        }
        let (base, extra) = (height / ranks, height % ranks);
        let sizes = (0..ranks).map(|rank| base + usize::from(rank < extra));
        Ok(Decomposition::from_sizes(sizes))
    }

    /// Strips of the given sizes (each at least one row), in rank order.
    pub fn with_sizes(sizes: &[usize]) -> Decomposition {
        assert!(!sizes.is_empty() && sizes.iter().all(|&s| s > 0));
        Decomposition::from_sizes(sizes.iter().copied())
    }

    /// Strips of the given sizes, in rank order.
    fn from_sizes(sizes: impl IntoIterator<Item = usize>) -> Decomposition {
        let mut bounds = vec![0];
        for size in sizes {
            bounds.push(bounds.last().expect("starts with 0") + size);
        }
        Decomposition { bounds }
    }

    pub fn ranks(&self) -> usize {
        self.bounds.len() - 1
    }

    pub fn height(&self) -> usize {
        *self.bounds.last().expect("never empty")
    }

    /// The global rows owned by `rank`.
    pub fn rows_of(&self, rank: usize) -> Range<usize> {
        self.bounds[rank]..self.bounds[rank + 1]
    }

    /// The rows of the smallest strip.
    pub fn thinnest(&self) -> usize {
        (0..self.ranks())
            .map(|rank| self.rows_of(rank).len())
            .min()
            .expect("at least one rank")
    }

    /// The rank owning global row `y`.
    pub fn owner_of(&self, y: usize) -> usize {
        assert!(y < self.height());
        self.bounds.partition_point(|&start| start <= y) - 1
    }

    /// The most rows a rebalanced strip may hold: half as much again as
    /// an even share, so that the memory a run needs stays bounded (and is
    /// checked up front by [`memory::check`]).
    ///
    /// [`memory::check`]: crate::memory::check
    pub fn widest_allowed(&self) -> usize {
        let even = self.height().div_ceil(self.ranks());
        (even + even / 2).min(self.height())
    }

    /// Strips sized to the ranks' speeds, given each rank's cost per row
    /// as measured on this decomposition, each holding from `min_rows` to
    /// [`Decomposition::widest_allowed`] rows. The same for every rank
    /// that passes the same costs. `None` when the predicted time per
    /// generation would not drop by at least `gain` (a fraction): a move
    /// costs a transfer, and costs measured over a short time are noisy.
    pub fn balanced(
        &self,
        cost_per_row: &[f64],
        min_rows: usize,
        gain: f64,
    ) -> Option<Decomposition> {
        let ranks = self.ranks();
        assert_eq!(cost_per_row.len(), ranks);
        let (height, max_rows) = (self.height(), self.widest_allowed());
        let usable = |c: &f64| c.is_finite() && *c > 0.0;
        if ranks == 1 || height < ranks * min_rows || !cost_per_row.iter().all(usable) {
            return None;
        }
        // Rows in proportion to speed, ranks past the cap held at it and
        // the rest shared again; rounded down, then the rows left over go
        // one at a time to whichever rank they slow least.
        let speed: Vec<f64> = cost_per_row.iter().map(|c| 1.0 / c).collect();
        let mut capped = vec![false; ranks];
        let mut share = vec![0.0; ranks];
        loop {
            let free_rows = (height - capped.iter().filter(|&&c| c).count() * max_rows) as f64;
            let free_speed: f64 = (0..ranks).filter(|&r| !capped[r]).map(|r| speed[r]).sum();
            for r in 0..ranks {
                share[r] = if capped[r] {
                    max_rows as f64
                } else {
                    free_rows * speed[r] / free_speed
                };
            }
            let over: Vec<usize> = (0..ranks)
                .filter(|&r| !capped[r] && share[r] > max_rows as f64)
                .collect();
            if over.is_empty() {
                break;
            }
            for r in over {
                capped[r] = true;
            }
        }
        let mut sizes: Vec<usize> = share
            .iter()
            .map(|&rows| (rows.floor() as usize).clamp(min_rows, max_rows))
            .collect();
        let time = |r: usize, rows: usize| rows as f64 * cost_per_row[r];
        while sizes.iter().sum::<usize>() > height {
            let cheapest = (0..ranks)
                .filter(|&r| sizes[r] > min_rows)
                .max_by(|&a, &b| time(a, sizes[a]).total_cmp(&time(b, sizes[b])))?;
            sizes[cheapest] -= 1;
        }
        while sizes.iter().sum::<usize>() < height {
            let cheapest = (0..ranks)
                .filter(|&r| sizes[r] < max_rows)
                .min_by(|&a, &b| time(a, sizes[a] + 1).total_cmp(&time(b, sizes[b] + 1)))?;
            sizes[cheapest] += 1;
        }
        let slowest = |sizes: &[usize]| (0..ranks).map(|r| time(r, sizes[r])).fold(0.0, f64::max);
        let now: Vec<usize> = (0..ranks).map(|r| self.rows_of(r).len()).collect();
        (slowest(&sizes) < slowest(&now) * (1.0 - gain) && sizes != now)
            .then(|| Decomposition::from_sizes(sizes))
    }

    /// The rank holding the rows just above `rank`'s strip, wrapping.
    pub fn above(&self, rank: usize) -> usize {
        (rank + self.ranks() - 1) % self.ranks()
    }

    /// The rank holding the rows just below `rank`'s strip, wrapping.
    pub fn below(&self, rank: usize) -> usize {
        (rank + 1) % self.ranks()
    }

    /// The ranks whose edge rows `rank` needs (above, below): none past a
    /// dead edge, the rank itself when it is alone on a torus.
    pub fn neighbours(&self, rank: usize, edge: Edge) -> (Option<usize>, Option<usize>) {
        let torus = edge == Edge::Torus;
        (
            (torus || rank > 0).then(|| self.above(rank)),
            (torus || rank + 1 < self.ranks()).then(|| self.below(rank)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_cover_every_row_once_and_differ_by_at_most_one() {
        for height in 1..60 {
            for ranks in 1..=height.min(9) {
                let d = Decomposition::new(height, ranks).unwrap();
                let mut next = 0;
                let (mut min, mut max) = (usize::MAX, 0);
                for rank in 0..ranks {
                    let rows = d.rows_of(rank);
                    assert_eq!(rows.start, next);
                    next = rows.end;
                    min = min.min(rows.len());
                    max = max.max(rows.len());
                    for y in rows {
                        assert_eq!(
                            d.owner_of(y),
                            rank,
                            "height {height}, ranks {ranks}, row {y}"
                        );
                    }
                }
                assert_eq!(next, height);
                assert!(max - min <= 1 && min >= 1);
            }
        }
    }

    #[test]
    fn neighbours_wrap_and_coincide_for_one_or_two_ranks() {
        let one = Decomposition::new(5, 1).unwrap();
        assert_eq!((one.above(0), one.below(0)), (0, 0));
        let two = Decomposition::new(5, 2).unwrap();
        assert_eq!((two.above(0), two.below(0)), (1, 1));
        let four = Decomposition::new(8, 4).unwrap();
        assert_eq!((four.above(0), four.below(0)), (3, 1));
        assert_eq!((four.above(3), four.below(3)), (2, 0));
    }

    fn sizes(d: &Decomposition) -> Vec<usize> {
        (0..d.ranks()).map(|r| d.rows_of(r).len()).collect()
    }

    #[test]
    fn balanced_strips_follow_speed_and_cover_every_row_once() {
        let even = Decomposition::new(1000, 2).unwrap();
        // Rank 0 takes three times as long per row: it gets a quarter.
        let moved = even.balanced(&[3.0, 1.0], 4, 0.05).unwrap();
        assert_eq!(sizes(&moved), [250, 750]);
        for y in 0..1000 {
            assert_eq!(moved.owner_of(y), usize::from(y >= 250));
        }
        assert_eq!(moved.thinnest(), 250);
        let four = Decomposition::new(103, 4).unwrap();
        let moved = four.balanced(&[1.0, 2.0, 1.0, 1.0], 1, 0.0).unwrap();
        assert_eq!(sizes(&moved).iter().sum::<usize>(), 103);
        assert_eq!(moved.rows_of(3).end, 103);
        assert!(moved.rows_of(1).len() < moved.rows_of(0).len() - 10);
    }

    #[test]
    fn balancing_respects_the_bounds_and_skips_small_gains() {
        let even = Decomposition::new(1000, 4).unwrap();
        // A rank 100 times slower keeps its minimum; one 100 times faster
        // is held to half as much again as an even share.
        let moved = even.balanced(&[100.0, 1.0, 1.0, 1.0], 8, 0.05).unwrap();
        assert_eq!(moved.rows_of(0).len(), 8);
        let moved = even.balanced(&[0.01, 1.0, 1.0, 1.0], 8, 0.05).unwrap();
        assert_eq!(moved.rows_of(0).len(), even.widest_allowed());
        assert_eq!(even.widest_allowed(), 375);
        assert_eq!(sizes(&moved).iter().sum::<usize>(), 1000);
        // Speeds within the noise: nothing moves.
        assert_eq!(even.balanced(&[1.0, 1.03, 0.98, 1.0], 8, 0.05), None);
        // Balanced already: nothing moves, however small the threshold.
        let moved = even.balanced(&[3.0, 1.0, 1.0, 1.0], 8, 0.05).unwrap();
        let costs: Vec<f64> = sizes(&moved).iter().map(|&n| 1.0 / n as f64).collect();
        assert_eq!(moved.balanced(&costs, 8, 0.0), None);
        // Nonsense timings (a rank that measured nothing) move nothing.
        assert_eq!(even.balanced(&[0.0, 1.0, 1.0, 1.0], 8, 0.05), None);
        assert_eq!(even.balanced(&[f64::NAN, 1.0, 1.0, 1.0], 8, 0.05), None);
        let one = Decomposition::new(10, 1).unwrap();
        assert_eq!(one.balanced(&[5.0], 1, 0.0), None);
    }

    proptest::proptest! {
        #[test]
        fn balanced_strips_always_partition_the_grid_within_bounds(
            height in 1usize..5000,
            costs in proptest::collection::vec(0.001f64..1000.0, 1..9),
            min_rows in 1usize..20,
        ) {
            let ranks = costs.len();
            proptest::prop_assume!(height >= ranks * min_rows);
            let even = Decomposition::new(height, ranks).unwrap();
            if let Some(moved) = even.balanced(&costs, min_rows, 0.0) {
                proptest::prop_assert_eq!(moved.height(), height);
                for rank in 0..ranks {
                    let rows = moved.rows_of(rank).len();
                    proptest::prop_assert!(rows >= min_rows && rows <= even.widest_allowed());
                }
            }
        }
    }

    #[test]
    fn fewer_rows_than_ranks_is_an_error() {
        let err = Decomposition::new(3, 4).unwrap_err();
        assert!(
            err.to_string()
                .contains("3 rows high but there are 4 ranks")
        );
    }
}
