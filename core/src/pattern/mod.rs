//! Pattern files: readers for RLE, plaintext `.cells`, Life 1.06 and Life 1.05,
//! and writers for RLE and `.cells`.
//!
//! Readers never panic and never allocate a grid before checking its size
//! against [`MAX_CELLS`] (or the limit in [`Limits`]): a larger box is
//! kept as its live runs (see [`Cells`]). Every error carries a
//! 1-based line and column (line 0 for errors not tied to a place, such as
//! I/O errors).

mod cells;
pub mod library;
pub mod life105;
pub mod life106;
pub mod plaintext;
pub mod rle;

use std::fmt;
use std::path::Path;

use crate::engine::bitgrid::words_per_row;
use crate::engine::rule::split_bounded_suffix;
use crate::engine::{BitGrid, Edge, Rule, RuleError};

pub use life105::Life105Error;
pub use life106::Life106Error;
pub use plaintext::PlaintextError;
pub use rle::RleError;

#[cfg(test)]
pub(crate) use cells::row_runs;
pub use cells::{Cells, Run};
pub(crate) use cells::{RunList, cells_from_points, fill_run};

/// The most cells a reader will allocate for one pattern's grid. The count
/// is of allocated bits: the width is rounded up to a whole number of 64-bit
/// words and a zero dimension counts as one. A larger box is read as its
/// live runs, of at most this many live cells.
pub const MAX_CELLS: u64 = 1 << 32;
/// The largest run count accepted in RLE.
pub const MAX_RUN: u64 = 10_000_000;

/// A pattern read from (or to be written to) a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// RLE `#N`, or a `!Name:` line in `.cells`.
    pub name: Option<String>,
    /// RLE `#O`, or a `!Author:` line in `.cells`.
    pub author: Option<String>,
    /// `#C`/`#c`/`#D` lines, `.cells` `!` lines, without the prefix.
    pub comments: Vec<String>,
    /// The rule the file names; `None` when it names none.
    pub rule: Option<Rule>,
    /// Golly's bounded-grid suffix (`B3/S23:T100,80` or `:P100,80`).
    pub bounds: Option<Bounds>,
    /// Golly's extended RLE line `#CXRLE Pos=X,Y Gen=N`.
    pub xrle: Option<Xrle>,
    /// Where the top-left of `cells` lies on Golly's plane when the format
    /// gives absolute coordinates (Life 1.06, Life 1.05); RLE says it
    /// with `xrle`'s position, and other files start at (0, 0).
    pub origin: Option<(i64, i64)>,
    /// The pattern's bounding box (for RLE, the header's x by y).
    pub cells: Cells,
}

/// Golly's `#CXRLE` line: where the pattern's top-left cell lies in Golly's
/// coordinates and the generation it was saved at. Golly reads it only as
/// the file's first line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Xrle {
    pub pos: Option<(i64, i64)>,
    pub generation: Option<u64>,
}

impl Xrle {
    /// Reads the fields after `XRLE` (unknown or malformed ones are ignored,
    /// as Golly does).
    pub fn parse(fields: &str) -> Xrle {
        let mut xrle = Xrle::default();
        for field in fields.split_whitespace() {
            if let Some(n) = field.strip_prefix("Gen=") {
                xrle.generation = n.parse().ok().or(xrle.generation);
            } else if let Some(pos) = field.strip_prefix("Pos=") {
                let parsed = pos
                    .split_once(',')
                    .and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)));
                xrle.pos = parsed.or(xrle.pos);
            }
        }
        xrle
    }
}

impl fmt::Display for Xrle {
    /// `XRLE Pos=X,Y Gen=N`, with the fields that are set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("XRLE")?;
        if let Some((x, y)) = self.pos {
            write!(f, " Pos={x},{y}")?;
        }
        if let Some(generation) = self.generation {
            write!(f, " Gen={generation}")?;
        }
        Ok(())
    }
}

impl Pattern {
    /// A pattern with no metadata.
    pub fn from_cells(cells: BitGrid) -> Pattern {
        Pattern::from(Cells::Grid(cells))
    }
}

impl From<Cells> for Pattern {
    fn from(cells: Cells) -> Pattern {
        Pattern {
            name: None,
            author: None,
            comments: Vec::new(),
            rule: None,
            bounds: None,
            xrle: None,
            origin: None,
            cells,
        }
    }
}

/// A bounded grid from Golly's rule suffix: `T` is a torus, `P` a plane with
/// dead edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bounds {
    pub width: usize,
    pub height: usize,
    pub edge: Edge,
}

impl fmt::Display for Bounds {
    /// Golly's suffix without the colon: `T100,80` or `P100,80`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self.edge {
            Edge::Torus => 'T',
            Edge::Dead => 'P',
        };
        write!(f, "{letter}{},{}", self.width, self.height)
    }
}

/// The pattern file formats this module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Rle,
    Plaintext,
    Life106,
    Life105,
}

