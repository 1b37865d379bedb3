//! The live view's look: every colour it draws in, named for what it
//! marks; the boxes, bars and number formats its widgets share; where the
//! charts go.
//!
//! And how many colours the terminal shows. The widgets draw in 24-bit RGB;
//! terminals without truecolor (macOS Terminal.app before macOS 26, the
//! Linux console, tmux without `Tc`/`RGB`) get each colour as the nearest
//! of the 256-colour palette instead, and `NO_COLOR` (no-color.org) none
//! at all: then the rank overlay marks strips and seams with attributes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType};

/// Live cells when the rank overlay is off; the view's own colour, so also
/// its keys (hint line, help) and the generation in the status bar.
pub const ALIVE: Color = rgb(ALIVE_RGB);
/// [`ALIVE`] as red, green and blue, for the shading computed from it.
pub const ALIVE_RGB: (u8, u8, u8) = (120, 235, 150);
/// Half blocks shade live dots by density (zoomed out) from this, the
/// sparsest, to [`ALIVE`].
pub const SPARSE_RGB: (u8, u8, u8) = (20, 90, 110);
/// Cells beyond the grid's edges.
pub const OUTSIDE: Color = Color::Rgb(28, 28, 34);
/// Each rank's colour in the overlay and the panel (the overlay's tints
/// and seams are these, darkened).
pub const RANK_COLOURS: [(u8, u8, u8); 8] = [
    (86, 182, 234),
    (240, 190, 90),
    (200, 120, 230),
    (130, 220, 110),
    (240, 110, 120),
    (90, 220, 200),
    (230, 150, 90),
    (180, 180, 200),
];

/// Labels, borders and asides around the grid: the rank panel, the status
/// bar's separators, the hint line, the help.
pub const DIM: Color = Color::Rgb(120, 120, 130);
/// Labels, borders and asides of what is drawn over the grid area (the
/// charts, the tour's card and caption line): a shade lighter than [`DIM`].
pub const DIM_ON_GRID: Color = Color::Rgb(150, 150, 160);
/// Text that stands out: the status bar's fields, a tour stop's title.
pub const BRIGHT_TEXT: Color = Color::White;
/// Text on a coloured badge (the generation, `PAUSED`, a strip's rank, the
/// tour's stop counter).
pub const BADGE_TEXT: Color = Color::Black;
/// The status bar behind its fields.
pub const STATUS_BG: Color = Color::Rgb(40, 40, 50);
/// What stops the view or the keys: `PAUSED`, keyboard input closed.
pub const WARNING: Color = Color::Rgb(240, 110, 120);
/// What asks to be read: a message in the hint line, the tour's card.
pub const ACCENT: Color = Color::Rgb(240, 190, 90);
/// The rank panel's halo wait bars.
pub const WAIT: Color = Color::Rgb(230, 110, 90);
/// The history chart's population, in the colour of what it counts.
pub const POPULATION: Color = ALIVE;
/// Generations per second, in the history chart and the rank-count chart.
pub const RATE: Color = Color::Rgb(86, 182, 234);

const fn rgb((r, g, b): (u8, u8, u8)) -> Color {
    Color::Rgb(r, g, b)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Colours {
    /// 24-bit colour, as `COLORTERM=truecolor` (or `24bit`) announces.
    #[default]
    TrueColour,
    /// The xterm 256-colour palette: what a terminal without that promise
    /// can be trusted with.
    Palette,
    /// `NO_COLOR` is set and not empty: no colour at all.
    Off,
}

impl Colours {
    /// What the environment asks for, read through `var` (`std::env::var`
    /// in the program, a table in tests).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Colours {
        if var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Colours::Off;
        }
        match var("COLORTERM").as_deref().map(str::to_ascii_lowercase) {
            Some(v) if v == "truecolor" || v == "24bit" => Colours::TrueColour,
            _ => Colours::Palette,
        }
    }

    /// Rewrites the colours of a drawn frame for this terminal.
    pub fn adapt(self, buffer: &mut Buffer) {
        let map: fn(Color) -> Color = match self {
            Colours::TrueColour => return,
            Colours::Palette => to_palette,
            // crossterm drops colours under NO_COLOR itself; resetting them
            // here keeps the frame and its recording free of them too.
            Colours::Off => |_| Color::Reset,
        };
        for cell in buffer.content.iter_mut() {
            cell.fg = map(cell.fg);
            cell.bg = map(cell.bg);
        }
    }
}

