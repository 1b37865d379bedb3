//! The plaintext `.cells` reader: `!` comment lines, `.` dead, `O` (or `*`)
//! alive, ragged lines; the width is that of the longest line.

use super::{
    Cells, Limits, Pattern, PatternError, check_size, fill_run, lines, one_line, text_lines,
};
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
    pattern.cells = Cells::Grid(grid);
    Ok(pattern)
}

/// Writes plaintext `.cells`: `!Name: ..`, `!Author: ..`, one `!` line per
/// comment line, then every row in full as `.` (dead) and `O` (alive).
pub fn write(pattern: &Pattern) -> String {
    let mut out = String::new();
    if let Some(name) = &pattern.name {
        out.push_str(format!("!Name: {}", one_line(name)).trim_end());
        out.push('\n');
    }
    if let Some(author) = &pattern.author {
        out.push_str(format!("!Author: {}", one_line(author)).trim_end());
        out.push('\n');
    }
    for comment in &pattern.comments {
        for line in text_lines(comment) {
            out.push_str(format!("!{line}").trim_end());
            out.push('\n');
        }
    }
    let cells = &pattern.cells;
    let mut rows = cells.rows().peekable();
    let mut row = String::new();
    for y in 0..cells.height() {
        row.clear();
        if let Some((_, runs)) = rows.next_if(|(at, _)| *at == y) {
            for (alive, _, len) in runs {
                row.extend(std::iter::repeat_n(
                    if alive { 'O' } else { '.' },
                    len as usize,
                ));
            }
        }
        let dead = (cells.width() as usize).saturating_sub(row.len());
        row.extend(std::iter::repeat_n('.', dead));
        out.push_str(&row);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::PatternErrorKind;
    use crate::pattern::tests::read_with;
    use crate::pattern::tests::rows;

    fn read(text: &str) -> Pattern {
        read_with(parse, text)
    }

    #[test]
    fn reads_name_author_comments_and_cells() {
        let p = read(
            "!Name: Glider\n!Author: Richard K. Guy\n!The smallest spaceship.\n!\n! spaced\n.O.\n..O\nOOO\n",
        );
        assert_eq!(p.name.as_deref(), Some("Glider"));
        assert_eq!(p.author.as_deref(), Some("Richard K. Guy"));
        assert_eq!(p.comments, ["The smallest spaceship.", "", " spaced"]);
        assert_eq!(p.rule, None);
        assert_eq!(rows(&p.cells), [".O.", "..O", "OOO"]);
    }

    #[test]
    fn only_the_first_name_is_the_name() {
        let p = read("!Name: a\n!Name: b\nO\n");
        assert_eq!(p.name.as_deref(), Some("a"));
        assert_eq!(p.comments, ["Name: b"]);
    }

    #[test]
    fn ragged_lines_take_the_longest_width() {
        let p = read(".O\n\n...O\nO\n");
        assert_eq!(rows(&p.cells), [".O..", "....", "...O", "O..."]);
    }

    #[test]
    fn star_is_alive_and_trailing_spaces_are_ignored() {
        let p = read("*.*  \n.*\t\n");
        assert_eq!(rows(&p.cells), ["O.O", ".O."]);
    }

    #[test]
    fn crlf_and_cr_line_endings() {
        let lf = "!Name: x\n.O.\n..O\nOOO\n";
        let expect = read(lf);
        assert_eq!(read(&lf.replace('\n', "\r\n")), expect);
        assert_eq!(read(&lf.replace('\n', "\r")), expect);
    }

    #[test]
    fn long_lines_across_words() {
        let line = "O.".repeat(5000) + "O";
        let p = read(&format!("{line}\n.\n"));
        assert_eq!((p.cells.width(), p.cells.height()), (10001, 2));
        assert_eq!(p.cells.population(), 5001);
        assert!(p.cells.get(10000, 0) && !p.cells.get(9999, 0) && !p.cells.get(10000, 1));
    }

    #[test]
    fn unknown_characters_are_located() {
        let e = parse("!c\n.O.\n.Ox\n", &Limits::default()).unwrap_err();
        assert_eq!((e.line, e.column), (3, 3));
        assert_eq!(
            e.to_string(),
            "3:3: unknown character 'x' (expected '.', 'O' or '*')"
        );
        let e = parse(".O\n o\n", &Limits::default()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let e = parse("ÉO\n", &Limits::default()).unwrap_err();
        assert!(matches!(
            e.kind,
            PatternErrorKind::Plaintext(PlaintextError::UnknownChar('É'))
        ));
    }

    #[test]
    fn size_limit_is_checked_before_allocating() {
        let limits = Limits {
            max_cells: 4096,
            max_run: 1,
        };
        let text = ".".repeat(65) + "\n" + &"\n".repeat(40);
        let e = parse(&text, &limits).unwrap_err();
        assert!(matches!(e.kind, PatternErrorKind::TooLarge { .. }), "{e}");
        assert_eq!((e.line, e.column), (33, 1));
    }

    #[test]
    fn comments_only_is_an_empty_pattern() {
        let p = read("!just a note\n");
        assert_eq!((p.cells.width(), p.cells.height()), (0, 0));
    }
}
