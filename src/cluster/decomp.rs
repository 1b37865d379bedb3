//! How the grid's rows are split among ranks: pure arithmetic, no MPI.

use std::ops::Range;

/// Contiguous row strips, one per rank, whose sizes differ by at most one
/// row (the first `height % ranks` ranks take the extra rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decomposition {
    height: usize,
    ranks: usize,
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
        Ok(Decomposition { height, ranks })
    }

    pub fn ranks(&self) -> usize {
        self.ranks
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The global rows owned by `rank`.
    pub fn rows_of(&self, rank: usize) -> Range<usize> {
        let base = self.height / self.ranks;
        let extra = self.height % self.ranks;
        let start = rank * base + rank.min(extra);
        let len = base + usize::from(rank < extra);
        start..start + len
    }

    /// The rank owning global row `y`.
    pub fn owner_of(&self, y: usize) -> usize {
        assert!(y < self.height);
        let base = self.height / self.ranks;
        let extra = self.height % self.ranks;
        let big = extra * (base + 1);
        if y < big {
            y / (base + 1)
        } else {
            extra + (y - big) / base
        }
    }

    /// The rank holding the rows just above `rank`'s strip, wrapping.
    pub fn above(&self, rank: usize) -> usize {
        (rank + self.ranks - 1) % self.ranks
    }

    /// The rank holding the rows just below `rank`'s strip, wrapping.
    pub fn below(&self, rank: usize) -> usize {
        (rank + 1) % self.ranks
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
