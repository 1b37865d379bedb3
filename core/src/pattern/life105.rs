//! The Life 1.05 reader: a `#Life 1.05` line, `#D` comments, `#N` (normal
//! rules) or `#R s/b` rule, and `#P x y` blocks of `.`/`*` rows placed
//! relative to an origin. The cells are normalised to their bounding box.

use super::{Limits, Pattern, PatternError, cells_from_points, lines};
use crate::engine::{BitGrid, Rule};

/// What went wrong in a Life 1.05 file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Life105Error {
    #[error("missing '#Life 1.05' header")]
    MissingHeader,
    #[error("unknown character {0:?} (expected '.' or '*')")]
    UnknownChar(char),
    #[error("'#P' needs two integer coordinates, found '{0}'")]
    BadPosition(String),
    #[error("cell coordinates out of range")]
    OutOfRange,
}

/// Reads a Life 1.05 pattern. Rows before any `#P` start at (0, 0).
pub fn parse(text: &str, limits: &Limits) -> Result<Pattern, PatternError> {
    let mut pattern = Pattern::from_cells(BitGrid::new(0, 0));
    let mut cells: Vec<(i64, i64)> = Vec::new();
    let mut seen_header = false;
    let (mut origin_x, mut origin_y, mut row) = (0i64, 0i64, 0i64);
    let mut last_line = 1;
    for (n, line) in lines(text) {
        last_line = n;
        let trimmed = line.trim_end();
        if !seen_header {
            if trimmed.trim_start().is_empty() {
                continue;
            }
            if !trimmed
                .trim_start()
                .get(..10)
                .is_some_and(|p| p.eq_ignore_ascii_case("#Life 1.05"))
            {
                return Err(PatternError::new(n, 1, Life105Error::MissingHeader));
            }
            seen_header = true;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('#') {
            let mut chars = rest.chars();
            let tag = chars.next();
            let arg = chars.as_str();
            let arg_column = super::column_of(line, 2 + (arg.len() - arg.trim_start().len()));
            match tag {
                Some('D' | 'C') => pattern
                    .comments
                    .push(arg.strip_prefix(' ').unwrap_or(arg).to_string()),
                Some('N') => pattern.rule = Some(Rule::LIFE),
                Some('R') => {
                    pattern.rule =
                        Some(Rule::parse(arg).map_err(|e| PatternError::new(n, arg_column, e))?);
                }
                Some('P') => {
                    let bad = || {
                        PatternError::new(
                            n,
                            arg_column,
                            Life105Error::BadPosition(arg.trim().to_string()),
                        )
                    };
                    let mut parts = arg.split_whitespace().map(str::parse::<i64>);
                    let (Some(Ok(x)), Some(Ok(y)), None) =
                        (parts.next(), parts.next(), parts.next())
                    else {
                        return Err(bad());
                    };
                    (origin_x, origin_y, row) = (x, y, 0);
                }
                _ => {}
            }
            continue;
        }
        let y = origin_y
            .checked_add(row)
            .ok_or_else(|| PatternError::new(n, 1, Life105Error::OutOfRange))?;
        for (i, ch) in trimmed.chars().enumerate() {
            match ch {
                '.' => {}
                '*' => {
                    let x = i64::try_from(i)
                        .ok()
                        .and_then(|i| origin_x.checked_add(i))
                        .ok_or_else(|| PatternError::new(n, i + 1, Life105Error::OutOfRange))?;
                    cells.push((x, y));
                }
                _ => return Err(PatternError::new(n, i + 1, Life105Error::UnknownChar(ch))),
            }
        }
        row += 1;
    }
    if !seen_header {
        return Err(PatternError::new(last_line, 1, Life105Error::MissingHeader));
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
    fn reads_a_glider_block() {
        let p = read("#Life 1.05\n#D A glider\n#D  by Guy\n#N\n#P -1 -1\n.*\n..*\n***\n");
        assert_eq!(p.comments, ["A glider", " by Guy"]);
        assert_eq!(p.rule, Some(Rule::LIFE));
        assert_eq!(rows(&p.cells), [".O.", "..O", "OOO"]);
    }

    #[test]
    fn blocks_are_placed_relative_to_each_other() {
        let p = read("#Life 1.05\r\n#P 10 -5\r\n**\r\n#P 13 -3\r\n*\r\n.*\r\n");
        assert_eq!(rows(&p.cells), ["OO...", ".....", "...O.", "....O"]);
        // Rows before any #P start at the origin; blank lines are empty rows.
        let p = read("#Life 1.05\n*\n\n*\n");
        assert_eq!(rows(&p.cells), ["O", ".", "O"]);
    }

    #[test]
    fn rule_line_is_survival_first() {
        let p = read("#Life 1.05\n#R 23/36\n#P 0 0\n*\n");
        assert_eq!(p.rule, Rule::parse("B36/S23").ok());
        let e = fail("#Life 1.05\n#R  23/9\n");
        assert_eq!((e.line, e.column), (2, 5));
        assert!(matches!(e.kind, PatternErrorKind::Rule(_)), "{e}");
        assert_eq!(read("#Life 1.05\n*\n").rule, None);
    }

    #[test]
    fn errors_are_located() {
        let e = fail("#Life 1.05\n#P 0 0\n.*o\n");
        assert_eq!((e.line, e.column), (3, 3));
        assert_eq!(
            e.to_string(),
            "3:3: unknown character 'o' (expected '.' or '*')"
        );
        let e = fail("#Life 1.05\n#P 0\n*\n");
        assert_eq!((e.line, e.column), (2, 4));
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Life105(Life105Error::BadPosition(_))
            ),
            "{e}"
        );
        let e = fail("#Life 1.05\n#P a b\n*\n");
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Life105(Life105Error::BadPosition(_))
            ),
            "{e}"
        );
        let e = fail("#Life 1.05\n#P 9223372036854775807 0\n.*\n");
        assert!(
            matches!(e.kind, PatternErrorKind::Life105(Life105Error::OutOfRange)),
            "{e}"
        );
        assert_eq!((e.line, e.column), (3, 2));
        let e = fail("*\n");
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Life105(Life105Error::MissingHeader)
            ),
            "{e}"
        );
    }

    #[test]
    fn far_apart_blocks_past_the_grid_limit_read_as_runs() {
        let p = read("#Life 1.05\n#P -2000000000 0\n*\n#P 2000000000 5\n*\n");
        assert!(p.cells.grid().is_none());
        assert_eq!((p.cells.width(), p.cells.height()), (4_000_000_001, 6));
        assert_eq!(p.origin, Some((-2_000_000_000, 0)));
        assert!(p.cells.get(0, 0) && p.cells.get(4_000_000_000, 5));
        let p = parse("#Life 1.05\n#P 0 0\n*\n#P 500 500\n*\n", &small()).unwrap();
        assert_eq!((p.cells.grid(), p.cells.population()), (None, 2));
    }
}
