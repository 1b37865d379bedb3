//! Readers must return Ok or Err, never panic, on arbitrary bytes and on
//! arbitrary mutations of valid files. Whatever is accepted must survive a
//! trip through the RLE writer unchanged.

use life_core::engine::Rule;
use life_core::pattern::{Limits, Pattern, parse, parse_with_limits, write_rle};
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    "#N Glider\n#O Richard K. Guy\n#C c\nx = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n",
    "#r 23/36\r\nx=36,y=9\r\n24bo11b$22bobo11b$12b2o6b2o12b2o$11bo3bo4b2o12b2o$2o8bo5bo3b2o14b$2o8b\r\no3bob2o4bobo11b$10bo5bo7bo11b$11bo3bo20b$12b2o22b!",
    "x = 5, y = 4, rule = B36/S23:T10,8\ro3$4bo\r",
    "bo$2bo$3o!",
    "!Name: Glider\n!c\n.O.\n..O\nOOO\n",
    "#Life 1.06\n0 -1\n1 0\n-1 1\n0 1\n1 1\n",
    "#Life 1.05\n#D glider\n#R 23/3\n#P -1 -1\n.*\n..*\n***\n#P 5 5\n*\n",
];

/// Tokens worth splicing in: numbers near limits, RLE tags, line breaks,
/// header pieces, multi-state letters and non-ASCII.
const TOKENS: &[&str] = &[
    "9999999999",
    "10000000",
    "65536",
    "0",
    "-",
    "$",
    "!",
    "b",
    "o",
    "\r",
    "\r\n",
    "\n",
    "#r ",
    "#N ",
    ":T",
    ":P3,",
    ",",
    "=",
    "x = ",
    "y = ",
    "rule = ",
    "A",
    ".",
    "*",
    "O",
    "é",
    "\u{0}",
    "#Life 1.06\n",
];

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    Splice(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(i, t)| Mutation::Splice(i, t)),
        (any::<usize>(), 1..40usize).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
    match *m {
        Mutation::Delete(i) if !bytes.is_empty() => {
            let i = i % bytes.len();
            bytes.remove(i);
        }
        Mutation::Delete(_) => {}
        Mutation::Insert(i, b) => {
            let i = at(i, bytes.len());
            bytes.insert(i, b);
        }
        Mutation::Replace(i, b) if !bytes.is_empty() => {
            let i = i % bytes.len();
            bytes[i] = b;
        }
        Mutation::Replace(..) => {}
        Mutation::Splice(i, t) => {
            let i = at(i, bytes.len());
            bytes.splice(i..i, TOKENS[t].bytes());
        }
        Mutation::Duplicate(i, n) => {
            let i = at(i, bytes.len());
            let end = (i + n).min(bytes.len());
            let copy = bytes[i..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Mutation::Truncate(i) => {
            let i = at(i, bytes.len());
            bytes.truncate(i);
        }
    }
}

/// Mutated headers can ask for big grids; keep allocations small here.
/// (The default limits are exercised by the reader unit tests.)
const LIMITS: Limits = Limits {
    max_cells: 1 << 22,
    max_run: 1 << 16,
};

/// Anything accepted must come back the same through the RLE writer, read
/// with the same limits (which decide whether a box is kept as a grid or
/// as runs).
fn check_rewrite(p: &Pattern, limits: &Limits) -> Result<(), TestCaseError> {
    let text = write_rle(p);
    let back = parse_with_limits(text.as_bytes(), limits)
        .map_err(|e| TestCaseError::fail(format!("rewrite failed: {e}\n{text}")))?;
    // RLE has no place for Life 1.06/1.05's absolute origin (Golly would
    // write it as `#CXRLE Pos`, which is read back as such, not as an origin).
    let expected = Pattern {
        rule: Some(p.rule.unwrap_or(Rule::LIFE)),
        origin: None,
        ..p.clone()
    };
    prop_assert_eq!(back, expected, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(p) = parse(&bytes) {
            check_rewrite(&p, &Limits::default())?;
        }
    }

    #[test]
    fn arbitrary_printable_text_never_panics(text in "[ -~\r\n\t]{0,300}") {
        if let Ok(p) = parse_with_limits(text.as_bytes(), &LIMITS) {
            check_rewrite(&p, &LIMITS)?;
        }
    }

    #[test]
    fn mutated_valid_files_never_panic(
        seed in 0..SEEDS.len(),
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let mut bytes = SEEDS[seed].as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        match parse_with_limits(&bytes, &LIMITS) {
            Ok(p) => check_rewrite(&p, &LIMITS)?,
            Err(e) => {
                // Errors name a real place: line 0 only for whole-file errors.
                let text = String::from_utf8_lossy(&bytes);
                let lines = text.split_inclusive(['\n', '\r']).count().max(1);
                prop_assert!(e.line <= lines + 1, "line {} of {}: {}", e.line, lines, e);
                prop_assert!(e.line == 0 || e.column >= 1, "{}", e);
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
}

#[test]
fn seeds_are_valid() {
    for seed in SEEDS {
        let p = parse(seed.as_bytes()).unwrap_or_else(|e| panic!("{seed:?}: {e}"));
        assert!(p.cells.population() > 0, "{seed:?}");
    }
}
