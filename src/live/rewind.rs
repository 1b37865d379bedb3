//! Step back (`b` in the live view): every rank keeps copies of its own
//! strip from the last few generations, so that one generation back is a
//! local copy, with no message beyond the round's control.
//!
//! Memory is bounded: at most [`MAX_DEPTH`] generations and [`BUDGET`]
//! bytes per rank. A strip too large for even one copy within the budget
//! gets no history at all (the view says so), and copies are taken only of
//! the generations at the end of each round, never of the ones a fast round
//! runs through in the middle.
//!
//! What is kept depends only on the sequence of control messages, so every
//! rank keeps the same generations and rank 0's view can count them
//! ([`Rewind::depth_for`] gives every rank the same depth).

use std::collections::VecDeque;

use crate::cluster::Decomposition;
use crate::engine::Strip;
use crate::engine::bitgrid::words_per_row;

/// Generations one can step back at most.
pub const MAX_DEPTH: usize = 64;
/// Bytes of copies each rank may keep.
pub const BUDGET: u64 = 64 << 20;

/// One rank's copies of its strip, the newest last.
#[derive(Clone, Debug, Default)]
pub struct Rewind {
    depth: usize,
    copies: VecDeque<Vec<u64>>,
    /// Steps left in the current round (copies are taken of the last
    /// `depth` of them).
    steps_left: u64,
}

impl Rewind {
    /// The generations kept for a grid `width` wide split as `decomp`:
    /// as many as fit the budget for the tallest strip, at most
    /// [`MAX_DEPTH`]; 0 when even one copy would not fit.
    pub fn depth_for(width: usize, decomp: &Decomposition) -> usize {
        let tallest = (0..decomp.ranks())
            .map(|r| decomp.rows_of(r).len())
            .max()
            .unwrap_or(0);
        let bytes = Rewind::bytes_per_copy(width, tallest).max(1);
        ((BUDGET / bytes) as usize).min(MAX_DEPTH)
    }

    /// The bytes of one copy of a strip of `rows` rows of `width` cells.
    pub fn bytes_per_copy(width: usize, rows: usize) -> u64 {
        8 * words_per_row(width) as u64 * rows as u64
    }

    pub fn new(depth: usize) -> Rewind {
        Rewind {
            depth,
            copies: VecDeque::new(),
            steps_left: 0,
        }
    }

    /// Starts a round of `steps` generations.
    pub fn plan(&mut self, steps: u64) {
        self.steps_left = steps;
    }

    /// Before one generation is stepped: keeps a copy of `strip` if this
    /// is one of the round's last `depth` generations.
    pub fn before_step(&mut self, strip: &Strip) {
        if self.depth > 0 && self.steps_left <= self.depth as u64 {
            let mut copy = if self.copies.len() == self.depth {
                self.copies.pop_front().expect("full")
            } else {
                Vec::new()
            };
            copy.clear();
            for y in 0..strip.rows() {
                copy.extend_from_slice(strip.row(y));
            }
            self.copies.push_back(copy);
        }
        self.steps_left = self.steps_left.saturating_sub(1);
    }

    /// Puts the newest copy back into `strip`; false when there is none.
    pub fn back(&mut self, strip: &mut Strip) -> bool {
        let Some(copy) = self.copies.pop_back() else {
            return false;
        };
        let words = copy.len() / strip.rows().max(1);
        strip.fill_rows(|y, row| row.copy_from_slice(&copy[y * words..(y + 1) * words]));
        true
    }

    /// Forgets every copy: the grid changed by other means than stepping.
    pub fn clear(&mut self) {
        self.copies.clear();
    }

    pub fn len(&self) -> usize {
        self.copies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.copies.is_empty()
    }

    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// Rank 0's count of the generations every rank can step back: the same
/// rules as [`Rewind`], applied to the control messages alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RewindCount {
    pub depth: usize,
    pub available: usize,
}

impl RewindCount {
    pub fn stepped(&mut self, steps: u64) {
        self.available = (self.available as u64 + steps).min(self.depth as u64) as usize;
    }

    pub fn back(&mut self) {
        self.available = self.available.saturating_sub(1);
    }

    pub fn clear(&mut self) {
        self.available = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_follows_the_budget() {
        let small = Decomposition::new(100, 4).unwrap();
        assert_eq!(Rewind::depth_for(100, &small), MAX_DEPTH);
        // 65536 x 65536 over 4 ranks: 128 MiB a strip, over the budget.
        let huge = Decomposition::new(65536, 4).unwrap();
        assert_eq!(Rewind::depth_for(65536, &huge), 0);
        // 8192 x 8192 over 4: 2 MiB a strip, 32 fit.
        let mid = Decomposition::new(8192, 4).unwrap();
        assert_eq!(Rewind::depth_for(8192, &mid), 32);
    }

    #[test]
    fn only_the_last_generations_of_a_round_are_kept() {
        let mut strip = Strip::with_room(64, 2, 1, 2);
        let mut rewind = Rewind::new(3);
        rewind.plan(10);
        for generation in 0..10u64 {
            strip.fill_rows(|_, row| row[0] = generation);
            rewind.before_step(&strip);
        }
        assert_eq!(rewind.len(), 3);
        for expected in [9, 8, 7] {
            assert!(rewind.back(&mut strip));
            assert_eq!(strip.row(1)[0], expected);
        }
        assert!(!rewind.back(&mut strip));
        let mut count = RewindCount {
            depth: 3,
            available: 0,
        };
        count.stepped(10);
        assert_eq!(count.available, 3);
    }
}