/// Size limits applied by the readers; [`Limits::default`] gives
/// [`MAX_CELLS`] and [`MAX_RUN`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most cells (allocated bits, see [`MAX_CELLS`]) a reader allocates.
    pub max_cells: u64,
    /// The largest RLE run count accepted.
    pub max_run: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_cells: MAX_CELLS,
            max_run: MAX_RUN,
        }
    }
}

/// A reader's error, located at a 1-based line and column (line 0: no place).
#[derive(Debug)]
pub struct PatternError {
    pub line: usize,
    pub column: usize,
    pub kind: PatternErrorKind,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum PatternErrorKind {
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    #[error("empty file")]
    Empty,
    #[error("invalid UTF-8")]
    InvalidUtf8,
    #[error("UTF-16 text: save the file as UTF-8 (or ASCII)")]
    Utf16,
    #[error("pattern of {width} x {height} cells is larger than the limit of {limit} cells")]
    TooLarge {
        width: u128,
        height: u128,
        limit: u64,
    },
    #[error("pattern with more than {limit} live cells")]
    TooManyLive { limit: u64 },
    #[error("bad rule: {0}")]
    Rule(RuleError),
    #[error("bad bounded-grid suffix '{0}': {1}")]
    Bounds(String, &'static str),
    #[error(transparent)]
    Rle(#[from] RleError),
    #[error(transparent)]
    Plaintext(#[from] PlaintextError),
    #[error(transparent)]
    Life106(#[from] Life106Error),
    #[error(transparent)]
    Life105(#[from] Life105Error),
}

impl PatternError {
    pub fn new(line: usize, column: usize, kind: impl Into<PatternErrorKind>) -> PatternError {
        PatternError {
            line,
            column,
            kind: kind.into(),
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}:{}: {}", self.line, self.column, self.kind)
        }
    }
}

/// The message is complete in itself (causes are part of it, not
/// [`source`](std::error::Error::source)), so chains print nothing twice.
impl std::error::Error for PatternError {}

impl From<RuleError> for PatternErrorKind {
    fn from(error: RuleError) -> Self {
        PatternErrorKind::Rule(error)
    }
}

/// Guesses the format from the content (never the file name): a `#Life 1.06`
/// or `#Life 1.05` first line, `!` comments or a first row of `.`/`O`/`*`
/// for plaintext, and RLE otherwise.
pub fn detect_format(text: &str) -> Format {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some((_, first)) = lines(text).find(|(_, l)| !l.trim().is_empty()) else {
        return Format::Plaintext;
    };
    let first = first.trim();
    let starts_ci = |prefix: &str| {
        first
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    if starts_ci("#Life 1.06") {
        Format::Life106
    } else if starts_ci("#Life 1.05") {
        Format::Life105
    } else if first.starts_with('!') || first.starts_with(['.', 'O', '*']) {
        Format::Plaintext
    } else {
        Format::Rle
    }
}

/// Detects the format and reads the pattern, with the default [`Limits`].
pub fn parse(bytes: &[u8]) -> Result<Pattern, PatternError> {
    parse_with_limits(bytes, &Limits::default())
}

/// [`parse`] with explicit limits (tests and fuzzing use small ones).
pub fn parse_with_limits(bytes: &[u8], limits: &Limits) -> Result<Pattern, PatternError> {
    let text = decode(bytes)?;
    match detect_format(text) {
        Format::Rle => rle::parse(text, limits),
        Format::Plaintext => plaintext::parse(text, limits),
        Format::Life106 => life106::parse(text, limits),
        Format::Life105 => life105::parse(text, limits),
    }
}

/// Reads and parses a pattern file.
pub fn read_file(path: &Path) -> Result<Pattern, PatternError> {
    let bytes = crate::files::read_input(path).map_err(|e| PatternError::new(0, 0, e))?;
    parse(&bytes)
}

/// Checks UTF-8 (reporting where it breaks), rejects empty input and drops a BOM.
fn decode(bytes: &[u8]) -> Result<&str, PatternError> {
    if bytes.is_empty() {
        return Err(PatternError::new(0, 0, PatternErrorKind::Empty));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(PatternError::new(1, 1, PatternErrorKind::Utf16));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // The valid prefix is valid UTF-8 by definition.
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let (line, column) = position_at_end(valid);
            return Err(PatternError::new(
                line,
                column,
                PatternErrorKind::InvalidUtf8,
            ));
        }
    };
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The 1-based line and column just past the end of `text`.
fn position_at_end(text: &str) -> (usize, usize) {
    let mut line = 1;
    let mut last = "";
    for (n, l) in lines_with_last(text) {
        line = n;
        last = l;
    }
    (line, last.chars().count() + 1)
}

/// Lines of `text` with 1-based numbers, split at LF, CRLF or CR. A final
/// line terminator does not start another (empty) line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some(text);
    let mut number = 0;
    std::iter::from_fn(move || {
        let current = rest?;
        if current.is_empty() {
            rest = None;
            return None;
        }
        number += 1;
        match current.find(['\n', '\r']) {
            Some(i) => {
                let skip = if current[i..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[i + skip..]);
                Some((number, &current[..i]))
            }
            None => {
                rest = None;
                Some((number, current))
            }
        }
    })
}

/// Like [`lines`] but a final terminator does yield a final empty line, so
/// the last item is where the text ends.
fn lines_with_last(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let ends_with_break = text.ends_with(['\n', '\r']);
    let count = lines(text).count();
    lines(text).chain(ends_with_break.then_some((count + 1, "")))
}

/// The 1-based column of byte offset `byte` in `line`.
pub(crate) fn column_of(line: &str, byte: usize) -> usize {
    line.get(..byte).map_or(byte, |p| p.chars().count()) + 1
}

/// Checks that a `width` by `height` grid fits the limit. The count is of
/// allocated bits: the width rounded up to whole words, a zero dimension
/// counted as one (a zero-width grid still has rows to walk).
pub(crate) fn check_size(
    width: u128,
    height: u128,
    limits: &Limits,
) -> Result<(usize, usize), PatternErrorKind> {
    let too_large = || PatternErrorKind::TooLarge {
        width,
        height,
        limit: limits.max_cells,
    };
    let padded_width = width.max(1).div_ceil(64).saturating_mul(64);
    if padded_width.saturating_mul(height.max(1)) > u128::from(limits.max_cells) {
        return Err(too_large());
    }
    let w = usize::try_from(width).map_err(|_| too_large())?;
    let h = usize::try_from(height).map_err(|_| too_large())?;
    // Guard the word count too, in case usize is narrow.
    words_per_row(w).checked_mul(h).ok_or_else(too_large)?;
    Ok((w, h))
}

/// Parses a rule with an optional Golly bounded-grid suffix, as found in an
/// RLE header or `#r` line. Errors are given with the byte offset (within
/// `text`) they refer to.
pub(crate) fn parse_rule_and_bounds(
    text: &str,
) -> Result<(Rule, Option<Bounds>), (usize, PatternErrorKind)> {
    let (rule_text, suffix) = split_bounded_suffix(text);
    let rule = Rule::parse(rule_text).map_err(|e| (0, PatternErrorKind::Rule(e)))?;
    let Some(suffix) = suffix else {
        return Ok((rule, None));
    };
    let offset = rule_text.len() + 1;
    let bad = |why| {
        (
            offset,
            PatternErrorKind::Bounds(suffix.trim().to_string(), why),
        )
    };
    let suffix_trimmed = suffix.trim();
    let mut chars = suffix_trimmed.chars();
    let edge = match chars.next().map(|c| c.to_ascii_uppercase()) {
        Some('T') => Edge::Torus,
        Some('P') => Edge::Dead,
        Some('K' | 'C' | 'S') => {
            return Err(bad("only T (torus) and P (plane) grids are supported"));
        }
        _ => return Err(bad("expected T or P followed by width,height")),
    };
    let (w, h) = chars
        .as_str()
        .split_once(',')
        .ok_or_else(|| bad("expected T or P followed by width,height"))?;
    let dim = |s: &str| -> Result<usize, (usize, PatternErrorKind)> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("width and height must be whole numbers"));
        }
        match s.parse::<usize>() {
            Ok(0) => Err(bad("unbounded (zero) dimensions are not supported")),
            Ok(n) if n as u128 <= u128::from(MAX_CELLS) => Ok(n),
            _ => Err(bad("dimension too large")),
        }
    };
    let (width, height) = (dim(w)?, dim(h)?);
    if (width as u128) * (height as u128) > u128::from(MAX_CELLS) {
        return Err(bad("bounded grid larger than the cell limit"));
    }
    Ok((
        rule,
        Some(Bounds {
            width,
            height,
            edge,
        }),
    ))
}

/// The text of a rule with its bounded-grid suffix, as written in RLE headers.
pub(crate) fn rule_text(pattern: &Pattern) -> String {
    let rule = pattern.rule.unwrap_or(Rule::LIFE);
    match pattern.bounds {
        Some(bounds) => format!("{rule}:{bounds}"),
        None => rule.to_string(),
    }
}

/// Splits text into single lines for writing as comments.
pub(crate) fn text_lines(text: &str) -> impl Iterator<Item = &str> {
    let n = lines(text).count().max(1);
    lines(text)
        .map(|(_, l)| l)
        .chain(std::iter::repeat_n("", 1))
        .take(n)
}

/// A single-line version of a name or author.
pub(crate) fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The longest line [`write_rle`] writes.
pub const RLE_LINE_LIMIT: usize = 70;

/// Writes RLE (see [`rle::write`]).
pub fn write_rle(pattern: &Pattern) -> String {
    rle::write(pattern)
}

/// Writes plaintext `.cells` (see [`plaintext::write`]).
pub fn write_cells(pattern: &Pattern) -> String {
    plaintext::write(pattern)
}

#[cfg(test)]
mod tests;
