//! The live view's keys, in one table. The key handler looks keys up here,
//! and the help overlay, `--help` and the README's key table (checked by a
//! test) are all written from it, so none of them can drift from what the
//! keys do. Terminal-free: the view maps its terminal's events to [`Key`].

/// A key as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    /// The character with Control held.
    Ctrl(char),
    Up,
    Down,
    Left,
    Right,
    Esc,
    PageUp,
    PageDown,
}

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    PauseResume,
    /// One generation (pauses first).
    Step,
    Faster,
    Slower,
    PanLeft,
    PanRight,
    PanUp,
    PanDown,
    ZoomIn,
    ZoomOut,
    Fit,
    NextMode,
    Overlay,
    Panel,
    Reseed,
    Clear,
    Save,
    Chart,
    StepBack,
    /// That many ranks at work, 1-9.
    RanksAtWork(u8),
    Help,
    Quit,
    /// Presenter mode only.
    NextStop,
    PreviousStop,
}

/// One line of the key tables: keys doing related things.
pub struct Row {
    /// As the help overlay and `--help` show them.
    pub keys: &'static str,
    /// As the README's table writes them.
    pub keys_md: &'static str,
    /// A few words, for the help overlay and `--help`.
    pub help: &'static str,
    /// The README's words.
    pub readme: &'static str,
    /// What each key of the row does; empty for the mouse.
    pub bindings: &'static [(Key, Action)],
}

use Action::*;
use Key::{Char, Ctrl, Down, Esc, Left, PageDown, PageUp, Right, Up};

