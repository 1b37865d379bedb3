//! Tests of detection, dispatch, errors common to all formats, `read_file`
//! and the writers. Per-format reading tests live in each format's module.

use super::*;
use crate::files::FileError;

/// A grid from rows of `.`/`O`, ragged rows padded to the widest.
pub(crate) fn grid(rows: &[&str]) -> BitGrid {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut grid = BitGrid::new(width, rows.len());
    for (y, row) in rows.iter().enumerate() {
        for (x, ch) in row.chars().enumerate() {
            grid.set(x, y, ch == 'O');
        }
    }
    grid
}

/// The rows of a pattern's box as `.`/`O` strings.
pub(crate) fn rows(cells: &Cells) -> Vec<String> {
    (0..cells.height())
        .map(|y| {
            (0..cells.width())
                .map(|x| if cells.get(x, y) { 'O' } else { '.' })
                .collect()
        })
        .collect()
}

/// A format module's reader, as its unit tests call it.
pub(crate) type Reader = fn(&str, &Limits) -> Result<Pattern, PatternError>;

/// Reads `text` with default limits, failing the test on an error.
pub(crate) fn read_with(parse: Reader, text: &str) -> Pattern {
    parse(text, &Limits::default()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// Reads `text` with default limits, failing the test unless it is refused.
pub(crate) fn fail_with(parse: Reader, text: &str) -> PatternError {
    parse(text, &Limits::default()).expect_err(text)
}

pub(crate) fn small() -> Limits {
    Limits {
        max_cells: 1 << 16,
        max_run: 1000,
    }
}

fn glider() -> BitGrid {
    grid(&[".O.", "..O", "OOO"])
}

#[test]
fn detects_formats_by_content() {
    assert_eq!(detect_format("#Life 1.06\n0 0\n"), Format::Life106);
    assert_eq!(detect_format("#Life 1.05\n#P 0 0\n*\n"), Format::Life105);
    assert_eq!(detect_format("\n  #life 1.05\n"), Format::Life105);
    assert_eq!(detect_format("!Name: Glider\n.O.\n"), Format::Plaintext);
    assert_eq!(detect_format(".O.\n..O\nOOO\n"), Format::Plaintext);
    assert_eq!(detect_format("OO\nOO\n"), Format::Plaintext);
    assert_eq!(detect_format("*.*\n"), Format::Plaintext);
    assert_eq!(
        detect_format("#N Glider\nx = 3, y = 3\nbo$2bo$3o!"),
        Format::Rle
    );
    assert_eq!(detect_format("x = 3, y = 3\nbo$2bo$3o!"), Format::Rle);
    assert_eq!(detect_format("\u{feff}x = 3, y = 3\n"), Format::Rle);
    assert_eq!(detect_format("bo$2bo$3o!"), Format::Rle);
    assert_eq!(detect_format("\u{feff}!Name: x\n"), Format::Plaintext);
}

#[test]
fn parse_dispatches_on_content() {
    let expect = glider();
    for text in [
        "x = 3, y = 3\nbo$2bo$3o!\n",
        ".O.\n..O\nOOO\n",
        "#Life 1.06\n1 0\n2 1\n0 2\n1 2\n2 2\n",
        "#Life 1.05\n#P 0 0\n.*.\n..*\n***\n",
        "\u{feff}x = 3, y = 3\nbo$2bo$3o!\n",
    ] {
        let p = parse(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(p.cells, expect, "{text:?}");
    }
}

#[test]
fn empty_file_is_an_error() {
    let e = parse(b"").unwrap_err();
    assert!(matches!(e.kind, PatternErrorKind::Empty));
    assert_eq!(e.to_string(), "empty file");
    assert_eq!(e.line, 0);
}

#[test]
fn invalid_utf8_reports_the_line_and_column() {
    let e = parse(b"x = 1, y = 1\no\xffo!").unwrap_err();
    assert!(matches!(e.kind, PatternErrorKind::InvalidUtf8), "{e}");
    assert_eq!((e.line, e.column), (2, 2));
    assert_eq!(e.to_string(), "2:2: invalid UTF-8");
    let e = parse(b"!c\r\n!\xc3\xa9\xc3\r\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 3), "{e}");
    let e = parse(b"ab\rcd\r\xfe").unwrap_err();
    assert_eq!((e.line, e.column), (3, 1), "{e}");
}

#[test]
fn binary_garbage_is_an_error_not_a_panic() {
    for bytes in [
        &b"\x00\x01\x02\x03"[..],
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
        b"\x00\x00\x00\x00",
        b"PK\x03\x04\x14\x00\x00\x00",
    ] {
        assert!(parse(bytes).is_err(), "{bytes:?}");
    }
    let e = parse(b"\x00\x01").unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert_eq!(e.to_string(), "1:1: unknown character '\\0'");
}

#[test]
fn read_file_reports_io_errors_and_directories_without_position() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_file(dir.path()).unwrap_err();
    assert!(
        matches!(
            e.kind,
            PatternErrorKind::File(FileError::IsDirectory { .. })
        ),
        "{e}"
    );
    assert_eq!(e.line, 0);
    assert!(e.to_string().ends_with(": is a directory"), "{e}");
    assert!(!e.to_string().starts_with("0:"), "{e}");

    let missing = dir.path().join("missing.rle");
    let e = read_file(&missing).unwrap_err();
    assert!(
        matches!(e.kind, PatternErrorKind::File(FileError::Io { .. })),
        "{e}"
    );
    assert!(
        e.to_string().starts_with(&missing.display().to_string()),
        "{e}"
    );
    assert_eq!(e.line, 0);

    let file = dir.path().join("glider.rle");
    std::fs::write(&file, "x = 3, y = 3\r\nbo$2bo$3o!\r\n").unwrap();
    assert_eq!(read_file(&file).unwrap().cells, glider());

    let bad = dir.path().join("bad.cells");
    std::fs::write(&bad, b"!ok\n.O\xff\n").unwrap();
    let e = read_file(&bad).unwrap_err();
    assert_eq!(e.to_string(), "2:3: invalid UTF-8");
}

#[test]
fn check_size_counts_allocated_bits() {
    let limits = Limits {
        max_cells: 1 << 12,
        max_run: 10,
    };
    assert!(check_size(64, 64, &limits).is_ok());
    assert!(check_size(65, 64, &limits).is_err());
    // One column still takes a word per row.
    assert!(check_size(1, 64, &limits).is_ok());
    assert!(check_size(1, 65, &limits).is_err());
    // A zero dimension counts as one.
    assert!(check_size(0, 64, &limits).is_ok());
    assert!(check_size(0, 65, &limits).is_err());
    assert!(check_size(u128::MAX, u128::MAX, &limits).is_err());
    assert!(check_size(1 << 16, 1 << 16, &Limits::default()).is_ok());
    assert!(check_size((1 << 16) + 1, 1 << 16, &Limits::default()).is_err());
    assert!(check_size(1, 1 << 32, &Limits::default()).is_err());
}

#[test]
fn runs_and_fill_agree_across_word_boundaries() {
    for width in [1, 63, 64, 65, 130, 200] {
        for (start, len) in [
            (0, 1),
            (0, width),
            (width / 2, width - width / 2),
            (width - 1, 1),
        ] {
            let mut g = BitGrid::new(width, 1);
            fill_run(&mut g, 0, start, len);
            assert_eq!(g.population(), len as u64);
            let runs = row_runs(&g, 0);
            let mut expect = Vec::new();
            if start > 0 {
                expect.push((false, 0, start));
            }
            expect.push((true, start, len));
            assert_eq!(runs, expect, "width {width} start {start} len {len}");
        }
        assert!(row_runs(&BitGrid::new(width, 1), 0).is_empty());
    }
}

#[test]
fn points_are_normalised_to_their_bounding_box() {
    let (cells, origin) = cells_from_points(&[(-5, 10), (-3, 12)], &small()).unwrap();
    assert_eq!(rows(&cells), ["O..", "...", "..O"]);
    assert_eq!(origin, Some((-5, 10)));
    assert!(cells.grid().is_some());
    let e = cells_from_points(&[(i64::MIN, 0), (i64::MAX, 0)], &Limits::default()).unwrap_err();
    assert!(matches!(e, PatternErrorKind::TooLarge { .. }));
}

#[test]
fn a_box_too_large_for_a_grid_is_kept_as_sorted_merged_runs() {
    // 65 x 65 is past a limit of 4096 cells; points out of order, one
    // twice, two touching.
    let limits = Limits {
        max_cells: 4096,
        ..small()
    };
    let points = [(64, 64), (0, 0), (2, 0), (1, 0), (64, 64), (10, 3)];
    let (cells, origin) = cells_from_points(&points, &limits).unwrap();
    assert_eq!(origin, Some((0, 0)));
    let Cells::Runs {
        width,
        height,
        runs,
    } = &cells
    else {
        panic!("a grid of {}x{}", cells.width(), cells.height());
    };
    assert_eq!((*width, *height), (65, 65));
    let run = |y, x, len| Run { y, x, len };
    assert_eq!(runs, &[run(0, 0, 3), run(3, 10, 1), run(64, 64, 1)]);
    assert_eq!(cells.population(), 5);
    let live: Vec<_> = cells.live_cells().collect();
    assert_eq!(live, [(0, 0), (1, 0), (2, 0), (10, 3), (64, 64)]);
    assert!(cells.get(2, 0) && cells.get(64, 64) && !cells.get(3, 0) && !cells.get(10, 4));
    // Too many live cells for the plane is still refused.
    let many: Vec<_> = (0..5000).map(|x| (x, 0)).collect();
    let e = cells_from_points(&many, &limits).unwrap_err();
    assert!(
        matches!(e, PatternErrorKind::TooManyLive { limit: 4096 }),
        "{e}"
    );
}

#[test]
fn rle_of_a_box_past_the_grid_limit_reads_as_runs_and_writes_back_the_same() {
    // Two gliders 2^40 columns apart: the box is 2^40 + 3 by 3 cells, so
    // no grid could hold it, and the file is a few lines.
    let far = 1u64 << 40;
    let text = format!(
        "#CXRLE Pos=-7,5 Gen=1000\nx = {}, y = 3, rule = B3/S23\nbo{}bo$2bo{}bo$3o{}b3o!\n",
        far + 3,
        far - 1,
        far - 1,
        far - 3
    );
    let p = parse(text.as_bytes()).unwrap();
    assert_eq!((p.cells.width(), p.cells.height()), (far + 3, 3));
    assert!(p.cells.grid().is_none());
    assert_eq!(p.cells.population(), 10);
    assert!(p.cells.get(1, 0) && p.cells.get(far + 1, 0) && p.cells.get(far + 2, 2));
    assert!(!p.cells.get(far, 0) && !p.cells.get(3, 2));
    assert_eq!(write_rle(&p), text);
    // The same box from cells given one by one.
    let mut points: Vec<(i64, i64)> = p
        .cells
        .live_cells()
        .map(|(x, y)| (x as i64 - 7, y as i64 + 5))
        .collect();
    let saved = Pattern {
        cells: Cells::Grid(BitGrid::new(0, 0)),
        ..p.clone()
    };
    assert_eq!(rle::write_sparse(&saved, &mut points), text);
    // A headerless file takes the same path.
    let body = text.lines().nth(2).unwrap();
    let headerless = parse(body.as_bytes()).unwrap();
    assert_eq!(headerless.cells, p.cells);
    // And Life 1.06 with the same cells, placed at their own coordinates.
    let mut lif = String::from("#Life 1.06\n");
    for (x, y) in p.cells.live_cells() {
        lif.push_str(&format!("{} {}\n", x as i64 - 7, y as i64 + 5));
    }
    let lif = parse(lif.as_bytes()).unwrap();
    assert_eq!(lif.cells, p.cells);
    assert_eq!(lif.origin, Some((-7, 5)));
}

#[test]
fn writes_rle_of_a_glider() {
    let mut p = Pattern::from_cells(glider());
    p.name = Some("Glider".into());
    p.author = Some("Richard K. Guy".into());
    p.comments = vec![
        "The smallest spaceship.".into(),
        "".into(),
        "  indented".into(),
    ];
    assert_eq!(
        write_rle(&p),
        "#N Glider\n#O Richard K. Guy\n#C The smallest spaceship.\n#C\n#C   indented\n\
         x = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n"
    );
}

#[test]
fn writes_rle_rule_bounds_blank_rows_and_trailing_dead_cells() {
    let mut p = Pattern::from_cells(grid(&["O....", ".....", ".....", "..O..", "....."]));
    p.rule = Some(Rule::parse("B36/S23").unwrap());
    p.bounds = Some(Bounds {
        width: 100,
        height: 80,
        edge: Edge::Torus,
    });
    assert_eq!(
        write_rle(&p),
        "x = 5, y = 5, rule = B36/S23:T100,80\no3$2bo!\n"
    );
    p.bounds = Some(Bounds {
        width: 7,
        height: 9,
        edge: Edge::Dead,
    });
    p.rule = None;
    assert_eq!(write_rle(&p), "x = 5, y = 5, rule = B3/S23:P7,9\no3$2bo!\n");
    // Blank leading rows, an empty grid, a zero-sized grid.
    let p = Pattern::from_cells(grid(&["...", "...", ".OO"]));
    assert_eq!(write_rle(&p), "x = 3, y = 3, rule = B3/S23\n2$b2o!\n");
    let p = Pattern::from_cells(BitGrid::new(4, 2));
    assert_eq!(write_rle(&p), "x = 4, y = 2, rule = B3/S23\n!\n");
    let p = Pattern::from_cells(BitGrid::new(0, 0));
    assert_eq!(write_rle(&p), "x = 0, y = 0, rule = B3/S23\n!\n");
}

#[test]
fn rle_lines_are_at_most_70_chars_and_runs_are_never_split() {
    // Alternating runs with multi-digit counts, so tokens have varied lengths.
    let width = 3000;
    let mut g = BitGrid::new(width, 3);
    let (mut x, mut len, mut alive) = (0, 1, true);
    while x < width {
        let n = len.min(width - x);
        if alive {
            fill_run(&mut g, 1, x, n);
        }
        x += n;
        len = len * 7 % 23 + 1;
        alive = !alive;
    }
    let text = write_rle(&Pattern::from_cells(g.clone()));
    let data: Vec<&str> = text.lines().skip(1).collect();
    assert!(data.len() > 5);
    for line in &data {
        assert!(line.len() <= RLE_LINE_LIMIT, "{line}");
        // A line never ends in the middle of a count.
        assert!(!line.ends_with(|c: char| c.is_ascii_digit()), "{line}");
    }
    // Lines are filled: the next token would not have fit.
    for pair in data.windows(2) {
        let next = pair[1].find(|c: char| !c.is_ascii_digit()).unwrap() + 1;
        assert!(pair[0].len() + next > RLE_LINE_LIMIT, "{pair:?}");
    }
    assert_eq!(parse(text.as_bytes()).unwrap().cells, g);
}

#[test]
fn writes_cells_with_name_author_comments_and_full_rows() {
    let mut p = Pattern::from_cells(grid(&[".O.", "..O", "OOO", "..."]));
    p.name = Some("Glider".into());
    p.author = Some("Richard K. Guy".into());
    p.comments = vec!["two\nlines".into(), "".into()];
    let text = write_cells(&p);
    assert_eq!(
        text,
        "!Name: Glider\n!Author: Richard K. Guy\n!two\n!lines\n!\n.O.\n..O\nOOO\n...\n"
    );
    let back = parse(text.as_bytes()).unwrap();
    assert_eq!(back.cells, p.cells);
    assert_eq!(back.name, p.name);
    assert_eq!(back.author, p.author);
    assert_eq!(back.comments, ["two", "lines", ""]);
}

#[test]
fn writers_keep_names_on_one_line() {
    let mut p = Pattern::from_cells(glider());
    p.name = Some("a\nb".into());
    p.comments = vec!["x\r\ny".into()];
    let text = write_rle(&p);
    assert!(text.starts_with("#N a b\n#C x\n#C y\nx = 3"), "{text}");
    let back = parse(text.as_bytes()).unwrap();
    assert_eq!(back.name.as_deref(), Some("a b"));
    assert_eq!(back.comments, ["x", "y"]);
}

#[test]
fn pattern_error_display_has_position_only_when_known() {
    let e = PatternError::new(3, 7, RleError::CountWithoutTag);
    assert_eq!(e.to_string(), "3:7: run count with no tag");
    let e = PatternError::new(0, 0, PatternErrorKind::Empty);
    assert_eq!(e.to_string(), "empty file");
}
