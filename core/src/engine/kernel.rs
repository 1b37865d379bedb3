//! The bit-sliced step kernel: 64 cells per word, neighbour counts summed
//! with full adders so that the loop is branch-free and vectorises.
//!
//! Each source row's horizontal sums are computed once and reused by the
//! three output rows that need them: the kernel walks down a column of
//! words (a tile of `N` words side by side, which the compiler turns into
//! SIMD registers) keeping the previous rows' sums in registers. Rows are
//! processed in bands so that a band's source rows stay in cache while the
//! tiles walk down it one after another.
//!
//! One binary runs everywhere: [`Isa::detect`] picks, at run time, the
//! widest instruction set the CPU has, and the same generic code is
//! compiled once per instruction set.

use super::bitgrid::last_word_mask;
use super::{Edge, Rule};

/// An instruction set the kernel can be compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Whatever the target's baseline is (SSE2 on x86-64): runs anywhere.
    Portable,
    /// x86-64 with AVX2: 256-bit registers, four words per operation.
    Avx2,
    /// x86-64 with AVX-512F: 512-bit registers for the plane's tiles (eight
    /// rows per operation); bounded grids use the AVX2 kernel here.
    Avx512,
}

impl Isa {
    /// The fastest instruction set this CPU supports.
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx2")
            {
                return Isa::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Isa::Avx2;
            }
        }
        Isa::Portable
    }

    /// Every instruction set this CPU supports, the portable one first.
    pub fn available() -> Vec<Isa> {
        let mut all = vec![Isa::Portable];
        if matches!(Isa::detect(), Isa::Avx2 | Isa::Avx512) {
            all.push(Isa::Avx2);
        }
        if Isa::detect() == Isa::Avx512 {
            all.push(Isa::Avx512);
        }
        all
    }

    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }
}

/// A bundle of words the kernel works on at once: one `u64`, or a SIMD
/// register of several, or an array of those. Every cell-wise operation of
/// the kernel is a bitwise operation on bundles.
trait Bits: Copy {
    /// Words in a bundle.
    const LANES: usize;
    fn splat(word: u64) -> Self;
    /// The first `LANES` words of `words`.
    fn load(words: &[u64]) -> Self;
    /// Into the first `LANES` words of `words`.
    fn store(self, words: &mut [u64]);
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    fn xor(self, o: Self) -> Self;
    /// `self & !o`
    fn and_not(self, o: Self) -> Self;
    /// Each cell's left neighbour: the words shifted towards higher bits,
    /// the top bit of the word before each (`before`) coming in at bit 0.
    fn left(self, before: Self) -> Self;
    /// Each cell's right neighbour: shifted towards lower bits, bit 0 of
    /// the word after each (`after`) coming in at the top.
    fn right(self, after: Self) -> Self;
    /// Whether any bit is set.
    fn any(self) -> bool;
    /// Bit `k` set where word `k` is not zero.
    fn live_lanes(self) -> u64;

    #[inline(always)]
    fn not(self) -> Self {
        Self::splat(u64::MAX).and_not(self)
    }
}

impl Bits for u64 {
    const LANES: usize = 1;

    #[inline(always)]
    fn splat(word: u64) -> Self {
        word
    }

    #[inline(always)]
    fn load(words: &[u64]) -> Self {
        words[0]
    }

    #[inline(always)]
    fn store(self, words: &mut [u64]) {
        words[0] = self;
    }

    #[inline(always)]
    fn and(self, o: Self) -> Self {
        self & o
    }

    #[inline(always)]
    fn or(self, o: Self) -> Self {
        self | o
    }

    #[inline(always)]
    fn xor(self, o: Self) -> Self {
        self ^ o
    }

    #[inline(always)]
    fn and_not(self, o: Self) -> Self {
        self & !o
    }

    #[inline(always)]
    fn left(self, before: Self) -> Self {
        (self << 1) | (before >> 63)
    }

    #[inline(always)]
    fn right(self, after: Self) -> Self {
        (self >> 1) | (after << 63)
    }

    #[inline(always)]
    fn any(self) -> bool {
        self != 0
    }

    #[inline(always)]
    fn live_lanes(self) -> u64 {
        u64::from(self != 0)
    }
}

/// `K` bundles side by side: more independent work per loop iteration.
impl<B: Bits, const K: usize> Bits for [B; K] {
    const LANES: usize = K * B::LANES;

    #[inline(always)]
    fn splat(word: u64) -> Self {
        [B::splat(word); K]
    }

    #[inline(always)]
    fn load(words: &[u64]) -> Self {
        let words = &words[..Self::LANES];
        std::array::from_fn(|k| B::load(&words[k * B::LANES..]))
    }

    #[inline(always)]
    fn store(self, words: &mut [u64]) {
        let words = &mut words[..Self::LANES];
        for (k, bundle) in self.into_iter().enumerate() {
            bundle.store(&mut words[k * B::LANES..]);
        }
    }

    #[inline(always)]
    fn and(self, o: Self) -> Self {
        std::array::from_fn(|k| self[k].and(o[k]))
    }

    #[inline(always)]
    fn or(self, o: Self) -> Self {
        std::array::from_fn(|k| self[k].or(o[k]))
    }

    #[inline(always)]
    fn xor(self, o: Self) -> Self {
        std::array::from_fn(|k| self[k].xor(o[k]))
    }

    #[inline(always)]
    fn and_not(self, o: Self) -> Self {
        std::array::from_fn(|k| self[k].and_not(o[k]))
    }