/// An RGB colour as the nearest colour of the xterm palette's colour cube
/// or grey ramp (indices 16-255, the same on every terminal); other colours
/// as they are.
pub fn to_palette(colour: Color) -> Color {
    let Color::Rgb(r, g, b) = colour else {
        return colour;
    };
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest_level = |v: u8| {
        (0..6)
            .min_by_key(|&k| (i32::from(LEVELS[k]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (nearest_level(r), nearest_level(g), nearest_level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let mean = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    // Greys 232-255 are 8, 18, ..., 238.
    let step = (mean.saturating_sub(3) / 10).min(23) as u8;
    let grey_level = 8 + 10 * step;
    let distance = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    if distance((grey_level, grey_level, grey_level)) < distance(cube) {
        Color::Indexed(232 + step)
    } else {
        Color::Indexed(16 + 36 * ri as u8 + 6 * gi as u8 + bi as u8)
    }
}

/// A rounded box with a bold title, as every panel and chart has.
pub fn titled_box(title: &str, border: Color) -> Block<'_> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::default().fg(border))
        .title(Span::styled(
            title,
            Style::default().add_modifier(Modifier::BOLD),
        ))
}

/// A bar of `width` characters, `fraction` of it filled, in eighths.
pub fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (fraction.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut text: String = "█".repeat(eighths / 8);
    if eighths / 8 < width {
        text.push(PARTS[eighths % 8]);
    }
    while text.chars().count() < width {
        text.push(' ');
    }
    text
}

/// A count in four characters or so: 950, 12.3k, 4.5M, 1.2G.
pub fn short(n: f64) -> String {
    if n >= 1e9 {
        format!("{:.1}G", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1}M", n / 1e6)
    } else if n >= 1e4 {
        format!("{:.1}k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

/// A duration in seconds, short: 4.0µs, 12.50ms, 3.20s; "-" for none.
pub fn short_time(seconds: f64) -> String {
    if seconds <= 0.0 {
        "-".into()
    } else if seconds < 1e-3 {
        format!("{:.1}µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.2}ms", seconds * 1e3)
    } else {
        format!("{seconds:.2}s")
    }
}

/// The history chart is not drawn narrower than this, and the rank-count
/// chart stands beside it only where it leaves it at least this wide.
pub const MIN_CHART_WIDTH: u16 = 24;

/// The bottom rows of `grid` that a chart `height` rows tall may take: no
/// more than lie below the grid's centre row, where the pattern is (the
/// tour's card keeps above it in the same way).
pub fn below_centre(grid: Rect, height: u16) -> Rect {
    let room = grid.height.saturating_sub(grid.height / 2 + 1);
    let height = height.min(room);
    Rect::new(grid.x, grid.bottom() - height, grid.width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_environment_picks_the_colours() {
        assert_eq!(Colours::from_env(env(&[])), Colours::Palette);
        assert_eq!(
            Colours::from_env(env(&[("COLORTERM", "truecolor")])),
            Colours::TrueColour
        );
        assert_eq!(
            Colours::from_env(env(&[("COLORTERM", "24bit")])),
            Colours::TrueColour
        );
        assert_eq!(
            Colours::from_env(env(&[("COLORTERM", "yes")])),
            Colours::Palette
        );
        // no-color.org: set and not empty, whatever else is set.
        assert_eq!(
            Colours::from_env(env(&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")])),
            Colours::Off
        );
        assert_eq!(
            Colours::from_env(env(&[("NO_COLOR", ""), ("COLORTERM", "truecolor")])),
            Colours::TrueColour
        );
    }

    #[test]
    fn counts_and_times_are_short() {
        let counts = [
            0.0, 950.0, 9_999.0, 10_000.0, 12_345.0, 999_000.0, 4.5e6, 1.2e9,
        ];
        assert_eq!(
            counts.map(short),
            [
                "0", "950", "9999", "10.0k", "12.3k", "999.0k", "4.5M", "1.2G"
            ]
        );
        let times = [0.0, -1.0, 4e-6, 12.5e-3, 3.2];
        assert_eq!(
            times.map(short_time),
            ["-", "-", "4.0µs", "12.50ms", "3.20s"]
        );
    }

    #[test]
    fn a_chart_never_covers_the_centre() {
        for (w, h) in [
            (80u16, 22u16),
            (200, 58),
            (40, 10),
            (20, 6),
            (10, 4),
            (10, 1),
        ] {
            let grid = Rect::new(3, 2, w, h);
            let centre_row = grid.y + grid.height / 2;
            for height in 0..12 {
                let rows = below_centre(grid, height);
                assert!(rows.y > centre_row, "{w}x{h}, {height} rows: {rows:?}");
                assert_eq!(rows.bottom(), grid.bottom());
                assert_eq!((rows.x, rows.width), (grid.x, grid.width));
                assert!(rows.height <= height);
            }
        }
        assert_eq!(below_centre(Rect::new(0, 0, 80, 22), 7).height, 7);
    }

    #[test]
    fn palette_colours_are_the_nearest_of_the_cube_or_the_greys() {
        assert_eq!(to_palette(Color::Rgb(0, 0, 0)), Color::Indexed(16));
        assert_eq!(to_palette(Color::Rgb(255, 255, 255)), Color::Indexed(231));
        assert_eq!(to_palette(Color::Rgb(255, 0, 0)), Color::Indexed(196));
        assert_eq!(to_palette(Color::Rgb(128, 128, 128)), Color::Indexed(244));
        assert_eq!(to_palette(Color::Rgb(28, 28, 34)), Color::Indexed(234));
        assert_eq!(to_palette(Color::Reset), Color::Reset);
        assert_eq!(to_palette(Color::Black), Color::Black);
        // Never far off: each channel within half a cube step (or a grey's).
        for (r, g, b) in [
            (86, 182, 234),
            (240, 190, 90),
            (120, 235, 150),
            (14, 29, 37),
        ] {
            let Color::Indexed(i) = to_palette(Color::Rgb(r, g, b)) else {
                panic!("an index")
            };
            let (x, y, z) = if i >= 232 {
                let v = 8 + 10 * (i - 232);
                (v, v, v)
            } else {
                const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
                let k = usize::from(i - 16);
                (LEVELS[k / 36], LEVELS[k / 6 % 6], LEVELS[k % 6])
            };
            for (a, b) in [(x, r), (y, g), (z, b)] {
                assert!(a.abs_diff(b) <= 48, "{r},{g},{b} -> {i}");
            }
        }
    }
}
