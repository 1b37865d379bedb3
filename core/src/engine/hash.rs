//! A grid fingerprint that depends on the cells alone: rows are hashed with
//! their global index and the row hashes are summed, so any split of the
//! grid into strips gives the same value (partial sums add up, mod 2^64).

/// The hash of global row `y`.
pub fn row_hash(y: u64, row: &[u64]) -> u64 {
    let mut h = mix(y ^ 0x9e37_79b9_7f4a_7c15);
    for &word in row {
        h = mix(h ^ word).wrapping_add(0x6a09_e667_f3bc_c909);
    }
    mix(h)
}

/// The sum of the row hashes of consecutive rows starting at global row `first_y`.
pub fn partial_hash<'a>(first_y: u64, rows: impl Iterator<Item = &'a [u64]>) -> u64 {
    rows.enumerate().fold(0u64, |sum, (i, row)| {
        sum.wrapping_add(row_hash(first_y + i as u64, row))
    })
}

/// The final hash from the sum of all rows' hashes and the grid size.
pub fn finish(sum: u64, width: usize, height: usize) -> u64 {
    mix(sum ^ mix(width as u64) ^ mix((height as u64).rotate_left(32)))
}

/// Formats a hash as the 16 hex digits the headless output shows.
pub fn to_hex(hash: u64) -> String {
    format!("{hash:016x}")
}

/// SplitMix64's finaliser: a fast, well-mixing bijection on u64.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The hash of one non-empty word of the plane: the 64 cells from column
/// `tile_x * 64` of row `y`. The plane's hash is the sum over all of them,
/// so it depends on the live cells alone, not on tiles or bands.
pub fn plane_word_hash(tile_x: i64, y: i64, word: u64) -> u64 {
    let h = mix((tile_x as u64) ^ 0x243f_6a88_85a3_08d3);
    let h = mix(h ^ (y as u64)).wrapping_add(0x6a09_e667_f3bc_c909);
    mix(h ^ word)
}

/// The final hash of the plane from the sum of its words' hashes.
pub fn finish_plane(sum: u64) -> u64 {
    mix(sum ^ 0x1319_8a2e_0370_7344)
}