    #[inline(always)]
    fn left(self, before: Self) -> Self {
        std::array::from_fn(|k| self[k].left(before[k]))
    }

    #[inline(always)]
    fn right(self, after: Self) -> Self {
        std::array::from_fn(|k| self[k].right(after[k]))
    }

    #[inline(always)]
    fn any(self) -> bool {
        self.into_iter().fold(B::splat(0), B::or).any()
    }

    #[inline(always)]
    fn live_lanes(self) -> u64 {
        self.into_iter().enumerate().fold(0, |lanes, (k, bundle)| {
            lanes | bundle.live_lanes() << (k * B::LANES)
        })
    }
}

/// Four words in a 256-bit AVX2 register. Only ever used inside functions
/// compiled with AVX2 enabled, which are only called once the CPU is known
/// to have it; the wrappers below inline into them.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::Bits;

    #[derive(Clone, Copy)]
    pub(super) struct Ymm(__m256i);

    impl Bits for Ymm {
        const LANES: usize = 4;

        #[inline(always)]
        fn splat(word: u64) -> Self {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            Ymm(unsafe { _mm256_set1_epi64x(word as i64) })
        }

        #[inline(always)]
        fn load(words: &[u64]) -> Self {
            let words = &words[..4];
            // SAFETY: `words` holds 4 u64s (32 bytes); the load is unaligned; AVX2 CPU.
            Ymm(unsafe { _mm256_loadu_si256(words.as_ptr().cast()) })
        }

        #[inline(always)]
        fn store(self, words: &mut [u64]) {
            let words = &mut words[..4];
            // SAFETY: `words` holds 4 u64s (32 bytes); the store is unaligned; AVX2 CPU.
            unsafe { _mm256_storeu_si256(words.as_mut_ptr().cast(), self.0) }
        }

        #[inline(always)]
        fn and(self, o: Self) -> Self {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            Ymm(unsafe { _mm256_and_si256(self.0, o.0) })
        }

        #[inline(always)]
        fn or(self, o: Self) -> Self {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            Ymm(unsafe { _mm256_or_si256(self.0, o.0) })
        }

        #[inline(always)]
        fn xor(self, o: Self) -> Self {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            Ymm(unsafe { _mm256_xor_si256(self.0, o.0) })
        }

        #[inline(always)]
        fn and_not(self, o: Self) -> Self {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            Ymm(unsafe { _mm256_andnot_si256(o.0, self.0) })
        }

        #[inline(always)]
        fn left(self, before: Self) -> Self {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            Ymm(unsafe {
                _mm256_or_si256(
                    _mm256_slli_epi64::<1>(self.0),
                    _mm256_srli_epi64::<63>(before.0),
                )
            })
        }

        #[inline(always)]
        fn right(self, after: Self) -> Self {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            Ymm(unsafe {
                _mm256_or_si256(
                    _mm256_srli_epi64::<1>(self.0),
                    _mm256_slli_epi64::<63>(after.0),
                )
            })
        }

        #[inline(always)]
        fn any(self) -> bool {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            unsafe { _mm256_testz_si256(self.0, self.0) == 0 }
        }

        #[inline(always)]
        fn live_lanes(self) -> u64 {
            // SAFETY: only reached from AVX2-enabled code on an AVX2 CPU.
            let dead = unsafe {
                _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(
                    self.0,
                    _mm256_setzero_si256(),
                )))
            };
            u64::from(!dead as u8 & 0xf)
        }
    }
}

/// Eight words in a 512-bit AVX-512 register, as [`avx2::Ymm`] is for AVX2.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::Bits;

    #[derive(Clone, Copy)]
    pub(super) struct Zmm(__m512i);

    impl Bits for Zmm {
        const LANES: usize = 8;

        #[inline(always)]
        fn splat(word: u64) -> Self {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            Zmm(unsafe { _mm512_set1_epi64(word as i64) })
        }

        #[inline(always)]
        fn load(words: &[u64]) -> Self {
            let words = &words[..8];
            // SAFETY: `words` holds 8 u64s (64 bytes); the load is unaligned; AVX-512 CPU.
            Zmm(unsafe { _mm512_loadu_si512(words.as_ptr().cast()) })
        }

        #[inline(always)]
        fn store(self, words: &mut [u64]) {
            let words = &mut words[..8];
            // SAFETY: `words` holds 8 u64s (64 bytes); the store is unaligned; AVX-512 CPU.
            unsafe { _mm512_storeu_si512(words.as_mut_ptr().cast(), self.0) }
        }

        #[inline(always)]
        fn and(self, o: Self) -> Self {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            Zmm(unsafe { _mm512_and_si512(self.0, o.0) })
        }

        #[inline(always)]
        fn or(self, o: Self) -> Self {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            Zmm(unsafe { _mm512_or_si512(self.0, o.0) })
        }

        #[inline(always)]
        fn xor(self, o: Self) -> Self {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            Zmm(unsafe { _mm512_xor_si512(self.0, o.0) })
        }

        #[inline(always)]
        fn and_not(self, o: Self) -> Self {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            Zmm(unsafe { _mm512_andnot_si512(o.0, self.0) })
        }

        #[inline(always)]
        fn left(self, before: Self) -> Self {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            Zmm(unsafe {
                _mm512_or_si512(
                    _mm512_slli_epi64::<1>(self.0),
                    _mm512_srli_epi64::<63>(before.0),
                )
            })
        }

        #[inline(always)]
        fn right(self, after: Self) -> Self {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            Zmm(unsafe {
                _mm512_or_si512(
                    _mm512_srli_epi64::<1>(self.0),
                    _mm512_slli_epi64::<63>(after.0),
                )
            })
        }

        #[inline(always)]
        fn any(self) -> bool {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            unsafe { _mm512_test_epi64_mask(self.0, self.0) != 0 }
        }

        #[inline(always)]
        fn live_lanes(self) -> u64 {
            // SAFETY: only reached from AVX-512-enabled code on an AVX-512 CPU.
            u64::from(unsafe { _mm512_test_epi64_mask(self.0, self.0) })
        }
    }
}

