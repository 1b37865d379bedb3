//! Reproducible random soups. Each row's cells come from a stream keyed by
//! the seed and the row's global index, so the grid is the same whatever
//! the number of ranks that fill it.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::bitgrid::last_word_mask;

/// Fills `row` (global row `y` of a grid `width` cells wide) with live cells
/// at probability `density`.
pub fn random_row(seed: u64, density: f64, y: u64, width: usize, row: &mut [u64]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(y);
    if density == 0.5 {
        // Every bit of the stream is a fair coin: 64 cells per draw.
        for word in row.iter_mut() {
            *word = rng.next_u64();
        }
    } else {
        let threshold = (density.clamp(0.0, 1.0) * 4_294_967_296.0) as u64;
        for (w, word) in row.iter_mut().enumerate() {
            let cells = (width - w * 64).min(64);
            let mut bits = 0u64;
            for bit in 0..cells {
                if u64::from(rng.next_u32()) < threshold {
                    bits |= 1 << bit;
                }
            }
            *word = bits;
        }
    }
    if let Some(last) = row.last_mut() {
        *last &= last_word_mask(width);
    }
}

/// A fresh seed for runs started without `--seed`.
pub fn fresh_seed() -> u64 {
    rand::random()
}
