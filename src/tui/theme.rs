//! How many colours the terminal shows. The widgets draw in 24-bit RGB;
//! terminals without truecolor (macOS Terminal.app before macOS 26, the
//! Linux console, tmux without `Tc`/`RGB`) get each colour as the nearest
//! of the 256-colour palette instead, and `NO_COLOR` (no-color.org) none
//! at all: then the rank overlay marks strips and seams with attributes.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType};

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