#[inline(always)]
fn full_add<B: Bits>(x: B, y: B, z: B) -> (B, B) {
    let xy = x.xor(y);
    (xy.xor(z), x.and(y).or(z.and(xy)))
}

/// One source row's horizontal sums around each cell: `e` counts the left
/// and right neighbours (two bits), the row's own cells kept beside.
#[derive(Clone, Copy)]
struct RowSums<B> {
    cells: B,
    e0: B,
    e1: B,
}

/// The horizontal sums plus the cells themselves: what a row contributes
/// to the counts of the rows above and below it.
#[derive(Clone, Copy)]
struct Triples<B> {
    h0: B,
    h1: B,
}

impl<B: Bits> RowSums<B> {
    #[inline(always)]
    fn new(left: B, cells: B, right: B) -> Self {
        RowSums {
            cells,
            e0: left.xor(right),
            e1: left.and(right),
        }
    }

    #[inline(always)]
    fn triples(&self) -> Triples<B> {
        Triples {
            h0: self.e0.xor(self.cells),
            h1: self.e1.or(self.e0.and(self.cells)),
        }
    }
}

/// The four bits of each cell's neighbour count (0..=8), one word per bit.
#[derive(Clone, Copy)]
struct Counts<B> {
    s0: B,
    s1: B,
    s2: B,
    s3: B,
}

/// The eight neighbours of the centre row: the rows above and below with
/// their own cells, the centre row without.
#[inline(always)]
fn count<B: Bits>(above: &Triples<B>, centre: &RowSums<B>, below: &Triples<B>) -> Counts<B> {
    let (s0, k1) = full_add(above.h0, centre.e0, below.h0);
    let (x, y) = full_add(above.h1, centre.e1, below.h1);
    let z = x.and(k1);
    Counts {
        s0,
        s1: x.xor(k1),
        s2: y.xor(z),
        s3: y.and(z),
    }
}

/// How a rule turns (alive, neighbour count) words into the next words.
trait Transition: Copy {
    fn next<B: Bits>(self, alive: B, n: Counts<B>) -> B;
}

/// B3/S23, the rule almost everyone runs: a handful of operations a word.
#[derive(Clone, Copy)]
struct Conway;

impl Transition for Conway {
    #[inline(always)]
    fn next<B: Bits>(self, alive: B, n: Counts<B>) -> B {
        // Alive next iff the count is 3, or 2 and alive: s3 = s2 = 0, s1 = 1.
        n.s1.and_not(n.s2.or(n.s3)).and(n.s0.or(alive))
    }
}

/// HighLife, B36/S23: as Conway's Life, and born of 6 too.
#[derive(Clone, Copy)]
struct HighLife;

impl Transition for HighLife {
    #[inline(always)]
    fn next<B: Bits>(self, alive: B, n: Counts<B>) -> B {
        // Counts 2, 3 and 6 all have s1 set and s3 clear. Without s2 (2 or
        // 3) a cell is on if alive or s0 (3); with it (6, or 7 which has
        // s0) only if dead and not s0: so on iff (s0 | alive) ^ s2.
        n.s1.and_not(n.s3).and(n.s0.or(alive).xor(n.s2))
    }
}

/// Runs `$body` with `$t` bound to the fastest [`Transition`] for `$rule`:
/// one built for the rule where there is one, else [`AnyRule`]. A macro,
/// since each arm instantiates the body for another type.
macro_rules! with_transition {
    ($rule:expr, $t:ident => $body:expr) => {
        if *$rule == Rule::LIFE {
            let $t = Conway;
            $body
        } else if *$rule == Rule::HIGHLIFE {
            let $t = HighLife;
            $body
        } else {
            let $t = AnyRule::new($rule);
            $body
        }
    };
}

/// Any outer-totalistic rule, as all-ones/all-zero masks per neighbour count.
#[derive(Clone, Copy)]
struct AnyRule {
    birth: [u64; 9],
    survival: [u64; 9],
}

impl AnyRule {
    fn new(rule: &Rule) -> AnyRule {
        let mask = |on: bool| if on { u64::MAX } else { 0 };
        AnyRule {
            birth: std::array::from_fn(|k| mask(rule.born(k as u32))),
            survival: std::array::from_fn(|k| mask(rule.survives(k as u32))),
        }
    }
}

impl Transition for AnyRule {
    #[inline(always)]
    fn next<B: Bits>(self, alive: B, n: Counts<B>) -> B {
        // Per neighbour count k, the mask of cells whose next state is on:
        // birth[k] for dead cells, survival[k] for live ones.
        let pick = |k: usize| {
            let on = B::splat(self.birth[k]).and_not(alive);
            on.or(B::splat(self.survival[k]).and(alive))
        };
        let (n0, n1) = (n.s0.not(), n.s1.not());
        let low = [n0.and(n1), n.s0.and(n1), n0.and(n.s1), n.s0.and(n.s1)];
        let below4 = n.s2.or(n.s3).not();
        let four_to_seven = n.s2.and_not(n.s3);
        let mut next = n.s3.and(pick(8));
        for (k, low) in low.into_iter().enumerate() {
            let eq_low = low.and(below4);
            let eq_high = low.and(four_to_seven);
            next = next.or(eq_low.and(pick(k))).or(eq_high.and(pick(k + 4)));
        }
        next
    }
}

