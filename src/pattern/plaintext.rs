//! The plaintext `.cells` reader: `!` comment lines, `.` dead, `O` (or `*`)
//! alive, ragged lines; the width is that of the longest line.

use super::{Limits, Pattern, PatternError, check_size, fill_run, lines};
use crate::engine::BitGrid;

/// What went wrong in a `.cells` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaintextError {
    #[error("unknown character {0:?} (expected '.', 'O' or '*')")]
    UnknownChar(char),
}

/// Reads a `.cells` pattern. `!Name:` and `!Author:` lines (the first of
/// each) give the name and author, other `!` lines are comments. Trailing
/// spaces and tabs on rows are ignored.
pub fn parse(text: &str, limits: &Limits) -> Result<Pattern, PatternError> {
    let mut pattern = Pattern::from_cells(BitGrid::new(0, 0));
    let mut rows: Vec<&str> = Vec::new();
    let mut width = 0;
    for (n, line) in lines(text) {
        if let Some(rest) = line.strip_prefix('!') {
            let rest = rest.trim_end();
            if let (None, Some(name)) = (&pattern.name, rest.strip_prefix("Name:")) {
                pattern.name = Some(name.trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
            } else if let (None, Some(author)) = (&pattern.author, rest.strip_prefix("Author:")) {
                pattern.author = Some(author.trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
            } else {
                pattern.comments.push(rest.to_string());
            }
            continue;
        }
        let row = line.trim_end_matches([' ', '\t']);
        if let Some((i, ch)) = row
            .chars()
            .enumerate()
            .find(|&(_, c)| !matches!(c, '.' | 'O' | '*'))
        {
            return Err(PatternError::new(n, i + 1, PlaintextError::UnknownChar(ch)));
        }
        // All ASCII from here, so bytes are columns.
        width = width.max(row.len());
        rows.push(row);
        check_size(width as u128, rows.len() as u128, limits)
            .map_err(|kind| PatternError::new(n, 1, kind))?;
    }
    let mut grid = BitGrid::new(width, rows.len());
    for (y, row) in rows.iter().enumerate() {
        let bytes = row.as_bytes();
        let mut x = 0;
        while x < bytes.len() {
            let alive = bytes[x] != b'.';
            let end = bytes[x..]
                .iter()
                .position(|&b| (b != b'.') != alive)
                .map_or(bytes.len(), |i| x + i);
            if alive {
                fill_run(&mut grid, y, x, end - x);
            }
            x = end;
        }
    }
    pattern.cells = grid;
    Ok(pattern)
}
