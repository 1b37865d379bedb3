//! `s`: the whole grid, gathered on rank 0, saved as RLE atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::engine::{BitGrid, Rule};

/// The grid as RLE text.
///
/// TODO(merge): replace the body with `crate::pattern::write_rle(&Pattern
/// { name, author, comments, rule: Some(*rule), bounds: None, cells })`
/// once the pattern module lands; this minimal writer only exists so that
/// `s` works on this branch.
pub fn grid_to_rle(grid: &BitGrid, rule: &Rule) -> String {
    let mut out = format!(
        "#C saved by life-tui\nx = {}, y = {}, rule = {rule}\n",
        grid.width(),
        grid.height()
    );
    let mut line = String::new();
    let mut push = |out: &mut String, count: usize, tag: char| {
        if count == 0 {
            return;
        }
        let run = if count == 1 {
            tag.to_string()
        } else {
            format!("{count}{tag}")
        };
        if line.len() + run.len() > 70 {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        line.push_str(&run);
    };
    let mut blank_rows = 0;
    for y in 0..grid.height() {
        let row_cells: Vec<usize> = (0..grid.width()).filter(|&x| grid.get(x, y)).collect();
        if row_cells.is_empty() {
            blank_rows += 1;
            continue;
        }
        if y > 0 {
            push(&mut out, blank_rows + usize::from(y > blank_rows), '$');
        }
        blank_rows = 0;
        let mut x = 0;
        let mut cells = row_cells.iter().peekable();
        while let Some(&start) = cells.next() {
            push(&mut out, start - x, 'b');
            let mut end = start + 1;
            while cells.peek() == Some(&&end) {
                cells.next();
                end += 1;
            }
            push(&mut out, end - start, 'o');
            x = end;
        }
    }
    line.push('!');
    out.push_str(&line);
    out.push('\n');
    out
}

/// Writes `text` to `dir/name` atomically: a temporary file in the same
/// directory, flushed to disk, then renamed over the target.
pub fn write_atomic(dir: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
    let target = dir.join(name);
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map(|()| target)
}

/// Saves the grid of generation `generation` as `life-<generation>.rle`
/// in `dir`, and says what happened in one line.
pub fn save(dir: &Path, grid: &BitGrid, rule: &Rule, generation: u64) -> String {
    let name = format!("life-{generation}.rle");
    match write_atomic(dir, &name, &grid_to_rle(grid, rule)) {
        Ok(_) => format!("saved {name} ({} live cells)", grid.population()),
        Err(err) => format!("could not save {name}: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glider_and_blank_rows() {
        let mut grid = BitGrid::new(6, 6);
        for (x, y) in [(1, 0), (2, 1), (0, 2), (1, 2), (2, 2), (4, 5)] {
            grid.set(x, y, true);
        }
        let rle = grid_to_rle(&grid, &Rule::LIFE);
        assert_eq!(
            rle,
            "#C saved by life-tui\nx = 6, y = 6, rule = B3/S23\nbo$2bo$3o3$4bo!\n"
        );
    }

    #[test]
    fn leading_blank_rows_and_long_lines() {
        let mut grid = BitGrid::new(200, 3);
        for x in (0..200).step_by(2) {
            grid.set(x, 2, true);
        }
        let rle = grid_to_rle(&grid, &Rule::LIFE);
        let body: Vec<&str> = rle.lines().skip(2).collect();
        assert!(body[0].starts_with("2$obo"), "{rle}");
        assert!(body.iter().all(|l| l.len() <= 70));
        assert!(rle.trim_end().ends_with('!'));
    }
}