/// The shape of the rows being stepped.
#[derive(Clone, Copy)]
struct Shape {
    width: usize,
    words: usize,
    edge: Edge,
}

impl Shape {
    /// Word `j` of `row` with its left and right neighbours, for any `j`:
    /// across the row's ends neighbours wrap (torus) or are dead.
    #[inline(always)]
    fn edge_word(self, row: &[u64], j: usize) -> (u64, u64, u64) {
        let n = self.words;
        let last_bit = (self.width - 1) % 64;
        let torus = self.edge == Edge::Torus;
        let word = row[j];
        let carry_in_left = if j > 0 {
            row[j - 1] >> 63
        } else if torus {
            row[n - 1] >> last_bit & 1
        } else {
            0
        };
        let mut right = word >> 1;
        if j + 1 < n {
            right |= row[j + 1] << 63;
        } else if torus {
            right |= (row[0] & 1) << last_bit;
        }
        ((word << 1) | carry_in_left, word, right)
    }
}

/// Where a column of words comes from: source row `r`'s (left, cells,
/// right) bundles at one column.
trait Column<B> {
    fn load(&self, r: usize) -> (B, B, B);

    #[inline(always)]
    fn sums(&self, r: usize) -> RowSums<B>
    where
        B: Bits,
    {
        let (l, c, r) = self.load(r);
        RowSums::new(l, c, r)
    }
}

/// Words `j..j + W::LANES` with `j >= 1` and `j + W::LANES < words`: all
/// their neighbours are in the row.
struct Interior<'a> {
    src: &'a [u64],
    words: usize,
    j: usize,
}

impl<W: Bits> Column<W> for Interior<'_> {
    #[inline(always)]
    fn load(&self, r: usize) -> (W, W, W) {
        let at = r * self.words + self.j;
        let row = &self.src[at - 1..at + W::LANES + 1];
        let cells = W::load(&row[1..]);
        (
            cells.left(W::load(row)),
            cells,
            cells.right(W::load(&row[2..])),
        )
    }
}

/// A tile at a row's end whose source rows were copied with the words
/// beyond the row's ends beside them (wrapped on a torus, dead otherwise):
/// padded row `i` is source row `first + i`, its words `1..=W::LANES` the
/// tile's. So it walks as an interior tile does, a bundle at a time,
/// instead of a word at a time.
struct Padded<'a> {
    rows: &'a [[u64; TILE_WORDS + 2]],
    first: usize,
}

impl<W: Bits> Column<W> for Padded<'_> {
    #[inline(always)]
    fn load(&self, r: usize) -> (W, W, W) {
        let row = &self.rows[r - self.first];
        let cells = W::load(&row[1..]);
        (
            cells.left(W::load(row)),
            cells,
            cells.right(W::load(&row[2..])),
        )
    }
}

/// Most rows a tile may have for [`Padded`]: the strips' tiles'.
const PADDED_TILE_ROWS: usize = TILE_ROWS;

/// Any single word `j`, neighbours across the row's ends included.
struct Single<'a> {
    src: &'a [u64],
    shape: Shape,
    j: usize,
}

impl Column<u64> for Single<'_> {
    #[inline(always)]
    fn load(&self, r: usize) -> (u64, u64, u64) {
        let words = self.shape.words;
        self.shape
            .edge_word(&self.src[r * words..(r + 1) * words], self.j)
    }
}

/// Steps output rows `rows` of the words `j..j + B::LANES`, walking down
/// the column. Output row `y` has source rows `y`, `y + 1` and `y + 2`
/// around it, and lives at `out[y * words + j..]`.
#[inline(always)]
fn walk<B: Bits, T: Transition>(
    rule: T,
    rows: std::ops::Range<usize>,
    out: &mut [u64],
    (words, j): (usize, usize),
    mask: u64,
    column: &impl Column<B>,
) {
    // Registers carry only what the next rows need: the row above's
    // triples and the centre row's pair sums; a row's triples are derived
    // from its pair sums when it moves up.
    let mut above = column.sums(rows.start).triples();
    let mut centre = column.sums(rows.start + 1);
    for y in rows {
        let below = column.sums(y + 2);
        let next = rule.next(centre.cells, count(&above, &centre, &below.triples()));
        next.and(B::splat(mask)).store(&mut out[y * words + j..]);
        above = centre.triples();
        centre = below;
    }
}

/// Source rows a band may span, in bytes: small enough to stay in the L1
/// cache while every tile walks down the band, so that each row is read
/// from memory once; large enough that re-reading the two rows above each
/// band costs little.
const BAND_BYTES: usize = 16 * 1024;

