//! Reading pattern files from disk: the Gosper glider gun in every format
//! must read to the same cells, and bad files give located errors.

use std::path::PathBuf;

use life_core::engine::Rule;
use life_core::files::FileError;
use life_core::pattern::{
    Format, PatternErrorKind, detect_format, read_file, write_cells, write_rle,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pattern_io")
        .join(name)
}

const GUN_ROWS: [&str; 9] = [
    "........................O...........",
    "......................O.O...........",
    "............OO......OO............OO",
    "...........O...O....OO............OO",
    "OO........O.....O...OO..............",
    "OO........O...O.OO....O.O...........",
    "..........O.....O.......O...........",
    "...........O...O....................",
    "............OO......................",
];

fn rows(grid: &life_core::engine::BitGrid) -> Vec<String> {
    (0..grid.height())
        .map(|y| {
            (0..grid.width())
                .map(|x| if grid.get(x, y) { 'O' } else { '.' })
                .collect()
        })
        .collect()
}

#[test]
fn the_gun_reads_the_same_in_every_format() {
    for (file, format) in [
        ("gosper_glider_gun.rle", Format::Rle),
        ("gosper_glider_gun_cr.rle", Format::Rle),
        ("gosper_glider_gun.cells", Format::Plaintext),
        ("gosper_glider_gun.lif", Format::Life106),
        ("gosper_glider_gun_105.lif", Format::Life105),
    ] {
        let text = std::fs::read_to_string(data(file)).unwrap();
        assert_eq!(detect_format(&text), format, "{file}");
        let p = read_file(&data(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(rows(p.cells.grid().unwrap()), GUN_ROWS, "{file}");
        assert_eq!(p.cells.population(), 36, "{file}");
    }
}

#[test]
fn the_gun_keeps_its_metadata() {
    let rle = read_file(&data("gosper_glider_gun.rle")).unwrap();
    assert_eq!(rle.name.as_deref(), Some("Gosper glider gun"));
    assert_eq!(rle.author.as_deref(), Some("Bill Gosper"));
    assert_eq!(rle.comments.len(), 2);
    assert_eq!(rle.rule, Some(Rule::LIFE));
    let cells = read_file(&data("gosper_glider_gun.cells")).unwrap();
    assert_eq!(
        (&cells.name, &cells.author, &cells.comments),
        (&rle.name, &rle.author, &rle.comments)
    );
    assert_eq!(cells.rule, None);
    let l105 = read_file(&data("gosper_glider_gun_105.lif")).unwrap();
    assert_eq!(l105.comments, ["Gosper glider gun"]);
    assert_eq!(l105.rule, Some(Rule::LIFE));
}

#[test]
fn writing_the_gun_matches_the_canonical_files() {
    let rle = read_file(&data("gosper_glider_gun.rle")).unwrap();
    let written = write_rle(&rle);
    // Golly writes trailing dead cells out; we omit them, so compare by reading back.
    assert!(
        written
            .starts_with("#N Gosper glider gun\n#O Bill Gosper\n#C A true period 30 glider gun.\n")
    );
    assert!(written.contains("\nx = 36, y = 9, rule = B3/S23\n24bo$22bobo$12b2o6b2o12b2o$11bo3bo4b2o12b2o$2o8bo5bo3b2o$2o8bo3bob2o4b\nobo$10bo5bo7bo$11bo3bo$12b2o!\n"), "{written}");
    let cells = read_file(&data("gosper_glider_gun.cells")).unwrap();
    let expected_cells: String = std::fs::read_to_string(data("gosper_glider_gun.cells")).unwrap();
    // Our writer pads every row to the full width.
    let padded: Vec<String> = expected_cells
        .lines()
        .map(|l| {
            if l.starts_with('!') {
                l.to_string()
            } else {
                format!("{l:.<36}")
            }
        })
        .collect();
    assert_eq!(write_cells(&cells), padded.join("\n") + "\n");
}

#[test]
fn bad_files_give_located_errors() {
    let e = read_file(&data("multistate_in_two_state.rle")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "2:9: multi-state cell 'A' in a two-state rule"
    );
    let e = read_file(&data("truncated.rle")).unwrap_err();
    assert_eq!(e.to_string(), "3:8: run count with no tag");
    let e = read_file(&data("too_large.rle")).unwrap_err();
    assert!(matches!(e.kind, PatternErrorKind::TooLarge { .. }), "{e}");
    assert_eq!((e.line, e.column), (1, 1));
    let e = read_file(&data("invalid_utf8.rle")).unwrap_err();
    assert_eq!(e.to_string(), "2:8: invalid UTF-8");
    let e = read_file(&data("empty.rle")).unwrap_err();
    assert_eq!(e.to_string(), "empty file");
    let e = read_file(&data("")).unwrap_err();
    assert!(
        matches!(
            e.kind,
            PatternErrorKind::File(FileError::IsDirectory { .. })
        ),
        "{e}"
    );
    assert_eq!(e.line, 0);
    let e = read_file(&data("no_such_file.rle")).unwrap_err();
    assert!(
        matches!(e.kind, PatternErrorKind::File(FileError::Io { .. })),
        "{e}"
    );
    assert!(e.to_string().contains("no_such_file.rle"), "{e}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_io_errors() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.rle");
    std::fs::write(&path, "x = 1, y = 1\no!\n").unwrap();
    // A path through a file fails for every user, root included.
    let through_a_file = path.join("inner.rle");
    let e = read_file(&through_a_file).unwrap_err();
    assert!(
        matches!(e.kind, PatternErrorKind::File(FileError::Io { .. })),
        "{e}"
    );
    assert_eq!(e.line, 0);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root can read anything: the permission only bites for other users.
    if std::fs::read(&path).is_err() {
        let e = read_file(&path).unwrap_err();
        assert!(
            matches!(e.kind, PatternErrorKind::File(FileError::Io { .. })),
            "{e}"
        );
        assert_eq!(e.line, 0);
    }
}
