//! The RLE reader, as Golly reads it.
//!
//! `#N`/`#O`/`#C`/`#c`/`#D`/`#r` lines (and `#P`/`#R` positions, ignored),
//! a header `x = m, y = n[, rule = R]`, then runs of `b`/`o`/`$` up to `!`.
//! The header may be missing, in which case the box is the extent of the
//! live cells read.

use super::{
    Cells, Limits, Pattern, PatternError, PatternErrorKind, RLE_LINE_LIMIT, Run, RunList, Xrle,
    column_of, lines, one_line, parse_rule_and_bounds, rule_text, text_lines,
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
        width: u64,
        height: u64,
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
    let mut size: Option<(u64, u64)> = None;
    let mut in_data = false;
    // The grid (if the box fits one) is allocated once all runs are read.
    let mut runs = RunList::default();
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
                size = Some(header(n, line, &mut pattern)?);
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
                    // Dead runs and skipped rows may be as long as the
                    // plane is wide (a saved plane's gliders fly apart);
                    // live runs are held to the limit at their tag.
                    c.value = c
                        .value
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(digit))
                        .ok_or_else(|| err(c.line, c.column, RleError::RunTooLong(u64::MAX)))?;
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
                        Some(c) if ch == 'o' && c.value > limits.max_run => {
                            return Err(err(
                                c.line,
                                c.column,
                                RleError::RunTooLong(limits.max_run),
                            ));
                        }
                        Some(c) => c.value,
                    };
                    match ch {
                        'b' => x = x.saturating_add(k),
                        'o' => {
                            let end = x.saturating_add(k);
                            match size {
                                Some((width, height)) => {
                                    if y >= height || end > width {
                                        let x = if y >= height { x } else { x.max(width) };
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
                                }
                            }
                            runs.push(Run { y, x, len: k }, limits)
                                .map_err(|kind| err(n, column, kind))?;
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
    let (width, height) = size.unwrap_or((extent_w, extent_h));
    pattern.cells = runs.into_cells(width, height, limits);
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
        Some('C') if rest.starts_with("XRLE") => {
            pattern.xrle = Some(Xrle::parse(&rest["XRLE".len()..]));
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
fn header(n: usize, line: &str, pattern: &mut Pattern) -> Result<(u64, u64), PatternError> {
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
    // A box past u64 is past the plane's 2^64 columns too.
    match (u64::try_from(width), u64::try_from(height)) {
        (Ok(w), Ok(h)) => Ok((w, h)),
        _ => Err(err(
            n,
            start,
            PatternErrorKind::TooLarge {
                width,
                height,
                limit: u64::MAX,
            },
        )),
    }
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

/// Writes RLE: Golly's `#CXRLE` line if the pattern has one (first: Golly
/// reads it nowhere else), `#N`, `#O`, the other `#C` lines, the header
/// `x = .., y = .., rule = ..` (B3/S23 when the pattern has no rule; the
/// bounded-grid suffix is kept), then runs in lines of at most 70
/// characters, ending with `!`.
pub fn write(pattern: &Pattern) -> String {
    let cells = &pattern.cells;
    write_runs(pattern, (cells.width(), cells.height()), cells.rows())
}

/// Writes RLE of live cells given one by one, as [`write`] does: the
/// header from `pattern` (its `cells` are not read), the size from the
/// cells' bounding box, whose top-left cell is the pattern's origin.
/// Sorts `cells`. For sparse patterns whose box is too large for a grid.
pub fn write_sparse(pattern: &Pattern, cells: &mut [(i64, i64)]) -> String {
    cells.sort_unstable_by_key(|&(x, y)| (y, x));
    let (x0, x1) = cells.iter().fold((i64::MAX, i64::MIN), |(lo, hi), c| {
        (lo.min(c.0), hi.max(c.0))
    });
    let (y0, y1) = match (cells.first(), cells.last()) {
        (Some(first), Some(last)) => (first.1, last.1),
        _ => (0, -1),
    };
    let (width, height) = if cells.is_empty() {
        (0, 0)
    } else {
        (x1.abs_diff(x0) + 1, y1.abs_diff(y0) + 1)
    };
    let runs = cells
        .chunk_by(|a, b| a.1 == b.1 && b.0 == a.0 + 1)
        .map(|same| Run {
            y: same[0].1.abs_diff(y0),
            x: same[0].0.abs_diff(x0),
            len: same.len() as u64,
        })
        .collect();
    let cells = Cells::Runs {
        width,
        height,
        runs,
    };
    write_runs(pattern, (width, height), cells.rows())
}

/// The RLE text of `pattern`'s metadata and the cells of `rows`: each a
/// row offset (increasing) and its runs `(alive, start, length)`.
fn write_runs(
    pattern: &Pattern,
    (width, height): (u64, u64),
    rows: impl Iterator<Item = (u64, Vec<(bool, u64, u64)>)>,
) -> String {
    let mut out = String::new();
    if let Some(xrle) = &pattern.xrle {
        out.push_str(&format!("#C{xrle}\n"));
    }
    if let Some(name) = &pattern.name {
        out.push_str(format!("#N {}", one_line(name)).trim_end());
        out.push('\n');
    }
    if let Some(author) = &pattern.author {
        out.push_str(format!("#O {}", one_line(author)).trim_end());
        out.push('\n');
    }
    for comment in &pattern.comments {
        for line in text_lines(comment) {
            out.push_str(format!("#C {line}").trim_end());
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "x = {width}, y = {height}, rule = {}\n",
        rule_text(pattern)
    ));
    let mut line = String::new();
    let mut push = |token: &str, out: &mut String| {
        if !line.is_empty() && line.len() + token.len() > RLE_LINE_LIMIT {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        line.push_str(token);
    };
    let run = |count: u64, tag: char| {
        if count == 1 {
            tag.to_string()
        } else {
            format!("{count}{tag}")
        }
    };
    // The row the next `$` run starts from.
    let mut next_row = 0u64;
    for (y, runs) in rows {
        if runs.iter().all(|&(alive, _, _)| !alive) {
            continue;
        }
        if y > next_row {
            push(&run(y - next_row, '$'), &mut out);
        }
        let last_alive = runs.iter().rposition(|r| r.0).unwrap_or(0);
        for &(alive, _, len) in &runs[..=last_alive] {
            push(&run(len, if alive { 'o' } else { 'b' }), &mut out);
        }
        next_row = y;
    }
    push("!", &mut out);
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Edge, Rule};
    use crate::pattern::tests::read_with;
    use crate::pattern::tests::{grid, rows, small};
    use crate::pattern::{Bounds, MAX_RUN};

    fn read(text: &str) -> Pattern {
        read_with(parse, text)
    }

    fn fail(text: &str) -> PatternError {
        match parse(text, &Limits::default()) {
            Ok(p) => panic!("{text:?} should fail, read {:?}", p.cells),
            Err(e) => e,
        }
    }

    const GLIDER: [&str; 3] = [".O.", "..O", "OOO"];

    #[test]
    fn reads_a_glider_with_metadata() {
        let p = read(
            "#N Glider\n#O Richard K. Guy\n#C The smallest, most common spaceship.\n#c lower\n\
             #D from a Life 1.05 file\n#C\n#C   indented\n#P -1 -1\n#R 0 0\n\
             x = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n",
        );
        assert_eq!(p.name.as_deref(), Some("Glider"));
        assert_eq!(p.author.as_deref(), Some("Richard K. Guy"));
        assert_eq!(
            p.comments,
            [
                "The smallest, most common spaceship.",
                "lower",
                "from a Life 1.05 file",
                "",
                "  indented"
            ]
        );
        assert_eq!(p.rule, Some(Rule::LIFE));
        assert_eq!(p.bounds, None);
        assert_eq!(rows(&p.cells), GLIDER);
    }

    #[test]
    fn line_endings_lf_crlf_cr_agree() {
        let lf = "#N Glider\nx = 3, y = 3\nbo$2bo\n$3o!\n";
        let crlf = lf.replace('\n', "\r\n");
        let cr = lf.replace('\n', "\r");
        let expect = read(lf);
        assert_eq!(rows(&expect.cells), GLIDER);
        assert_eq!(expect.name.as_deref(), Some("Glider"));
        assert_eq!(read(&crlf), expect);
        assert_eq!(read(&cr), expect);
        // Mixed, and without a final line break.
        assert_eq!(read("#N Glider\r\nx = 3, y = 3\rbo$2bo\n$3o!"), expect);
    }

    #[test]
    fn header_spacing_and_case() {
        for header in [
            "x=3,y=3,rule=b3/s23",
            "x = 3, y = 3, rule = B3/S23",
            "  x =3 ,y= 3 , rule =  23/3  ",
            "X = 3, Y = 3, RULE = Life",
            "x = 3, y = 3,, rule = B3/S23",
        ] {
            let p = read(&format!("{header}\nbo$2bo$3o!"));
            assert_eq!(rows(&p.cells), GLIDER, "{header}");
            assert_eq!(p.rule, Some(Rule::LIFE), "{header}");
        }
        let p = read("x = 3, y = 3\nbo$2bo$3o!");
        assert_eq!(p.rule, None);
        assert_eq!(p.cells.width(), 3);
    }

    #[test]
    fn hash_r_sets_the_rule_and_header_overrides() {
        assert_eq!(
            read("#r B36/S23\nx = 1, y = 1\no!").rule,
            Rule::parse("HighLife").ok()
        );
        assert_eq!(
            read("#r 23/36\nx = 1, y = 1\no!").rule,
            Rule::parse("HighLife").ok()
        );
        assert_eq!(
            read("#r B36/S23\nx = 1, y = 1, rule = B2/S\no!").rule,
            Rule::parse("B2/S").ok()
        );
        let e = fail("#r B3/S2x\nx = 1, y = 1\no!");
        assert_eq!((e.line, e.column), (1, 4));
        assert!(matches!(e.kind, PatternErrorKind::Rule(_)), "{e}");
    }

    #[test]
    fn bounded_grid_suffix() {
        let p = read("x = 3, y = 3, rule = B3/S23:T100,80\nbo$2bo$3o!");
        assert_eq!(p.rule, Some(Rule::LIFE));
        assert_eq!(
            p.bounds,
            Some(Bounds {
                width: 100,
                height: 80,
                edge: Edge::Torus
            })
        );
        let p = read("x = 3, y = 3, rule = B36/S23:p10,20\nbo$2bo$3o!");
        assert_eq!(p.rule, Rule::parse("B36/S23").ok());
        assert_eq!(
            p.bounds,
            Some(Bounds {
                width: 10,
                height: 20,
                edge: Edge::Dead
            })
        );
        let p = read("#r B3/S23:T5,6\nx = 3, y = 3\nbo$2bo$3o!");
        assert_eq!(
            p.bounds,
            Some(Bounds {
                width: 5,
                height: 6,
                edge: Edge::Torus
            })
        );
        for suffix in [
            "K10,10",
            "T0,10",
            "T10",
            "Tx,3",
            "T99999999999,99999999",
            "T70000,70000",
            "",
        ] {
            // The column of the suffix, after "B3/S23:".
            let column = 29;
            let e = fail(&format!("x = 3, y = 3, rule = B3/S23:{suffix}\no!"));
            assert!(
                matches!(e.kind, PatternErrorKind::Bounds(..)),
                "{suffix}: {e}"
            );
            assert_eq!((e.line, e.column), (1, column), "{suffix}: {e}");
        }
    }

    #[test]
    fn blank_row_counts_and_omitted_endings() {
        let p = read("x = 2, y = 5\no3$bo!");
        assert_eq!(rows(&p.cells), ["O.", "..", "..", ".O", ".."]);
        // Trailing dead cells and the final $ omitted, or present.
        assert_eq!(rows(&read("x = 4, y = 2\no$bo!").cells), ["O...", ".O.."]);
        assert_eq!(
            rows(&read("x = 4, y = 2\no3b$bo2b$!").cells),
            ["O...", ".O.."]
        );
        // Trailing $ past the box are harmless.
        assert_eq!(rows(&read("x = 1, y = 1\no5$!").cells), ["O"]);
    }

    #[test]
    fn missing_bang_reads_to_the_end() {
        assert_eq!(rows(&read("x = 3, y = 1\n3o").cells), ["OOO"]);
        assert_eq!(rows(&read("x = 3, y = 2\n3o$\n").cells), ["OOO", "..."]);
    }

    #[test]
    fn anything_after_bang_is_ignored() {
        let p = read("x = 1, y = 1\no!garbage ☃ 99\n#N late\nzzz");
        assert_eq!(rows(&p.cells), ["O"]);
        assert_eq!(p.name, None);
    }

    #[test]
    fn whitespace_between_tokens_and_counts_across_lines() {
        let p = read("x = 3, y = 3\n b o $ 2 b\to\n $\n3\no !");
        assert_eq!(rows(&p.cells), GLIDER);
        // A comment line inside the data.
        let p = read("x = 3, y = 3\nbo$\n#C between\n2bo$3o!");
        assert_eq!(rows(&p.cells), GLIDER);
        assert_eq!(p.comments, ["between"]);
    }

    #[test]
    fn header_without_data_is_an_empty_pattern() {
        let p = read("#N nothing\nx = 3, y = 2\n");
        assert_eq!(
            (p.cells.width(), p.cells.height(), p.cells.population()),
            (3, 2, 0)
        );
        let p = read("#C only a comment\n");
        assert_eq!((p.cells.width(), p.cells.height()), (0, 0));
        assert_eq!(p.comments, ["only a comment"]);
    }

    #[test]
    fn headerless_rle_takes_the_extent_of_live_cells() {
        let p = read("bo$2bo$3o!");
        assert_eq!(rows(&p.cells), GLIDER);
        let p = read("2bo4b$$!");
        assert_eq!(rows(&p.cells), ["..O"]);
        let e = parse("9999999o!", &small()).unwrap_err();
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::TooLarge { .. } | PatternErrorKind::Rle(RleError::RunTooLong(_))
            ),
            "{e}"
        );
        let limits = Limits {
            max_cells: 4096,
            max_run: 1000,
        };
        let e = parse("900o$900o$900o$900o$900o$900o$900o$900o$900o!", &limits).unwrap_err();
        assert_eq!((e.line, e.column), (1, 24));
        assert!(
            matches!(e.kind, PatternErrorKind::TooManyLive { .. }),
            "{e}"
        );
        // Past the grid limit, but few live cells: runs.
        let p = parse("o$1000b1000b1000b1000b1000bo$o!", &limits).unwrap();
        assert_eq!((p.cells.width(), p.cells.height()), (5001, 3));
        assert_eq!((p.cells.grid(), p.cells.population()), (None, 3));
    }

    #[test]
    fn long_lines() {
        let width = 200_000;
        let data = "ob".repeat(width / 2);
        let p = read(&format!("x = {width}, y = 2\n{data}${data}!"));
        assert_eq!(p.cells.population(), width as u64);
        assert!(p.cells.get(width as u64 - 2, 1) && !p.cells.get(width as u64 - 1, 1));
        // One huge run.
        let p = read(&format!("x = {MAX_RUN}, y = 1\n{MAX_RUN}o!"));
        assert_eq!(p.cells.population(), MAX_RUN);
    }

    #[test]
    fn multi_state_cells_in_a_two_state_rule() {
        let e = fail("x = 3, y = 3\nbo$2bo$3A!");
        assert_eq!((e.line, e.column), (2, 9));
        assert_eq!(
            e.to_string(),
            "2:9: multi-state cell 'A' in a two-state rule"
        );
        assert!(matches!(
            e.kind,
            PatternErrorKind::Rle(RleError::MultiState('A'))
        ));
        let e = fail("x = 3, y = 1, rule = B3/S23\r\n.A.!");
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(
            e.to_string(),
            "2:1: multi-state cell '.' in a two-state rule"
        );
        let e = fail("x = 3, y = 1\n2B!");
        assert_eq!((e.line, e.column), (2, 2));
        let e = fail("x = 3, y = 1\npA!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::MultiState('p'))),
            "{e}"
        );
    }

    #[test]
    fn unknown_characters() {
        let e = fail("x = 3, y = 3\nbo$2bz$3o!");
        assert_eq!((e.line, e.column), (2, 6));
        assert_eq!(e.to_string(), "2:6: unknown character 'z'");
        let e = fail("x = 3, y = 3\n  é!");
        assert_eq!((e.line, e.column), (2, 3));
        let e = fail("x = 3, y = 1\n3o\u{0}!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::UnknownChar('\0'))),
            "{e}"
        );
    }

    #[test]
    fn count_without_tag() {
        let e = fail("x = 3, y = 3\nbo$2bo$2");
        assert_eq!((e.line, e.column), (2, 8));
        assert_eq!(e.to_string(), "2:8: run count with no tag");
        let e = fail("x = 3, y = 3\nbo$2bo$3o\n12  \n");
        assert_eq!((e.line, e.column), (3, 1));
        let e = fail("x = 3, y = 3\nbo$2bo$3!");
        assert_eq!((e.line, e.column), (2, 8));
        assert!(matches!(
            e.kind,
            PatternErrorKind::Rle(RleError::CountWithoutTag)
        ));
    }

    #[test]
    fn run_counts_over_the_limit_and_zero() {
        let e = fail(&format!("x = 3, y = 1\nb{}o!", MAX_RUN + 1));
        assert_eq!((e.line, e.column), (2, 2));
        // Dead runs and row skips are not held to it: a plane is wide.
        let p = read(&format!("x = 3, y = {}\n{}$o!", MAX_RUN + 2, MAX_RUN + 1));
        assert_eq!(p.cells.population(), 1);
        let p = read(&format!("x = {}, y = 1\n{}bo!", MAX_RUN + 2, MAX_RUN + 1));
        assert!(p.cells.get(MAX_RUN + 1, 0));
        assert_eq!(
            e.to_string(),
            "2:2: run count larger than the limit of 10000000"
        );
        let e = fail("x = 3, y = 1\n99999999999999999999999999999999b!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::RunTooLong(_))),
            "{e}"
        );
        let e = fail("x = 3, y = 1\n0o!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::ZeroRun)),
            "{e}"
        );
        let e = parse("x = 3000, y = 1\n1001o!", &small()).unwrap_err();
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::RunTooLong(1000))),
            "{e}"
        );
    }

    #[test]
    fn cells_outside_the_header_box() {
        let e = fail("x = 2, y = 2\n3o!");
        assert_eq!((e.line, e.column), (2, 2));
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Rle(RleError::OutsideBox { x: 2, y: 0, .. })
            ),
            "{e}"
        );
        let e = fail("x = 2, y = 2\no$o$o!");
        assert_eq!((e.line, e.column), (2, 5));
        assert_eq!(
            e.to_string(),
            "2:5: live cell at x = 0, y = 2 is outside the 2 x 2 box of the header"
        );
        let e = fail("x = 0, y = 0\no!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::OutsideBox { .. })),
            "{e}"
        );
        // Dead cells beyond the width are tolerated.
        assert_eq!(rows(&read("x = 2, y = 1\no5b!").cells), ["O."]);
    }

    #[test]
    fn header_dimension_errors() {
        // Boxes past the grid limit are read as runs, up to u64.
        for (header, size) in [
            ("x = 65536, y = 65537", (65536, 65537)),
            ("x = 4294967297, y = 1", (4294967297, 1)),
            ("x = 1, y = 4294967296", (1, 4294967296)),
            ("x = 18446744073709551615, y = 2", (u64::MAX, 2)),
        ] {
            let p = read(&format!("{header}\n!"));
            assert_eq!((p.cells.width(), p.cells.height()), size, "{header}");
            assert_eq!((p.cells.grid(), p.cells.population()), (None, 0));
        }
        let e = fail("x = 18446744073709551616, y = 1\n!");
        assert!(matches!(e.kind, PatternErrorKind::TooLarge { .. }), "{e}");
        assert_eq!((e.line, e.column), (1, 1));
        let e = fail("x = 999999999999999999999999999999999999999999999, y = 1\n!");
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Rle(RleError::DimensionTooLarge("x", _))
            ),
            "{e}"
        );
        assert_eq!((e.line, e.column), (1, 5));
        let e = fail("x = -3, y = 3\n!");
        assert_eq!(e.to_string(), "1:5: header: x = -3 is negative");
        let e = fail("x = 3, y = three\n!");
        assert_eq!(
            e.to_string(),
            "1:12: header: y = 'three' is not a whole number"
        );
        let e = fail("x = 3, y =\n!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::NotNumber("y", _))),
            "{e}"
        );
        let e = fail("x = 3.5, y = 3\n!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::NotNumber("x", _))),
            "{e}"
        );
        let e = fail("x = 3\n!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::MissingField("y"))),
            "{e}"
        );
        let e = fail("x = 3, y = 3, z = 4\n!");
        assert_eq!(e.to_string(), "1:15: header: unknown field 'z'");
        let e = fail("x = 3, x = 3\n!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::DuplicateField(_))),
            "{e}"
        );
        let e = fail("x = 3, y\n!");
        assert!(
            matches!(e.kind, PatternErrorKind::Rle(RleError::ExpectedKeyValue(_))),
            "{e}"
        );
        // A header past the grid limit allocates no grid.
        let p = parse("x = 1000, y = 1000\n", &small()).unwrap();
        assert_eq!((p.cells.grid(), p.cells.height()), (None, 1000));
    }

    #[test]
    fn bad_rule_in_header_wraps_rule_error() {
        let e = fail("x = 3, y = 3, rule = B9/S23\n!");
        assert_eq!((e.line, e.column), (1, 22));
        assert!(
            matches!(
                e.kind,
                PatternErrorKind::Rule(crate::engine::RuleError::BadDigit(_, '9'))
            ),
            "{e}"
        );
        assert!(e.to_string().starts_with("1:22: bad rule: "), "{e}");
        // The cause is in the message, not repeated as a source.
        assert!(std::error::Error::source(&e).is_none());
        let e = fail("x = 3, y = 3, rule = LifeHistory\n!");
        assert!(matches!(e.kind, PatternErrorKind::Rule(_)), "{e}");
    }

    #[test]
    fn round_trips_a_gun_through_the_writer() {
        let gun = grid(&[
            "........................O",
            "......................O.O",
            "............OO......OO............OO",
            "...........O...O....OO............OO",
            "OO........O.....O...OO",
            "OO........O...O.OO....O.O",
            "..........O.....O.......O",
            "...........O...O",
            "............OO",
        ]);
        let p = read(&crate::pattern::write_rle(&Pattern::from_cells(
            gun.clone(),
        )));
        assert_eq!(p.cells, gun);
        assert_eq!(p.cells.population(), 36);
    }
}
