//! The Life 1.06 reader: a `#Life 1.06` line, then one `x y` pair (signed
//! integers) per live cell. The cells are normalised to their bounding box.

use super::{Limits, Pattern, PatternError, cells_from_points, lines};
use crate::engine::BitGrid;

/// What went wrong in a Life 1.06 file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Life106Error {
    #[error("missing '#Life 1.06' header")]
    MissingHeader,
    #[error("expected two integer coordinates 'x y', found '{0}'")]
    BadLine(String),
    #[error("coordinate '{0}' is not an integer in range")]
    NotInteger(String),
}

/// Reads a Life 1.06 pattern. `#D`/`#C` lines are kept as comments and
/// other `#` lines ignored.
pub fn parse(text: &str, limits: &Limits) -> Result<Pattern, PatternError> {
    let mut pattern = Pattern::from_cells(BitGrid::new(0, 0));
    let mut cells: Vec<(i64, i64)> = Vec::new();
    let mut seen_header = false;
    let mut last_line = 1;
    for (n, line) in lines(text) {
        last_line = n;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !seen_header {
            if !trimmed
                .get(..10)
                .is_some_and(|p| p.eq_ignore_ascii_case("#Life 1.06"))
            {
                return Err(PatternError::new(n, 1, Life106Error::MissingHeader));
            }
            seen_header = true;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('#') {
            if let Some(text) = rest.strip_prefix(['D', 'C']) {
                pattern
                    .comments
                    .push(text.strip_prefix(' ').unwrap_or(text).to_string());
            }
            continue;
        }
        let column =
            |token: &str| super::column_of(line, token.as_ptr() as usize - line.as_ptr() as usize);
        let tokens: Vec<&str> = trimmed.split_whitespace().collect();
        let [x, y] = tokens[..] else {
            let at = tokens.get(2).map_or(column(trimmed), |t| column(t));
            return Err(PatternError::new(
                n,
                at,
                Life106Error::BadLine(trimmed.to_string()),
            ));
        };
        let coordinate = |token: &str| {
            token.parse::<i64>().map_err(|_| {
                PatternError::new(
                    n,
                    column(token),
                    Life106Error::NotInteger(token.to_string()),
                )
            })
        };
        cells.push((coordinate(x)?, coordinate(y)?));
    }
    if !seen_header {
        return Err(PatternError::new(last_line, 1, Life106Error::MissingHeader));
    }
    (pattern.cells, pattern.origin) =
        cells_from_points(&cells, limits).map_err(|kind| PatternError::new(last_line, 1, kind))?;
    Ok(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::PatternErrorKind;
    use crate::pattern::tests::{fail_with, read_with};
    use crate::pattern::tests::{rows, small};

    fn read(text: &str) -> Pattern {
        read_with(parse, text)
    }

    fn fail(text: &str) -> PatternError {
        fail_with(parse, text)
    }

    #[test]
    fn reads_negative_coordinates_normalised_to_the_bounding_box() {
        let p = read("#Life 1.06\n0 -1\n1 0\n-1 1\n0 1\n1 1\n");
        assert_eq!(rows(&p.cells), [".O.", "..O", "OOO"]);
        assert_eq!(p.rule, None);
        let p = read("#Life 1.06\r\n1000000 -1000000\r\n1000002 -999999\r\n");
        assert_eq!(rows(&p.cells), ["O..", "..O"]);
    }

    #[test]
    fn comments_blank_lines_duplicates_and_spacing() {
        let p = read("\n#Life 1.06\n#D a glider\n#C another\n#X ignored\n\n  0\t0  \n0 0\n2 0\n");
        assert_eq!(p.comments, ["a glider", "another"]);
        assert_eq!(rows(&p.cells), ["O.O"]);
    }

    #[test]
    fn header_only_is_empty() {
        let p = read("#Life 1.06\n");
        assert_eq!((p.cells.width(), p.cells.height()), (0, 0));
    }

    #[test]
    fn bad_lines_are_located() {
        let e = fail("#Life 1.06\n0 0\n1\n");
        assert_eq!((e.line, e.column), (3, 1));
        assert!(
            matches!(e.kind, PatternErrorKind::Life106(Life106Error::BadLine(_))),
            "{e}"
        );
        let e = fail("#Life 1.06\n0 0 7\n");
        assert_eq!((e.line, e.column), (2, 5));
        let e = fail("#Life 1.06\n0  x1\n");
        assert_eq!((e.line, e.column), (2, 4));
        assert_eq!(
            e.to_string(),
            "2:4: coordinate 'x1' is not an integer in range"
        );
        let e = fail("#Life 1.06\n99999999999999999999 0\n");
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Life106(Life106Error::NotInteger(_))
            ),
            "{e}"
        );
        let e = fail("0 0\n");
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Life106(Life106Error::MissingHeader)
            ),
            "{e}"
        );
    }

    #[test]
    fn spread_out_cells_read_as_runs_up_to_the_plane_s_width() {
        let e = fail("#Life 1.06\n-9223372036854775808 0\n9223372036854775807 0\n");
        assert!(matches!(e.kind, PatternErrorKind::TooLarge { .. }), "{e}");
        let p = read("#Life 1.06\n-9223372036854775807 0\n9223372036854775807 0\n");
        assert_eq!(p.cells.width(), u64::MAX);
        let p = parse("#Life 1.06\n0 0\n300 300\n", &small()).unwrap();
        assert_eq!((p.cells.grid(), p.cells.population()), (None, 2));
        assert_eq!((p.cells.width(), p.cells.height()), (301, 301));
    }
}