/// Every key of the live view, in the order the help lists them.
pub const ROWS: &[Row] = &[
    Row {
        keys: "space",
        keys_md: "space",
        help: "pause / resume",
        readme: "pause / resume",
        bindings: &[(Char(' '), PauseResume)],
    },
    Row {
        keys: "n  .",
        keys_md: "`n` `.`",
        help: "one generation (pauses first)",
        readme: "one generation (pauses first)",
        bindings: &[(Char('n'), Step), (Char('.'), Step)],
    },
    Row {
        keys: "+  -",
        keys_md: "`+` `-`",
        help: "faster / slower (1 gen/s to unlimited)",
        readme: "target speed: 1, 2, 5, ... 2000 generations/s, unlimited",
        bindings: &[
            (Char('+'), Faster),
            (Char('='), Faster),
            (Char('-'), Slower),
            (Char('_'), Slower),
        ],
    },
    Row {
        keys: "arrows  hjkl",
        keys_md: "arrows, `hjkl`",
        help: "pan (in a tour, ← → change stops)",
        readme: "pan (in a tour, Left/Right change stops: pan with `hjkl`)",
        bindings: &[
            (Left, PanLeft),
            (Char('h'), PanLeft),
            (Right, PanRight),
            (Char('l'), PanRight),
            (Up, PanUp),
            (Char('k'), PanUp),
            (Down, PanDown),
            (Char('j'), PanDown),
        ],
    },
    Row {
        keys: "z ]  Z [",
        keys_md: "`z` `]` / `Z` `[`",
        help: "zoom in / out (wheel too)",
        readme: "zoom in / out (one dot = k x k cells; the wheel too)",
        bindings: &[
            (Char('z'), ZoomIn),
            (Char(']'), ZoomIn),
            (Char('Z'), ZoomOut),
            (Char('['), ZoomOut),
        ],
    },
    Row {
        keys: "f",
        keys_md: "`f`",
        help: "fit the grid (on the plane: what lives)",
        readme: "fit the grid (on the plane: what lives, and keep fitting as it grows)",
        bindings: &[(Char('f'), Fit)],
    },
    Row {
        keys: "m",
        keys_md: "`m`",
        help: "mode: braille, half blocks, blocks",
        readme: "render mode: braille (2x4 dots a character), half blocks (coloured by density), blocks (one cell per two characters)",
        bindings: &[(Char('m'), NextMode)],
    },
    Row {
        keys: "o",
        keys_md: "`o`",
        help: "rank overlay: strips and seams",
        readme: "rank overlay: each rank's strip tinted in its colour, seams marked",
        bindings: &[(Char('o'), Overlay)],
    },
    Row {
        keys: "p",
        keys_md: "`p`",
        help: "rank side panel",
        readme: "rank side panel: rows, compute, halo-wait and idle time per generation, population",
        bindings: &[(Char('p'), Panel)],
    },
    Row {
        keys: "r  c",
        keys_md: "`r` / `c`",
        help: "reseed randomly / clear",
        readme: "reseed randomly (new seed shown) / clear",
        bindings: &[(Char('r'), Reseed), (Char('c'), Clear)],
    },
    Row {
        keys: "s",
        keys_md: "`s`",
        help: "save the grid as life-<gen>.rle",
        readme: "save the whole grid as `life-<gen>.rle` (atomic; on the plane, the live cells with `#CXRLE Pos Gen`)",
        bindings: &[(Char('s'), Save)],
    },
    Row {
        keys: "g",
        keys_md: "`g`",
        help: "history chart and grid hash",
        readme: "history chart: population and generations/s over the last minute, and the grid's hash (the same 16 hex digits as headless runs print)",
        bindings: &[(Char('g'), Chart)],
    },
    Row {
        keys: "b",
        keys_md: "`b`",
        help: "one generation back (paused)",
        readme: "one generation back, while paused (see \"Giving a talk\")",
        bindings: &[(Char('b'), StepBack)],
    },
    Row {
        keys: "1-9",
        keys_md: "`1`-`9`",
        help: "ranks at work (the others hold one row)",
        readme: "live strong scaling: that many ranks do the work, the others keep one row each (see \"Giving a talk\")",
        bindings: &[
            (Char('1'), RanksAtWork(1)),
            (Char('2'), RanksAtWork(2)),
            (Char('3'), RanksAtWork(3)),
            (Char('4'), RanksAtWork(4)),
            (Char('5'), RanksAtWork(5)),
            (Char('6'), RanksAtWork(6)),
            (Char('7'), RanksAtWork(7)),
            (Char('8'), RanksAtWork(8)),
            (Char('9'), RanksAtWork(9)),
        ],
    },
    Row {
        keys: "→ PgDn  ← PgUp",
        keys_md: "Right, PageDown / Left, PageUp",
        help: "--tour: next / previous stop",
        readme: "presenter mode (`--tour`): next / previous stop",
        bindings: &[
            (Right, NextStop),
            (PageDown, NextStop),
            (Left, PreviousStop),
            (PageUp, PreviousStop),
        ],
    },
    Row {
        keys: "mouse",
        keys_md: "mouse",
        help: "click toggles, drag draws (1:1 in blocks)",
        readme: "click toggles a cell, drag draws (exact at 1:1 in blocks mode)",
        bindings: &[],
    },
    Row {
        keys: "?",
        keys_md: "`?`",
        help: "this help",
        readme: "help",
        bindings: &[(Char('?'), Help)],
    },
    Row {
        keys: "q  Esc  Ctrl-C",
        keys_md: "`q`, Esc, Ctrl-C",
        help: "quit",
        readme: "quit",
        bindings: &[(Char('q'), Quit), (Esc, Quit), (Ctrl('c'), Quit)],
    },
];

/// One entry of the hint line under the view: keys (each character one,
/// or `space`) and a word for what they do.
pub struct Hint {
    pub keys: &'static str,
    pub word: &'static str,
    /// What the keys are bound to in [`ROWS`] (a test checks it).
    pub actions: &'static [Action],
}

/// The hint line, in order; the view drops entries from the middle when
/// the line is too narrow, so the last two (help and quit) stay.
pub const HINTS: &[Hint] = &[
    Hint {
        keys: "space",
        word: "pause",
        actions: &[PauseResume],
    },
    Hint {
        keys: "n",
        word: "step",
        actions: &[Step],
    },
    Hint {
        keys: "+-",
        word: "speed",
        actions: &[Faster, Slower],
    },
    Hint {
        keys: "hjkl",
        word: "pan",
        actions: &[PanLeft, PanDown, PanUp, PanRight],
    },
    Hint {
        keys: "zZ",
        word: "zoom",
        actions: &[ZoomIn, ZoomOut],
    },
    Hint {
        keys: "f",
        word: "fit",
        actions: &[Fit],
    },
    Hint {
        keys: "m",
        word: "mode",
        actions: &[NextMode],
    },
    Hint {
        keys: "o",
        word: "ranks",
        actions: &[Overlay],
    },
    Hint {
        keys: "s",
        word: "save",
        actions: &[Save],
    },
    Hint {
        keys: "?",
        word: "help",
        actions: &[Help],
    },
    Hint {
        keys: "q",
        word: "quit",
        actions: &[Quit],
    },
];

