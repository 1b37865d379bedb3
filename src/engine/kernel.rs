//! The bit-sliced step kernel: 64 cells per word, neighbour counts summed
//! with full adders so that the loop is branch-free and vectorises.

use super::bitgrid::last_word_mask;
use super::{Edge, Rule};

/// The four bits of each cell's neighbour count (0..=8), one word per bit.
#[derive(Clone, Copy)]
struct Counts {
    s0: u64,
    s1: u64,
    s2: u64,
    s3: u64,
}

#[inline(always)]
fn full_add(x: u64, y: u64, z: u64) -> (u64, u64) {
    let xy = x ^ y;
    (xy ^ z, (x & y) | (z & xy))
}

/// Counts the eight neighbours given the three rows' words and their
/// one-cell shifts (`*l` holds each cell's left neighbour, `*r` its right).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn count(al: u64, a: u64, ar: u64, cl: u64, cr: u64, bl: u64, b: u64, br: u64) -> Counts {
    let (a1, a2) = full_add(al, a, ar);
    let (b1, b2) = full_add(bl, b, br);
    let (c1, c2) = (cl ^ cr, cl & cr);
    let (s0, k1) = full_add(a1, b1, c1);
    let (x, y) = full_add(a2, b2, c2);
    let s1 = x ^ k1;
    let z = x & k1;
    Counts {
        s0,
        s1,
        s2: y ^ z,
        s3: y & z,
    }
}

/// How a rule turns (alive, neighbour count) words into the next words.
trait Transition: Copy {
    fn next(self, alive: u64, n: Counts) -> u64;
}

/// B3/S23, the rule almost everyone runs: a handful of operations a word.
#[derive(Clone, Copy)]
struct Conway;

impl Transition for Conway {
    #[inline(always)]
    fn next(self, alive: u64, n: Counts) -> u64 {
        n.s1 & !n.s2 & !n.s3 & (n.s0 | alive)
    }
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
    fn next(self, alive: u64, n: Counts) -> u64 {
        let (n0, n1) = (!n.s0, !n.s1);
        let low = [n0 & n1, n.s0 & n1, n0 & n.s1, n.s0 & n.s1];
        let below4 = !n.s2 & !n.s3;
        let four_to_seven = n.s2 & !n.s3;
        let mut born = n.s3 & self.birth[8];
        let mut survive = n.s3 & self.survival[8];
        for (k, low) in low.into_iter().enumerate() {
            let eq_low = low & below4;
            let eq_high = low & four_to_seven;
            born |= (eq_low & self.birth[k]) | (eq_high & self.birth[k + 4]);
            survive |= (eq_low & self.survival[k]) | (eq_high & self.survival[k + 4]);
        }
        (alive & survive) | (!alive & born)
    }
}

/// Computes one output row from the rows above, at and below it.
/// `width` is in cells; bits past it are left zero in `out`.
pub fn step_row(
    rule: &Rule,
    edge: Edge,
    width: usize,
    above: &[u64],
    centre: &[u64],
    below: &[u64],
    out: &mut [u64],
) {
    if *rule == Rule::LIFE {
        step_row_with(Conway, edge, width, above, centre, below, out);
    } else {
        step_row_with(AnyRule::new(rule), edge, width, above, centre, below, out);
    }
}

#[inline(always)]
fn step_row_with<T: Transition>(
    rule: T,
    edge: Edge,
    width: usize,
    above: &[u64],
    centre: &[u64],
    below: &[u64],
    out: &mut [u64],
) {
    let n = out.len();
    assert!(n > 0 && above.len() == n && centre.len() == n && below.len() == n);
    if n > 2 {
        interior_words(rule, above, centre, below, &mut out[1..n - 1]);
    }
    out[0] = edge_word(rule, edge, width, above, centre, below, 0);
    if n > 1 {
        out[n - 1] = edge_word(rule, edge, width, above, centre, below, n - 1);
    }
    out[n - 1] &= last_word_mask(width);
}

/// Words 1..n-1, whose neighbours are all inside the row: the hot loop.
#[inline(always)]
fn interior_words<T: Transition>(rule: T, a: &[u64], c: &[u64], b: &[u64], out: &mut [u64]) {
    let m = out.len();
    // Equal-length slices let the compiler drop bounds checks and vectorise.
    let (a0, a1, a2) = (&a[..m], &a[1..m + 1], &a[2..m + 2]);
    let (c0, c1, c2) = (&c[..m], &c[1..m + 1], &c[2..m + 2]);
    let (b0, b1, b2) = (&b[..m], &b[1..m + 1], &b[2..m + 2]);
    for i in 0..m {
        let n = count(
            (a1[i] << 1) | (a0[i] >> 63),
            a1[i],
            (a1[i] >> 1) | (a2[i] << 63),
            (c1[i] << 1) | (c0[i] >> 63),
            (c1[i] >> 1) | (c2[i] << 63),
            (b1[i] << 1) | (b0[i] >> 63),
            b1[i],
            (b1[i] >> 1) | (b2[i] << 63),
        );
        out[i] = rule.next(c1[i], n);
    }
}

/// Word `j` when it is the first or last of the row: neighbours across the
/// left/right edge wrap (torus) or are dead.
#[inline(always)]
fn edge_word<T: Transition>(
    rule: T,
    edge: Edge,
    width: usize,
    a: &[u64],
    c: &[u64],
    b: &[u64],
    j: usize,
) -> u64 {
    let n = c.len();
    let last_bit = (width - 1) % 64;
    let torus = edge == Edge::Torus;
    let left = |r: &[u64]| {
        let carry = if j > 0 {
            r[j - 1] >> 63
        } else if torus {
            r[n - 1] >> last_bit & 1
        } else {
            0
        };
        (r[j] << 1) | carry
    };
    let right = |r: &[u64]| {
        let mut word = r[j] >> 1;
        if j + 1 < n {
            word |= r[j + 1] << 63;
        } else if torus {
            word |= (r[0] & 1) << last_bit;
        }
        word
    };
    let counts = count(
        left(a),
        a[j],
        right(a),
        left(c),
        right(c),
        left(b),
        b[j],
        right(b),
    );
    rule.next(c[j], counts)
}