/// Steps every output row, in bands of rows; within a band, tiles of
/// `W::LANES` words walk down it, then single words do the row's ends.
#[inline(always)]
fn step_rows_with<W: Bits, T: Transition>(rule: T, shape: Shape, src: &[u64], out: &mut [u64]) {
    let words = shape.words;
    let rows = out.len() / words;
    assert!(words > 0 && out.len() == rows * words && src.len() == (rows + 2) * words);
    let band = (BAND_BYTES / (words * 8)).clamp(4, 1024);
    let tile = W::LANES;
    // Interior tiles: words 1..words-1, whose neighbours are all in the
    // row. The last tile may overlap the one before it: recomputing a few
    // words costs less than doing the rest one word at a time.
    let interior = words.saturating_sub(2);
    let last_tile = (interior >= tile).then(|| words - 1 - tile);
    let tiles = last_tile
        .into_iter()
        .flat_map(|last| (1..last).step_by(tile).chain(std::iter::once(last)));
    // Words done one at a time: both ends, and the interior if no tile fits.
    let singles = match last_tile {
        Some(_) => (0..1).chain(Some(words - 1)),
        None => (0..words).chain(None),
    };
    let last_mask = last_word_mask(shape.width);
    let tile_count = tiles.clone().count();
    let mut y0 = 0;
    while y0 < rows {
        let y1 = (y0 + band).min(rows);
        // The next band's new source rows and its output rows, fetched a
        // slice per tile while this band is computed: the walks down a
        // band jump a row at a time, which the hardware prefetchers do
        // not follow, and each output line is otherwise read on its
        // first store.
        let ahead =
            &src[((y1 + 2) * words).min(src.len())..((y1 + band + 2) * words).min(src.len())];
        let per_tile = ahead.len().div_ceil(tile_count.max(1)).next_multiple_of(8);
        let out_ahead = (y1 * words).min(out.len())..((y1 + band) * words).min(out.len());
        let out_per_tile = out_ahead
            .len()
            .div_ceil(tile_count.max(1))
            .next_multiple_of(8);
        for (t, j) in tiles.clone().enumerate() {
            if let Some(part) = ahead.get(t * per_tile..) {
                prefetch(&part[..per_tile.min(part.len())]);
            }
            if let Some(part) = out[out_ahead.clone()].get(t * out_per_tile..) {
                prefetch(&part[..out_per_tile.min(part.len())]);
            }
            let column = Interior { src, words, j };
            walk::<W, T>(rule, y0..y1, out, (words, j), u64::MAX, &column);
        }
        for j in singles.clone() {
            let mask = if j == words - 1 { last_mask } else { u64::MAX };
            let column = Single { src, shape, j };
            walk::<u64, T>(rule, y0..y1, out, (words, j), mask, &column);
        }
        y0 = y1;
    }
}

/// Asks the CPU to bring `words` into its L2 cache, one request a line.
#[inline(always)]
fn prefetch(words: &[u64]) {
    #[cfg(target_arch = "x86_64")]
    for line in words.chunks(8) {
        use std::arch::x86_64::{_MM_HINT_T1, _mm_prefetch};
        // SAFETY: a prefetch is only a hint: it never faults and changes
        // no memory; the pointer is into a live slice; SSE is baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T1>(line.as_ptr().cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = words;
}

#[inline(always)]
fn step_rows_rule<W: Bits>(rule: &Rule, shape: Shape, src: &[u64], out: &mut [u64]) {
    with_transition!(rule, t => step_rows_with::<W, _>(t, shape, src, out));
}

/// Baseline code: four words a tile, which the compiler may still pack
/// into the baseline's SIMD registers (SSE2 on x86-64).
fn step_rows_portable(rule: &Rule, shape: Shape, src: &[u64], out: &mut [u64]) {
    step_rows_rule::<[u64; 4]>(rule, shape, src, out);
}

/// Two 256-bit registers a tile: eight words, 512 cells.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn step_rows_avx2(rule: &Rule, shape: Shape, src: &[u64], out: &mut [u64]) {
    step_rows_rule::<[avx2::Ymm; 2]>(rule, shape, src, out);
}

/// Steps `out.len() / words` rows of a strip one generation. `src` holds
/// the rows around them: two more rows than `out`, output row `y` being
/// the next generation of source row `y + 1`. `width` is in cells; bits
/// past it are left zero in `out`.
pub fn step_rows(isa: Isa, rule: &Rule, edge: Edge, width: usize, src: &[u64], out: &mut [u64]) {
    let shape = Shape {
        width,
        words: super::bitgrid::words_per_row(width),
        edge,
    };
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 | Isa::Avx512 => {
            assert!(
                std::arch::is_x86_feature_detected!("avx2"),
                "the AVX2 kernel needs a CPU with AVX2"
            );
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { step_rows_avx2(rule, shape, src, out) }
        }
        _ => step_rows_portable(rule, shape, src, out),
    }
}

/// Words across a tile of the activity-tracked (sparse) step: one AVX2
/// register, 256 cells.
pub const TILE_WORDS: usize = 4;

/// Rows of a tile of the activity-tracked step: small enough that a glider keeps few tiles busy, tall
/// enough that the two extra source rows a tile reads cost little (1/8).
/// Measured against 8 and 32 on eight busy patterns at 4096^2 (medians of
/// 3-5, a noisy shared machine): 32 took 1.04x the time of 16; 8 took
/// 0.84x and 1.03x in two rounds (faster on acorn and the puffer train,
/// slower on the spacefiller): no clear winner, so 16 stays.
pub const TILE_ROWS: usize = 16;

/// What changed in a tile from one generation to the next: whether
/// anything did, and which of its edges and corners, so that only the
/// neighbours next to a change are stepped at the next generation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TileChange(u16);