/// What `key` may ask for, in table order: an arrow both pans and, in
/// presenter mode, changes stops, and the view picks by its mode.
pub fn actions(key: Key) -> impl Iterator<Item = Action> {
    ROWS.iter()
        .flat_map(|row| row.bindings)
        .filter(move |(k, _)| *k == key)
        .map(|(_, action)| *action)
}

/// The keys as `--help` lists them, a row a line.
pub fn help_text() -> String {
    let width = ROWS
        .iter()
        .map(|r| r.keys.chars().count())
        .max()
        .unwrap_or(0);
    ROWS.iter()
        .map(|r| format!("  {:<width$}  {}\n", r.keys, r.help))
        .collect()
}

/// The README's key table, in Markdown.
pub fn readme_table() -> String {
    let mut table = String::from("| key | action |\n| --- | --- |\n");
    for row in ROWS {
        table.push_str(&format!("| {} | {} |\n", row.keys_md, row.readme));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_but_an_arrow_asks_for_one_thing() {
        let mut seen: Vec<Key> = Vec::new();
        for (key, _) in ROWS.iter().flat_map(|r| r.bindings) {
            if seen.contains(key) && !matches!(key, Left | Right) {
                panic!("{key:?} is bound twice");
            }
            seen.push(*key);
        }
        let right: Vec<_> = actions(Right).collect();
        assert_eq!(right, [PanRight, NextStop]);
        assert_eq!(actions(Char('7')).collect::<Vec<_>>(), [RanksAtWork(7)]);
        assert_eq!(actions(Ctrl('c')).collect::<Vec<_>>(), [Quit]);
        assert_eq!(actions(Char('x')).count(), 0);
    }

    #[test]
    fn every_hint_names_keys_bound_to_what_it_says() {
        for hint in HINTS {
            let keys: Vec<Key> = if hint.keys == "space" {
                vec![Char(' ')]
            } else {
                hint.keys.chars().map(Char).collect()
            };
            let mut asked: Vec<Action> = Vec::new();
            for key in keys {
                let bound: Vec<Action> = actions(key).collect();
                assert_eq!(
                    bound.len(),
                    1,
                    "hint {:?}: {key:?} is bound to {bound:?}",
                    hint.keys
                );
                assert!(
                    hint.actions.contains(&bound[0]),
                    "hint {:?} {:?}: {key:?} asks for {:?}",
                    hint.keys,
                    hint.word,
                    bound[0]
                );
                asked.push(bound[0]);
            }
            for action in hint.actions {
                assert!(
                    asked.contains(action),
                    "hint {:?}: no key for {action:?}",
                    hint.keys
                );
            }
        }
        assert_eq!(HINTS[HINTS.len() - 1].actions, [Quit]);
        assert_eq!(HINTS[HINTS.len() - 2].actions, [Help]);
    }

    #[test]
    fn the_readme_lists_the_keys_as_the_table_does() {
        let readme = include_str!("../README.md");
        let table = readme_table();
        assert!(
            readme.contains(&table),
            "README.md's key table is not as src/keys.rs says; it should read:\n{table}"
        );
    }

    #[test]
    fn help_text_has_a_line_a_row_aligned() {
        let text = help_text();
        assert_eq!(text.lines().count(), ROWS.len());
        let column = |line: &str| line.find("pause").or_else(|| line.find("quit"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            column(lines[0]).map(|c| lines[0][..c].chars().count()),
            column(lines[ROWS.len() - 1]).map(|c| lines[ROWS.len() - 1][..c].chars().count())
        );
    }
}
