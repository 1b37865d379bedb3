//! The RLE reader, as Golly reads it.
//!
//! `#N`/`#O`/`#C`/`#c`/`#D`/`#r` lines (and `#P`/`#R` positions, ignored),
//! a header `x = m, y = n[, rule = R]`, then runs of `b`/`o`/`$` up to `!`.
//! The header may be missing, in which case the box is the extent of the
//! live cells read.

use super::{
    Limits, Pattern, PatternError, PatternErrorKind, check_size, column_of, fill_run, lines,
    parse_rule_and_bounds,
};
use crate::engine::BitGrid;

/// What went wrong in an RLE file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RleError {
    #[error("unknown character {0:?}")]
    UnknownChar(char),
    #[error("multi-state cell {0:?} in a two-state rule")]
    MultiState(char),
    #[error("run count with no tag")]
    CountWithoutTag,
    #[error("run count of zero")]
    ZeroRun,
    #[error("run count larger than the limit of {0}")]
    RunTooLong(u64),
    #[error("live cell at x = {x}, y = {y} is outside the {width} x {height} box of the header")]
    OutsideBox {
        x: u64,
        y: u64,
        width: usize,
        height: usize,
    },
    #[error("header: expected 'key = value', found '{0}'")]
    ExpectedKeyValue(String),
    #[error("header: unknown field '{0}'")]
    UnknownField(String),
    #[error("header: field '{0}' given twice")]
    DuplicateField(String),
    #[error("header: field '{0}' is missing")]
    MissingField(&'static str),
    #[error("header: {0} = '{1}' is not a whole number")]
    NotNumber(&'static str, String),
    #[error("header: {0} = {1} is negative")]
    Negative(&'static str, String),
    #[error("header: {0} = {1} is too large")]
    DimensionTooLarge(&'static str, String),
}

fn err(line: usize, column: usize, kind: impl Into<PatternErrorKind>) -> PatternError {
    PatternError::new(line, column, kind)
}

/// A run count being read: its value and where it started.
struct Count {
    value: u64,
    line: usize,
    column: usize,
}

/// Reads an RLE pattern.
pub fn parse(text: &str, limits: &Limits) -> Result<Pattern, PatternError> {
    let mut pattern = Pattern::from_cells(BitGrid::new(0, 0));
    let mut size: Option<(usize, usize)> = None;
    let mut in_data = false;
    // Live runs as (y, x, length); the grid is allocated once all are read.
    let mut runs: Vec<(u64, u64, u64)> = Vec::new();
    let (mut x, mut y) = (0u64, 0u64);
    // The extent of the live cells, for files without a header.
    let (mut extent_w, mut extent_h) = (0u64, 0u64);
    let mut count: Option<Count> = None;

    'lines: for (n, line) in lines(text) {
        let trimmed = line.trim_start();
        if count.is_none() && trimmed.starts_with('#') {
            hash_line(n, line, &mut pattern)?;
            continue;
        }
        if !in_data {
            if trimmed.is_empty() {
                continue;
            }
            in_data = true;
            if trimmed.starts_with(['x', 'X']) && trimmed.contains('=') {
                size = Some(header(n, line, &mut pattern, limits)?);
                continue;
            }
        }
        for (column, ch) in (1..).zip(line.chars()) {
            match ch {
                '0'..='9' => {
                    let digit = u64::from(ch as u8 - b'0');
                    let c = count.get_or_insert(Count {
                        value: 0,
                        line: n,
                        column,
                    });
                    c.value = c.value * 10 + digit;
                    if c.value > limits.max_run {
                        return Err(err(c.line, c.column, RleError::RunTooLong(limits.max_run)));
                    }
                }
                ' ' | '\t' => {}
                'b' | 'o' | '$' | '!' => {
                    let k = match count.take() {
                        None => 1,
                        Some(c) if ch == '!' => {
                            return Err(err(c.line, c.column, RleError::CountWithoutTag));
                        }
                        Some(Count {
                            value: 0,
                            line,
                            column,
                        }) => {
                            return Err(err(line, column, RleError::ZeroRun));
                        }
                        Some(c) => c.value,
                    };
                    match ch {
                        'b' => x = x.saturating_add(k),
                        'o' => {
                            let end = x.saturating_add(k);
                            match size {
                                Some((width, height)) => {
                                    if y >= height as u64 || end > width as u64 {
                                        let x = if y >= height as u64 {
                                            x
                                        } else {
                                            x.max(width as u64)
                                        };
                                        return Err(err(
                                            n,
                                            column,
                                            RleError::OutsideBox {
                                                x,
                                                y,
                                                width,
                                                height,
                                            },
                                        ));
                                    }
                                }
                                None => {
                                    extent_w = extent_w.max(end);
                                    extent_h = extent_h.max(y + 1);
                                    check_size(extent_w.into(), extent_h.into(), limits)
                                        .map_err(|kind| err(n, column, kind))?;
                                }
                            }
                            runs.push((y, x, k));
                            x = end;
                        }
                        '$' => {
                            y = y.saturating_add(k);
                            x = 0;
                        }
                        _ => break 'lines,
                    }
                }
                '.' | 'A'..='X' | 'p'..='y' => {
                    return Err(err(n, column, RleError::MultiState(ch)));
                }
                _ => return Err(err(n, column, RleError::UnknownChar(ch))),
            }
        }
    }
    if let Some(c) = count {
        return Err(err(c.line, c.column, RleError::CountWithoutTag));
    }
    let (width, height) = match size {
        Some(size) => size,
        // Checked as each live run was read.
        None => (extent_w as usize, extent_h as usize),
    };
    let mut grid = BitGrid::new(width, height);
    for (y, x, len) in runs {
        fill_run(&mut grid, y as usize, x as usize, len as usize);
    }
    pattern.cells = grid;
    Ok(pattern)
}

/// A `#` line: name, author, comment or rule; others (`#P`, `#R`) are ignored.
fn hash_line(n: usize, line: &str, pattern: &mut Pattern) -> Result<(), PatternError> {
    let start = line.len() - line.trim_start().len();
    let mut chars = line[start + 1..].chars();
    let tag = chars.next();
    let rest = chars.as_str();
    match tag {
        Some('N') => {
            pattern.name = Some(rest.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        }
        Some('O') => {
            pattern.author = Some(rest.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        }
        Some('C' | 'c' | 'D') => {
            let text = rest.strip_prefix(' ').unwrap_or(rest);
            pattern.comments.push(text.trim_end().to_string());
        }
        Some('r') => {
            let offset = start + 2 + (rest.len() - rest.trim_start().len());
            let (rule, bounds) = parse_rule_and_bounds(rest.trim())
                .map_err(|(at, kind)| err(n, column_of(line, offset + at), kind))?;
            pattern.rule = Some(rule);
            pattern.bounds = bounds;
        }
        _ => {}
    }
    Ok(())
}

/// Parses `x = m, y = n[, rule = R]` and checks the size. The rule takes the
/// rest of the line, since a bounded-grid suffix contains a comma.
fn header(
    n: usize,
    line: &str,
    pattern: &mut Pattern,
    limits: &Limits,
) -> Result<(usize, usize), PatternError> {
    let mut dims: [Option<u128>; 2] = [None, None];
    let mut pos = 0;
    let at = |byte: usize| column_of(line, byte);
    loop {
        let end = line[pos..].find(',').map_or(line.len(), |i| pos + i);
        let field = &line[pos..end];
        let lead = field.len() - field.trim_start().len();
        if !field.trim().is_empty() {
            let Some(eq) = field.find('=') else {
                return Err(err(
                    n,
                    at(pos + lead),
                    RleError::ExpectedKeyValue(field.trim().to_string()),
                ));
            };
            let key = field[..eq].trim();
            let value_start = pos + eq + 1;
            let value_lead = line[value_start..].len() - line[value_start..].trim_start().len();
            let key_lower = key.to_ascii_lowercase();
            match key_lower.as_str() {
                "x" | "y" => {
                    let (slot, name) = if key_lower == "x" { (0, "x") } else { (1, "y") };
                    if dims[slot].is_some() {
                        return Err(err(
                            n,
                            at(pos + lead),
                            RleError::DuplicateField(key.to_string()),
                        ));
                    }
                    let value = line[value_start..end].trim();
                    let column = at(value_start + value_lead);
                    dims[slot] = Some(number(name, value).map_err(|kind| err(n, column, kind))?);
                }
                "rule" => {
                    let value = &line[value_start..];
                    let (rule, bounds) = parse_rule_and_bounds(value.trim())
                        .map_err(|(off, kind)| err(n, at(value_start + value_lead + off), kind))?;
                    pattern.rule = Some(rule);
                    pattern.bounds = bounds;
                    break;
                }
                _ => {
                    return Err(err(
                        n,
                        at(pos + lead),
                        RleError::UnknownField(key.to_string()),
                    ));
                }
            }
        }
        if end == line.len() {
            break;
        }
        pos = end + 1;
    }
    let start = at(line.len() - line.trim_start().len());
    let width = dims[0].ok_or_else(|| err(n, start, RleError::MissingField("x")))?;
    let height = dims[1].ok_or_else(|| err(n, start, RleError::MissingField("y")))?;
    check_size(width, height, limits).map_err(|kind| err(n, start, kind))
}

/// A header dimension: digits only, no sign.
fn number(name: &'static str, value: &str) -> Result<u128, PatternErrorKind> {
    if let Some(digits) = value.strip_prefix('-')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(RleError::Negative(name, value.to_string()).into());
    }
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RleError::NotNumber(name, value.to_string()).into());
    }
    // Too many digits for u128 is certainly too large.
    value
        .parse::<u128>()
        .map_err(|_| RleError::DimensionTooLarge(name, value.to_string()).into())
}
