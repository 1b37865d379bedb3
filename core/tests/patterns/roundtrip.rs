//! Round trips through the writers: read(write(p)) == p for RLE and `.cells`,
//! over random grids (widths 0..200, including non-multiples of 64) and
//! random metadata.

use life_core::engine::{BitGrid, Edge, Rule};
use life_core::pattern::{
    Bounds, Cells, Pattern, RLE_LINE_LIMIT, Xrle, parse, write_cells, write_rle,
};
use proptest::prelude::*;

/// Words biased towards empty, full and sparse, so rows have blank runs,
/// long runs and multi-digit counts.
fn word() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => Just(0u64),
        1 => Just(u64::MAX),
        2 => any::<u64>(),
        2 => (any::<u64>(), any::<u64>(), any::<u64>()).prop_map(|(a, b, c)| a & b & c),
        1 => (0..64u32, 0..64u32).prop_map(|(a, b)| (u64::MAX << a.min(b)) & (u64::MAX >> (63 - a.max(b)))),
    ]
}

fn grid() -> impl Strategy<Value = BitGrid> {
    (0..200usize, 0..40usize).prop_flat_map(|(w, h)| {
        proptest::collection::vec(word(), w.div_ceil(64) * h)
            .prop_map(move |words| BitGrid::from_words(w, h, words))
    })
}

/// One-line text without leading or trailing whitespace (readers trim names).
fn name() -> impl Strategy<Value = String> {
    "[ -~é☃]{1,30}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("non-blank", |s| !s.is_empty())
}

/// A comment line: may start with spaces or be empty, no trailing whitespace.
fn comment() -> impl Strategy<Value = String> {
    "[ -~é☃]{0,60}".prop_map(|s| s.trim_end().to_string())
}

fn rule() -> impl Strategy<Value = Rule> {
    (0..512u16, 0..512u16).prop_map(|(birth, survival)| Rule { birth, survival })
}

fn bounds() -> impl Strategy<Value = Bounds> {
    (1..5000usize, 1..5000usize, any::<bool>()).prop_map(|(width, height, torus)| Bounds {
        width,
        height,
        edge: if torus { Edge::Torus } else { Edge::Dead },
    })
}

fn xrle() -> impl Strategy<Value = Xrle> {
    (
        proptest::option::of((any::<i64>(), any::<i64>())),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(|(pos, generation)| Xrle { pos, generation })
}

fn pattern() -> impl Strategy<Value = Pattern> {
    (
        proptest::option::of(name()),
        proptest::option::of(name()),
        proptest::collection::vec(comment(), 0..4),
        proptest::option::of(rule()),
        proptest::option::of(bounds()),
        proptest::option::of(xrle()),
        grid(),
    )
        .prop_map(
            |(name, author, comments, rule, bounds, xrle, cells)| Pattern {
                name,
                author,
                comments,
                rule,
                bounds,
                xrle,
                origin: None,
                cells: Cells::Grid(cells),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rle_round_trip(p in pattern()) {
        let text = write_rle(&p);
        let back = parse(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        // A missing rule is written as B3/S23.
        let expected = Pattern { rule: Some(p.rule.unwrap_or(Rule::LIFE)), ..p };
        prop_assert_eq!(back, expected, "{}", text);
    }

    #[test]
    fn rle_lines_fit_and_runs_are_whole(p in pattern()) {
        let text = write_rle(&p);
        prop_assert!(text.ends_with("!\n"));
        let header = text.lines().position(|l| l.starts_with("x = ")).unwrap();
        for line in text.lines().skip(header + 1) {
            prop_assert!(line.len() <= RLE_LINE_LIMIT, "{} chars: {}", line.len(), line);
            prop_assert!(!line.is_empty());
            prop_assert!(!line.ends_with(|c: char| c.is_ascii_digit()), "split run: {}", line);
            // No dead run just before a row end or the end.
            prop_assert!(!line.contains("b$") && !line.contains("b!"), "trailing dead cells: {}", line);
        }
    }

    #[test]
    fn cells_round_trip(p in pattern()) {
        // Plaintext has no rule, bounds or XRLE line.
        let p = Pattern { rule: None, bounds: None, xrle: None, ..p };
        let text = write_cells(&p);
        let nothing = p.name.is_none() && p.author.is_none() && p.comments.is_empty();
        match parse(text.as_bytes()) {
            Ok(back) => {
                // No rows means no width either.
                let expected = if p.cells.height() == 0 {
                    Pattern { cells: Cells::Grid(BitGrid::new(0, 0)), ..p }
                } else {
                    p
                };
                prop_assert_eq!(back, expected, "{}", text);
            }
            Err(e) => {
                // Only an empty file can fail: no metadata and no rows.
                prop_assert!(nothing && p.cells.height() == 0, "{}\n{}", e, text);
            }
        }
    }
}

#[test]
fn round_trip_shapes_at_word_boundaries() {
    for width in [1, 63, 64, 65, 127, 128, 129, 199] {
        let mut cells = BitGrid::new(width, 3);
        cells.set(width - 1, 0, true);
        cells.set(0, 2, true);
        if width > 1 {
            cells.set(width - 2, 2, true);
        }
        let p = Pattern {
            rule: Some(Rule::LIFE),
            ..Pattern::from_cells(cells)
        };
        assert_eq!(parse(write_rle(&p).as_bytes()).unwrap(), p, "width {width}");
        let p = Pattern { rule: None, ..p };
        assert_eq!(
            parse(write_cells(&p).as_bytes()).unwrap(),
            p,
            "width {width}"
        );
    }
}