impl TileChange {
    pub const ANY: u16 = 1;
    pub const TOP: u16 = 1 << 1;
    pub const BOTTOM: u16 = 1 << 2;
    pub const LEFT: u16 = 1 << 3;
    pub const RIGHT: u16 = 1 << 4;
    pub const TOP_LEFT: u16 = 1 << 5;
    pub const TOP_RIGHT: u16 = 1 << 6;
    pub const BOTTOM_LEFT: u16 = 1 << 7;
    pub const BOTTOM_RIGHT: u16 = 1 << 8;

    pub fn has(self, flag: u16) -> bool {
        self.0 & flag != 0
    }

    /// From each word's changed bits over all the tile's rows, in its
    /// first row and in its last row. `last_bit` is the column of the
    /// tile's rightmost cell in its last word.
    fn from_diffs(all: &[u64], first: &[u64], last: &[u64], last_bit: usize) -> TileChange {
        let n = all.len();
        let any = |words: &[u64]| words.iter().any(|&w| w != 0);
        let left = |words: &[u64]| words[0] & 1 != 0;
        let right = |words: &[u64]| words[n - 1] >> last_bit & 1 != 0;
        let flags = [
            (any(all), TileChange::ANY),
            (any(first), TileChange::TOP),
            (any(last), TileChange::BOTTOM),
            (left(all), TileChange::LEFT),
            (right(all), TileChange::RIGHT),
            (left(first), TileChange::TOP_LEFT),
            (right(first), TileChange::TOP_RIGHT),
            (left(last), TileChange::BOTTOM_LEFT),
            (right(last), TileChange::BOTTOM_RIGHT),
        ];
        TileChange(
            flags
                .into_iter()
                .filter(|&(on, _)| on)
                .fold(0, |acc, (_, flag)| acc | flag),
        )
    }
}

/// Where the tiles of a strip are: `tile_rows` rows by [`TILE_WORDS`]
/// words each, numbered row of tiles after row of tiles; the last ones of
/// a row or column may be smaller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileGrid {
    /// The strip's own rows and words a row.
    pub rows: usize,
    pub words: usize,
    pub tile_rows: usize,
}

impl TileGrid {
    /// Tiles across a row.
    pub fn across(&self) -> usize {
        self.words.div_ceil(TILE_WORDS)
    }

    /// Rows of tiles.
    pub fn down(&self) -> usize {
        self.rows.div_ceil(self.tile_rows)
    }

    pub fn len(&self) -> usize {
        self.across() * self.down()
    }

    /// Own rows and words of tile `t`.
    #[inline(always)]
    pub fn bounds(&self, t: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let (down, across) = (t / self.across(), t % self.across());
        let y0 = down * self.tile_rows;
        let j0 = across * TILE_WORDS;
        (
            y0..(y0 + self.tile_rows).min(self.rows),
            j0..(j0 + TILE_WORDS).min(self.words),
        )
    }
}

/// Like [`walk`], and also returns what changed: the output xor what the
/// output rows held before (the generation two back, so that a period-2
/// oscillator reads as unchanged), ORed over all rows, in the first row,
/// and in the last row.
#[inline(always)]
fn walk_tracked<B: Bits, T: Transition>(
    rule: T,
    rows: std::ops::Range<usize>,
    out: &mut [u64],
    (words, j): (usize, usize),
    mask: u64,
    column: &impl Column<B>,
) -> [B; 3] {
    let zero = B::splat(0);
    let (mut all, mut first, mut last) = (zero, zero, zero);
    let mut above = column.sums(rows.start).triples();
    let mut centre = column.sums(rows.start + 1);
    let start = rows.start;
    for y in rows {
        let below = column.sums(y + 2);
        let next = rule
            .next(centre.cells, count(&above, &centre, &below.triples()))
            .and(B::splat(mask));
        let before = B::load(&out[y * words + j..]);
        next.store(&mut out[y * words + j..]);
        let diff = next.xor(before);
        all = all.or(diff);
        if y == start {
            first = diff;
        }
        last = diff;
        above = centre.triples();
        centre = below;
    }
    [all, first, last]
}

