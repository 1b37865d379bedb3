//! The Life 1.05 reader: a `#Life 1.05` line, `#D` comments, `#N` (normal
//! rules) or `#R s/b` rule, and `#P x y` blocks of `.`/`*` rows placed
//! relative to an origin. The cells are normalised to their bounding box.

use super::{Limits, Pattern, PatternError, grid_from_points, lines};
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
    pattern.cells =
        grid_from_points(&cells, limits).map_err(|kind| PatternError::new(last_line, 1, kind))?;
    Ok(pattern)
}
