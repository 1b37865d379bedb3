//! How the grid's rows are split among ranks: pure arithmetic, no MPI.

use std::ops::Range;

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

    /// Strips sized to the ranks' speeds, given each rank's cost per row
    /// as measured on this decomposition, each keeping at least
    /// `min_rows`. The same for every rank that passes the same costs.
    /// `None` when the predicted time per generation would not drop by
    /// at least `gain` (a fraction): a move costs a transfer, and costs
    /// measured over a short time are noisy.
    pub fn balanced(
        &self,
        cost_per_row: &[f64],
        min_rows: usize,
        gain: f64,
    ) -> Option<Decomposition> {
        let ranks = self.ranks();
        assert_eq!(cost_per_row.len(), ranks);
        let height = self.height();
        if ranks == 1 || height < ranks * min_rows {
            return None;
        }
        if cost_per_row.iter().any(|c| !c.is_finite() || *c <= 0.0) {
            return None;
        }
        let slowest = |sizes: &[usize]| {
            sizes
                .iter()
                .zip(cost_per_row)
                .map(|(&rows, cost)| rows as f64 * cost)
                .fold(0.0, f64::max)
        };
        let now: Vec<usize> = (0..ranks).map(|r| self.rows_of(r).len()).collect();
        // Rows in proportion to speed, rounded down, then the rows left
        // over given one at a time to whichever rank they slow least.
        let speed: Vec<f64> = cost_per_row.iter().map(|c| 1.0 / c).collect();
        let total: f64 = speed.iter().sum();
        let spare = (height - ranks * min_rows) as f64;
        let mut sizes: Vec<usize> = speed
            .iter()
            .map(|s| min_rows + (spare * s / total).floor() as usize)
            .collect();
        for _ in 0..height - sizes.iter().sum::<usize>() {
            let cheapest = (0..ranks)
                .min_by(|&a, &b| {
                    let after = |r: usize| (sizes[r] + 1) as f64 * cost_per_row[r];
                    after(a).total_cmp(&after(b))
                })
                .expect("at least one rank");
            sizes[cheapest] += 1;
        }
        (slowest(&sizes) < slowest(&now) * (1.0 - gain)).then(|| Decomposition::from_sizes(sizes))
    }

    /// The rank holding the rows just above `rank`'s strip, wrapping.
    pub fn above(&self, rank: usize) -> usize {
        (rank + self.ranks() - 1) % self.ranks()
    }

    /// The rank holding the rows just below `rank`'s strip, wrapping.
    pub fn below(&self, rank: usize) -> usize {
        (rank + 1) % self.ranks()
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

    #[test]
    fn fewer_rows_than_ranks_is_an_error() {
        let err = Decomposition::new(3, 4).unwrap_err();
        assert!(
            err.to_string()
                .contains("3 rows high but there are 4 ranks")
        );
    }
}
