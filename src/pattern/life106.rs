//! The Life 1.06 reader: a `#Life 1.06` line, then one `x y` pair (signed
//! integers) per live cell. The cells are normalised to their bounding box.

use super::{Limits, Pattern, PatternError, grid_from_points, lines};
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
    pattern.cells =
        grid_from_points(&cells, limits).map_err(|kind| PatternError::new(last_line, 1, kind))?;
    Ok(pattern)
}
