//! A dense, bit-packed rectangle of cells: the common currency between the
//! engine, the pattern readers/writers and the gathered grid on rank 0.

/// Cells of one row live in `words_per_row(width)` u64 words; column `x` is
/// bit `x % 64` of word `x / 64` (least significant bit = leftmost cell).
/// Bits past `width` in the last word are always zero.
#[derive(Clone, PartialEq, Eq)]
pub struct BitGrid {
    width: usize,
    height: usize,
    words_per_row: usize,
    bits: Vec<u64>,
}

/// How many u64 words hold one row of `width` cells.
pub fn words_per_row(width: usize) -> usize {
    width.div_ceil(64)
}

/// The mask of valid bits in the last word of a row of `width` cells.
pub fn last_word_mask(width: usize) -> u64 {
    match width % 64 {
        0 => u64::MAX,
        r => (1u64 << r) - 1,
    }
}

impl BitGrid {
    /// An all-dead grid. Callers must check the size against their limits first.
    pub fn new(width: usize, height: usize) -> BitGrid {
        let words_per_row = words_per_row(width);
        BitGrid {
            width,
            height,
            words_per_row,
            bits: vec![0; words_per_row * height],
        }
    }

    /// Builds a grid from rows of packed words (as produced by [`BitGrid::row`]).
    pub fn from_words(width: usize, height: usize, bits: Vec<u64>) -> BitGrid {
        let words_per_row = words_per_row(width);
        assert_eq!(bits.len(), words_per_row * height, "word count mismatch");
        let mut grid = BitGrid {
            width,
            height,
            words_per_row,
            bits,
        };
        grid.clear_padding();
        grid
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    pub fn get(&self, x: usize, y: usize) -> bool {
        debug_assert!(x < self.width && y < self.height);
        self.bits[y * self.words_per_row + x / 64] >> (x % 64) & 1 == 1
    }

    pub fn set(&mut self, x: usize, y: usize, alive: bool) {
        assert!(
            x < self.width && y < self.height,
            "cell ({x},{y}) outside {}x{}",
            self.width,
            self.height
        );
        let word = &mut self.bits[y * self.words_per_row + x / 64];
        let bit = 1u64 << (x % 64);
        if alive {
            *word |= bit;
        } else {
            *word &= !bit;
        }
    }

    pub fn row(&self, y: usize) -> &[u64] {
        &self.bits[y * self.words_per_row..(y + 1) * self.words_per_row]
    }

    pub fn row_mut(&mut self, y: usize) -> &mut [u64] {
        &mut self.bits[y * self.words_per_row..(y + 1) * self.words_per_row]
    }

    pub fn population(&self) -> u64 {
        self.bits.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// Live cells as (x, y), row by row.
    pub fn live_cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.height).flat_map(move |y| {
            self.row(y)
                .iter()
                .enumerate()
                .flat_map(move |(w, &word)| BitIter(word).map(move |bit| (w * 64 + bit, y)))
        })
    }

    /// Copies `other` into this grid with its top-left corner at (x, y).
    /// Cells falling outside wrap around (the grid is a torus).
    pub fn paste_wrapping(&mut self, other: &BitGrid, x: usize, y: usize) {
        for (ox, oy) in other.live_cells() {
            self.set((x + ox) % self.width, (y + oy) % self.height, true);
        }
    }

    fn clear_padding(&mut self) {
        let mask = last_word_mask(self.width);
        if self.words_per_row == 0 {
            return;
        }
        for row in self.bits.chunks_exact_mut(self.words_per_row) {
            *row.last_mut().expect("non-empty row") &= mask;
        }
    }
}

impl std::fmt::Debug for BitGrid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "BitGrid {}x{}", self.width, self.height)?;
        for y in 0..self.height.min(64) {
            let line: String = (0..self.width.min(128))
                .map(|x| if self.get(x, y) { 'O' } else { '.' })
                .collect();
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// Positions of the set bits of a word, lowest first.
pub(super) struct BitIter(pub(super) u64);

impl Iterator for BitIter {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_and_population() {
        let mut grid = BitGrid::new(130, 3);
        grid.set(0, 0, true);
        grid.set(64, 1, true);
        grid.set(129, 2, true);
        assert!(grid.get(0, 0) && grid.get(64, 1) && grid.get(129, 2));
        assert!(!grid.get(1, 0));
        assert_eq!(grid.population(), 3);
        assert_eq!(
            grid.live_cells().collect::<Vec<_>>(),
            vec![(0, 0), (64, 1), (129, 2)]
        );
        grid.set(64, 1, false);
        assert_eq!(grid.population(), 2);
    }

    #[test]
    fn from_words_clears_bits_past_the_width() {
        let grid = BitGrid::from_words(3, 1, vec![u64::MAX]);
        assert_eq!(grid.population(), 3);
    }
}