/// Steps the tiles `tiles` of `grid`, writing what changed in each into
/// `changes`. `src` and `out` as for [`step_rows`] (the whole strip).
#[inline(always)]
fn step_tiles_with<W: Bits, T: Transition>(
    rule: T,
    shape: Shape,
    grid: TileGrid,
    src: &[u64],
    out: &mut [u64],
    tiles: &[u32],
    changes: &mut [TileChange],
) {
    let words = shape.words;
    assert!(W::LANES == TILE_WORDS && grid.words == words);
    assert!(out.len() == grid.rows * words && src.len() == (grid.rows + 2) * words);
    let last_mask = last_word_mask(shape.width);
    let row_end_bit = (shape.width - 1) % 64;
    for (&t, change) in tiles.iter().zip(changes.iter_mut()) {
        let (rows, cols) = grid.bounds(t as usize);
        let n = cols.len();
        let (mut all, mut first, mut last) = ([0u64; TILE_WORDS], [0; TILE_WORDS], [0; TILE_WORDS]);
        let interior = cols.start >= 1 && cols.end < words;
        // At a row's end, whole words only: a partial last word would need
        // its neighbour's bits moved and its own masked.
        let padded = !interior
            && shape.width.is_multiple_of(64)
            && rows.len() <= PADDED_TILE_ROWS
            && words >= TILE_WORDS;
        if n == TILE_WORDS && interior {
            let column = Interior {
                src,
                words,
                j: cols.start,
            };
            let [a, f, l] =
                walk_tracked::<W, T>(rule, rows, out, (words, cols.start), u64::MAX, &column);
            a.store(&mut all);
            f.store(&mut first);
            l.store(&mut last);
        } else if n == TILE_WORDS && padded {
            let torus = shape.edge == Edge::Torus;
            let mut copy = [[0u64; TILE_WORDS + 2]; PADDED_TILE_ROWS + 2];
            let span = rows.start..rows.end + 2;
            for (r, padded_row) in span.clone().zip(copy.iter_mut()) {
                let row = &src[r * words..(r + 1) * words];
                padded_row[1..=TILE_WORDS].copy_from_slice(&row[cols.clone()]);
                padded_row[0] = match cols.start {
                    0 if torus => row[words - 1],
                    0 => 0,
                    j => row[j - 1],
                };
                padded_row[TILE_WORDS + 1] = match cols.end {
                    end if end < words => row[end],
                    _ if torus => row[0],
                    _ => 0,
                };
            }
            let column = Padded {
                rows: &copy[..span.len()],
                first: span.start,
            };
            let [a, f, l] =
                walk_tracked::<W, T>(rule, rows, out, (words, cols.start), u64::MAX, &column);
            a.store(&mut all);
            f.store(&mut first);
            l.store(&mut last);
        } else {
            for (i, j) in cols.clone().enumerate() {
                let mask = if j == words - 1 { last_mask } else { u64::MAX };
                let column = Single { src, shape, j };
                [all[i], first[i], last[i]] =
                    walk_tracked::<u64, T>(rule, rows.clone(), out, (words, j), mask, &column);
            }
        }
        let last_bit = if cols.end == words { row_end_bit } else { 63 };
        *change = TileChange::from_diffs(&all[..n], &first[..n], &last[..n], last_bit);
    }
}

#[inline(always)]
fn step_tiles_rule<W: Bits>(
    rule: &Rule,
    shape: Shape,
    grid: TileGrid,
    src: &[u64],
    out: &mut [u64],
    tiles: &[u32],
    changes: &mut [TileChange],
) {
    with_transition!(rule, t => step_tiles_with::<W, _>(t, shape, grid, src, out, tiles, changes));
}

fn step_tiles_portable(
    rule: &Rule,
    shape: Shape,
    grid: TileGrid,
    src: &[u64],
    out: &mut [u64],
    tiles: &[u32],
    changes: &mut [TileChange],
) {
    step_tiles_rule::<[u64; TILE_WORDS]>(rule, shape, grid, src, out, tiles, changes);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn step_tiles_avx2(
    rule: &Rule,
    shape: Shape,
    grid: TileGrid,
    src: &[u64],
    out: &mut [u64],
    tiles: &[u32],
    changes: &mut [TileChange],
) {
    step_tiles_rule::<[avx2::Ymm; TILE_WORDS / 4]>(rule, shape, grid, src, out, tiles, changes);
}

/// Steps only the tiles `tiles` of a strip one generation, leaving the
/// rest of `out` as it is, and says what changed in each (`changes[i]`
/// for `tiles[i]`). `src` and `out` are the whole strip as for
/// [`step_rows`]: `src` has a row more than `out` above and below.
#[allow(clippy::too_many_arguments)]
pub fn step_tiles(
    isa: Isa,
    rule: &Rule,
    edge: Edge,
    width: usize,
    grid: TileGrid,
    src: &[u64],
    out: &mut [u64],
    tiles: &[u32],
    changes: &mut [TileChange],
) {
    assert_eq!(tiles.len(), changes.len());
    let shape = Shape {
        width,
        words: super::bitgrid::words_per_row(width),
        edge,
    };
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 | Isa::Avx512 => {
            assert!(
                std::arch::is_x86_feature_detected!("avx2"),
                "the AVX2 kernel needs a CPU with AVX2"
            );
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { step_tiles_avx2(rule, shape, grid, src, out, tiles, changes) }
        }
        _ => step_tiles_portable(rule, shape, grid, src, out, tiles, changes),
    }
}

/// Rows of a tile of the unbounded plane (64 columns: one word a row).
pub const PLANE_TILE_ROWS: usize = 64;

/// Rows a plane tile stores: its own at 1..=PLANE_TILE_ROWS, the row of
/// the tile above at 0 and of the tile below after its own (kept there by
/// the plane, so a step reads three tiles' columns as they lie), padded
/// for whole AVX2 registers. (32 rows were measured slower than 64 on the
/// gun: 1.5x the tiles stepped, each costing nearly as much.)
pub const PLANE_ROWS: usize = PLANE_TILE_ROWS + 4;

// A tile's rows are the bits of one `u64` mask (see [`PlaneRows`]).
const _: () = assert!(PLANE_TILE_ROWS == 64);

/// Which of a tile's own rows a step must look at (bit r for own row r).
/// Each mask may say more than is so, never less.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlaneRows {
    /// Those that may have live cells around them.
    pub need: u64,
    /// Those whose old rows, the ones the step writes over, may be alive.
    /// A row in neither `need` nor `old` is dead and stays dead, untouched.
    pub old: u64,
    /// Those that may be alive now. Where a row or one next to it is, the
    /// cells around it need not be looked at to know it may come alive.
    pub alive: u64,
}

/// Steps one plane tile: here SIMD lanes are rows, not words, because a
/// tile is one word wide. Each bundle of output rows loads the rows above,
/// at and below it straight from the three columns, so nothing is staged.
/// The next generation is written over the old one in place (`next`):
/// each bundle's old rows are read before its new ones are stored, and no
/// later bundle reads them.
#[inline(always)]
fn step_plane_tile_with<B: Bits, T: Transition>(
    rule: T,
    [west, centre, east]: [&[u64; PLANE_ROWS]; 3],
    next: &mut [u64; PLANE_ROWS],
    rows: PlaneRows,
) -> PlaneStep {
    // A function, not a closure: closures do not inherit the caller's
    // target features, and un-inlined AVX2 intrinsics cost 20x.
    #[inline(always)]
    fn sums<B: Bits>([west, centre, east]: [&[u64; PLANE_ROWS]; 3], k: usize) -> RowSums<B> {
        let cells = B::load(&centre[k..]);
        RowSums::new(
            cells.left(B::load(&west[k..])),
            cells,
            cells.right(B::load(&east[k..])),
        )
    }
    /// The cells of stored rows `k..k + LANES` and the nearest bits of
    /// the side columns, ORed: zero when nothing there can affect the rows.
    #[inline(always)]
    fn near<B: Bits>([west, centre, east]: [&[u64; PLANE_ROWS]; 3], k: usize) -> B {
        let zero = B::splat(0);
        B::load(&centre[k..])
            .or(zero.left(B::load(&west[k..])))
            .or(zero.right(B::load(&east[k..])))
    }
    let columns = [west, centre, east];
    let mut changed = B::splat(0);
    let mut alive = 0u64;
    let bundle = u64::MAX >> (64 - B::LANES);
    let near_alive = rows.alive | rows.alive << 1 | rows.alive >> 1;
    // Bundles of LANES rows, aligned, each visited once: only those with
    // a row to look at (a glider's tile steps one or two of eight).
    let mut todo = rows.need | rows.old;
    while todo != 0 {
        let k = todo.trailing_zeros() as usize / B::LANES * B::LANES;
        let these = bundle << k;
        todo &= !these;
        let before = B::load(&next[k + 1..]);
        // Rows with nothing alive around them stay dead (no B0 on the
        // plane): most tiles of a spaceship or a small oscillator are
        // empty but for a few rows.
        if rows.need & these == 0
            || (near_alive & these == 0
                && !near::<B>(columns, k).or(near::<B>(columns, k + 2)).any())
        {
            B::splat(0).store(&mut next[k + 1..]);
            changed = changed.or(before);
            continue;
        }
        let above = sums::<B>(columns, k).triples();
        let centre = sums::<B>(columns, k + 1);
        let below = sums::<B>(columns, k + 2).triples();
        let cells = rule.next(centre.cells, count(&above, &centre, &below));
        cells.store(&mut next[k + 1..]);
        changed = changed.or(cells.xor(before));
        alive |= cells.live_lanes() << k;
    }
    let mut lanes = [0u64; 8];
    changed.store(&mut lanes);
    let changed = lanes[..B::LANES].iter().fold(0, |a, &w| a | w);
    PlaneStep { changed, alive }
}

/// What a plane tile's step found, besides its next rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlaneStep {
    /// The cells that differ from the old rows, ORed over all rows.
    pub changed: u64,
    /// The own rows with a live cell in the next generation (bit r for
    /// own row r).
    pub alive: u64,
}

#[inline(always)]
fn step_plane_tile_rule<B: Bits>(
    rule: &Rule,
    columns: [&[u64; PLANE_ROWS]; 3],
    next: &mut [u64; PLANE_ROWS],
    rows: PlaneRows,
) -> PlaneStep {
    with_transition!(rule, t => step_plane_tile_with::<B, _>(t, columns, next, rows))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn step_plane_tile_avx2(
    rule: &Rule,
    columns: [&[u64; PLANE_ROWS]; 3],
    next: &mut [u64; PLANE_ROWS],
    rows: PlaneRows,
) -> PlaneStep {
    step_plane_tile_rule::<[avx2::Ymm; 2]>(rule, columns, next, rows)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn step_plane_tile_avx512(
    rule: &Rule,
    columns: [&[u64; PLANE_ROWS]; 3],
    next: &mut [u64; PLANE_ROWS],
    rows: PlaneRows,
) -> PlaneStep {
    step_plane_tile_rule::<avx512::Zmm>(rule, columns, next, rows)
}

/// Steps one tile of the unbounded plane one generation: `columns` are
/// the tiles to its left, itself and to its right as stored (see
/// [`PLANE_ROWS`]; only the nearest bit of the side ones counts), and
/// `next` holds the tile's old rows, which its next ones replace (its
/// bordering rows are left alone). What differs from the old rows is
/// returned, with the rows alive.
pub fn step_plane_tile(
    isa: Isa,
    rule: &Rule,
    columns: [&[u64; PLANE_ROWS]; 3],
    next: &mut [u64; PLANE_ROWS],
    rows: PlaneRows,
) -> PlaneStep {
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            assert!(
                std::arch::is_x86_feature_detected!("avx2"),
                "the AVX2 kernel needs a CPU with AVX2"
            );
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { step_plane_tile_avx2(rule, columns, next, rows) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            assert!(
                std::arch::is_x86_feature_detected!("avx512f"),
                "the AVX-512 kernel needs a CPU with AVX-512F"
            );
            // SAFETY: the CPU supports AVX-512F, checked just above.
            unsafe { step_plane_tile_avx512(rule, columns, next, rows) }
        }
        _ => step_plane_tile_rule::<[u64; 4]>(rule, columns, next, rows),
    }
}
