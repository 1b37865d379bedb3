//! Presenter mode, `--tour [FILE]`: a playlist of patterns for a talk.
//! Each stop opens with a card (title and caption) at the top of the grid,
//! then runs; Right/PageDown and Left/PageUp (what presentation clickers
//! send) go to the next and previous stop, `--tour-seconds N` moves on by
//! itself.
//!
//! The playlist, one stop per line (`#` starts a comment line):
//!
//! ```text
//! PATTERN [rule=RULE] [size=WxH] [zoom=N] [edge=torus|dead] [| CAPTION]
//! PATTERN [options] | TITLE | CAPTION
//! ```
//!
//! PATTERN is a file (relative to the playlist's directory, or as given),
//! a built-in name (see `--list-patterns`) or `soup` for a random soup.
//! Without a title or caption, the pattern's own `#N`, `#O` and `#C` lines
//! are shown.
//!
//! Switching stops needs every rank to load the new grid. Rank 0 reads the
//! playlist and every pattern file into one bundle and broadcasts it at
//! start; every rank resolves the same bundle into the same list of
//! [`RunConfig`]s, and the live round's `Command::Load(stop)` then only
//! carries the stop's index.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::keys::Action;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};
use serde::{Deserialize, Serialize};

use super::component::{Effect, RunInfo};
use crate::cli::Cli;
use crate::config::RunConfig;
use crate::engine::Rule;
use crate::input::PatternSource;
use crate::memory;

/// The built-in tour: classics of the library, from a methuselah to guns,
/// spaceships and a soup to show the ranks at work.
pub const DEFAULT_TOUR: &str = "\
# The built-in tour (life-tui --tour): the classics.
r-pentomino
gosper-glider-gun
pulsar zoom=1
copperhead
diehard | Die hard | Seven cells that vanish after 130 generations: watch it pause itself.
acorn
puffer-train
soup | Random soup | Every rank steps its own strip of rows; press o for the rank overlay, p for the panel.
";

/// How long a stop's card is shown before the stop starts running.
pub const CARD_TIME: Duration = Duration::from_millis(2500);
/// Caption lines a card shows at most.
const CAPTION_LINES: usize = 3;
const ACCENT: Color = Color::Rgb(240, 190, 90);
const DIM: Color = Color::Rgb(150, 150, 160);

/// One line of the playlist, as written.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StopSpec {
    /// The line's number in the playlist (for errors).
    pub line: usize,
    pub pattern: String,
    pub rule: Option<String>,
    pub size: Option<(usize, usize)>,
    pub zoom: Option<u64>,
    pub edge: Option<String>,
    pub title: Option<String>,
    pub caption: Option<String>,
}

/// A stop and the bytes of its pattern file, as rank 0 read them.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Bundled {
    spec: StopSpec,
    /// The name the pattern is shown by, and its file's bytes (none for a soup).
    name: String,
    bytes: Option<Vec<u8>>,
}

/// A stop ready to run: the grid every rank loads, and what rank 0 shows.
#[derive(Clone, Debug)]
pub struct Stop {
    pub config: RunConfig,
    pub title: String,
    /// Caption lines, control characters escaped.
    pub caption: Vec<String>,
    pub zoom: u64,
}

/// The tour's stops and what rank 0 broadcasts for the other ranks.
pub struct Tour {
    pub stops: Vec<Stop>,
    pub bundle: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TourError(pub String);

/// Text safe to put on the terminal: control characters (ESC, CR, BEL...)
/// and the invisible direction overrides become visible escapes such as
/// `\u{1b}`, so that a pattern's comments can never drive the terminal.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let invisible = matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
        if c.is_control() || invisible {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_size(text: &str) -> Option<(usize, usize)> {
    let (w, h) = text.split_once(['x', 'X'])?;
    let (w, h) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    let side = 1..=crate::cli::MAX_SIDE;
    (side.contains(&w) && side.contains(&h)).then_some((w, h))
}

/// Parses the playlist's text; `origin` names it in errors.
pub fn parse_playlist(text: &str, origin: &str) -> Result<Vec<StopSpec>, TourError> {
    let mut specs = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fail = |what: String| TourError(format!("{origin}:{line}: {}", printable(&what)));
        let mut parts = trimmed.splitn(3, '|');
        let head = parts.next().unwrap_or_default();
        let (title, caption) = match (parts.next(), parts.next()) {
            (None, _) => (None, None),
            (Some(caption), None) => (None, Some(caption.trim().to_string())),
            (Some(title), Some(caption)) => (
                Some(title.trim().to_string()),
                Some(caption.trim().to_string()),
            ),
        };
        let mut words = head.split_whitespace();
        let Some(pattern) = words.next() else {
            return Err(fail("a stop needs a pattern before '|'".into()));
        };
        let mut spec = StopSpec {
            line,
            pattern: pattern.to_string(),
            title: title.filter(|t| !t.is_empty()),
            caption: caption.filter(|c| !c.is_empty()),
            ..StopSpec::default()
        };
        for word in words {
            let Some((key, value)) = word.split_once('=') else {
                return Err(fail(format!(
                    "'{word}' is not an option KEY=VALUE (rule=, size=WxH, zoom=, edge=; a caption goes after '|')"
                )));
            };
            match key {
                "rule" => {
                    Rule::parse(value).map_err(|e| fail(format!("rule={value}: {e}")))?;
                    spec.rule = Some(value.to_string());
                }
                "size" => {
                    spec.size = Some(parse_size(value).ok_or_else(|| {
                        fail(format!(
                            "size={value}: not WxH with sides from 1 to {}",
                            crate::cli::MAX_SIDE
                        ))
                    })?)
                }
                "zoom" => {
                    spec.zoom = Some(
                        value
                            .parse()
                            .ok()
                            .filter(|&z: &u64| (1..=1 << 20).contains(&z))
                            .ok_or_else(|| {
                                fail(format!(
                                    "zoom={value}: not a whole number of cells per dot from 1"
                                ))
                            })?,
                    )
                }
                "edge" => {
                    if !matches!(value, "torus" | "dead") {
                        return Err(fail(format!("edge={value}: not torus or dead")));
                    }
                    spec.edge = Some(value.to_string());
                }
                _ => {
                    return Err(fail(format!(
                        "unknown option '{key}' (rule=, size=WxH, zoom=, edge=)"
                    )));
                }
            }
        }
        specs.push(spec);
    }
    if specs.is_empty() {
        return Err(TourError(format!("{origin}: the playlist has no stops")));
    }
    Ok(specs)
}

/// On rank 0: reads the playlist (`None`: the built-in tour) and its
/// pattern files into the bundle every rank resolves.
pub fn read_bundle(playlist: Option<&Path>) -> Result<Vec<u8>, TourError> {
    let (text, origin, dir) = match playlist {
        None => (
            DEFAULT_TOUR.to_string(),
            "the built-in tour".to_string(),
            None,
        ),
        Some(path) => {
            let shown = path.display().to_string();
            let bytes = std::fs::read(path)
                .map_err(|e| TourError(format!("--tour {}: {e}", printable(&shown))))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| TourError(format!("--tour {}: not UTF-8 text", printable(&shown))))?;
            (text, shown, path.parent().map(Path::to_path_buf))
        }
    };
    let mut bundled = Vec::new();
    for spec in parse_playlist(&text, &origin)? {
        if spec.pattern.eq_ignore_ascii_case("soup") {
            bundled.push(Bundled {
                name: "soup".into(),
                bytes: None,
                spec,
            });
            continue;
        }
        // A file next to the playlist first, then as given (a path from
        // here or a built-in name).
        let beside = dir
            .as_ref()
            .map(|d| d.join(&spec.pattern))
            .filter(|p| p.is_file())
            .map(|p| p.display().to_string());
        let arg = beside.unwrap_or_else(|| spec.pattern.clone());
        let source = PatternSource::find(&arg)
            .map_err(|e| TourError(printable(&format!("{origin}:{}: {e}", spec.line))))?;
        bundled.push(Bundled {
            name: source.name,
            bytes: Some(source.bytes),
            spec,
        });
    }
    serde_json::to_vec(&bundled).map_err(|e| TourError(format!("the tour: {e}")))
}

fn first_comment_lines(pattern: &crate::pattern::Pattern) -> Vec<String> {
    let mut lines: Vec<String> = pattern
        .comments
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty() && !c.starts_with("http"))
        .map(printable)
        .collect();
    if let Some(author) = &pattern.author {
        lines.push(printable(author.trim()));
    }
    lines.truncate(CAPTION_LINES);
    lines
}

/// On every rank: the same stops from the same bundle. `default_size`
/// is the grid for stops that name no size (the terminal's, from rank 0),
/// `ranks` the job's size, `seed` rank 0's seed. The result depends on
/// these alone, never on the host (rank 0 checks memory: [`check_memory`]).
pub fn resolve(
    bundle: &[u8],
    cli: &Cli,
    default_size: (usize, usize),
    ranks: usize,
    seed: u64,
) -> Result<Tour, TourError> {
    let bundled: Vec<Bundled> =
        serde_json::from_slice(bundle).map_err(|e| TourError(format!("the tour: {e}")))?;
    let mut stops = Vec::with_capacity(bundled.len());
    for Bundled { spec, name, bytes } in bundled {
        let at = |e: &dyn std::fmt::Display| {
            TourError(printable(&format!(
                "tour stop {} ({}): {e}",
                stops.len() + 1,
                spec.pattern
            )))
        };
        let mut cli = cli.clone();
        cli.seed = Some(seed);
        cli.at = None;
        if let Some((w, h)) = spec.size {
            cli.width = Some(w);
            cli.height = Some(h);
        }
        if let Some(rule) = &spec.rule {
            cli.rule = Some(Rule::parse(rule).map_err(|e| at(&e))?);
        }
        match spec.edge.as_deref() {
            Some("dead") => cli.edge = Some(crate::cli::EdgeArg::Dead),
            Some(_) => cli.edge = Some(crate::cli::EdgeArg::Torus),
            None => {}
        }
        let (pattern, title, caption) = match bytes {
            None => (None, "Random soup".to_string(), Vec::new()),
            Some(bytes) => {
                let source = PatternSource {
                    name: name.clone(),
                    bytes,
                };
                let pattern = source.parse().map_err(|e| at(&e))?;
                let title = pattern.name.clone().unwrap_or_else(|| name.clone());
                let caption = first_comment_lines(&pattern);
                (Some((name, pattern)), printable(title.trim()), caption)
            }
        };
        // A stop without a size fills the terminal, or more when its
        // pattern would not fit: a small terminal must not end the tour.
        let fitting = pattern.as_ref().map_or(default_size, |(_, p)| {
            let margin = |side: u64| {
                let side = usize::try_from(side).unwrap_or(usize::MAX);
                side.saturating_add(2 * (side / 4).max(8))
            };
            (
                default_size.0.max(margin(p.cells.width())),
                default_size.1.max(margin(p.cells.height())),
            )
        });
        let config = RunConfig::resolve(&cli, pattern, Some(fitting)).map_err(|e| at(&e))?;
        config.decomposition(ranks).map_err(|e| at(&e))?;
        stops.push(Stop {
            title: spec.title.as_deref().map_or(title, printable),
            caption: match &spec.caption {
                Some(caption) => vec![printable(caption)],
                None => caption,
            },
            zoom: spec.zoom.unwrap_or(1),
            config,
        });
    }
    Ok(Tour {
        stops,
        bundle: bundle.to_vec(),
    })
}

/// On rank 0, before the view is up: every stop's grid fits this host's
/// memory (as a plain run's grid is checked).
pub fn check_memory(tour: &Tour, ranks: usize) -> Result<(), TourError> {
    for (k, stop) in tour.stops.iter().enumerate() {
        let config = &stop.config;
        let decomp = config
            .decomposition(ranks)
            .map_err(|e| TourError(e.to_string()))?;
        memory::check(config, &decomp, 0, 1, false)
            .map_err(|e| TourError(format!("tour stop {} ({}): {e}", k + 1, stop.title)))?;
    }
    Ok(())
}

/// What rank 0 knows about the tour while it runs.
#[derive(Clone, Debug)]
pub struct TourState {
    pub stops: Vec<StopShow>,
    pub current: usize,
    /// When the current stop began.
    pub started: Instant,
    /// The card is up (the stop waits for it to go).
    pub card: bool,
    /// `--tour-seconds`: move on by itself after this long.
    pub advance_every: Option<Duration>,
}

/// One stop as rank 0 shows it.
#[derive(Clone, Debug)]
pub struct StopShow {
    pub info: RunInfo,
    pub title: String,
    pub caption: Vec<String>,
    pub zoom: u64,
}

impl TourState {
    pub fn new(tour: &Tour, ranks: usize, advance_every: Option<Duration>) -> TourState {
        let stops = tour
            .stops
            .iter()
            .map(|stop| StopShow {
                info: RunInfo {
                    width: stop.config.width,
                    height: stop.config.height,
                    rule: stop.config.rule,
                    edge: stop.config.edge,
                    decomp: stop
                        .config
                        .decomposition(ranks)
                        .expect("resolve checked the decomposition"),
                    plane: false,
                },
                title: stop.title.clone(),
                caption: stop.caption.clone(),
                zoom: stop.zoom,
            })
            .collect();
        TourState {
            stops,
            current: 0,
            started: Instant::now(),
            card: true,
            advance_every,
        }
    }

    /// How long the card stays: shorter when stops are short.
    fn card_time(&self) -> Duration {
        match self.advance_every {
            Some(every) => CARD_TIME.min(every / 2),
            None => CARD_TIME,
        }
    }
}

impl TourState {
    /// Makes stop `index` the current one: every rank loads its grid in
    /// the next round, and its card goes up.
    pub fn go_to(&mut self, index: usize, now: Instant) -> Effect {
        let index = index.min(self.stops.len() - 1);
        self.current = index;
        self.started = now;
        self.card = true;
        let stop = self.stops[index].clone();
        Effect::ShowStop {
            index,
            info: stop.info,
            zoom: stop.zoom,
            title: stop.title,
        }
    }

    /// The clicker's keys; None when the key is not the tour's.
    pub fn handle(&mut self, actions: &[Action], now: Instant) -> Option<Vec<Effect>> {
        let (current, last) = (self.current, self.stops.len() - 1);
        let stop = actions
            .iter()
            .find(|a| matches!(a, Action::NextStop | Action::PreviousStop))?;
        let effect = match stop {
            Action::NextStop if current < last => self.go_to(current + 1, now),
            Action::NextStop => Effect::Message("the last stop of the tour".into()),
            _ if current > 0 => self.go_to(current - 1, now),
            _ => Effect::Message("the first stop of the tour".into()),
        };
        Some(vec![effect])
    }

    /// Called by the main loop every turn: takes the card down when its
    /// time is up (the stop starts running), and moves on with
    /// `--tour-seconds` (after the last stop, back to the first: a kiosk
    /// loop).
    pub fn tick(&mut self, now: Instant) -> Vec<Effect> {
        let mut effects = Vec::new();
        let elapsed = now.saturating_duration_since(self.started);
        if self.card && elapsed >= self.card_time() {
            self.card = false;
            effects.push(Effect::Resume);
        }
        if let Some(every) = self.advance_every
            && elapsed >= every
        {
            let next = (self.current + 1) % self.stops.len();
            effects.push(self.go_to(next, now));
        }
        effects
    }
}

/// Where the card goes in a grid area: at the top, never down to the
/// grid's centre row (where the pattern is), as high as its `lines` need
/// or as the top half allows.
pub fn card_area(grid: Rect, lines: u16) -> Rect {
    let width = grid.width.saturating_sub(4).min(76);
    let room = (grid.height / 2).saturating_sub(1);
    let height = (lines + 2).min(room);
    Rect::new(
        grid.x + (grid.width - width) / 2,
        grid.y + 1.min(room.saturating_sub(height)),
        width,
        height,
    )
}

/// The grid's centre cell on screen: what a card must never cover.
pub fn centre_of(grid: Rect) -> (u16, u16) {
    (grid.x + grid.width / 2, grid.y + grid.height / 2)
}

impl TourState {
    /// Draws the current stop's card (or, once it runs, a one-line caption
    /// at the top of the grid).
    pub fn render(&self, grid: Rect, buf: &mut Buffer) {
        let tour = self;
        if grid.width < 8 || grid.height < 4 {
            return;
        }
        let stop = &tour.stops[tour.current];
        let counter = format!(" {}/{} ", tour.current + 1, tour.stops.len());
        if !tour.card {
            let mut spans = vec![
                Span::styled(counter, Style::default().fg(Color::Black).bg(ACCENT)),
                Span::styled(
                    format!(" {} ", stop.title),
                    Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
                ),
            ];
            if let Some(first) = stop.caption.first() {
                spans.push(Span::styled(first.clone(), Style::default().fg(DIM)));
            }
            let line = Rect::new(grid.x, grid.y, grid.width, 1);
            Paragraph::new(Line::from(spans)).render(line, buf);
            return;
        }
        // Title, a blank line, then the caption as it wraps inside the box.
        let inside = usize::from(card_area(grid, 0).width.saturating_sub(2)).max(1);
        let wrapped: usize = stop
            .caption
            .iter()
            .map(|line| line.chars().count().div_ceil(inside).max(1))
            .sum();
        let area = card_area(grid, 2 + wrapped.min(usize::from(u16::MAX)) as u16);
        if area.height < 3 {
            // No room for a box: the title on the top row.
            let line = Rect::new(grid.x, grid.y, grid.width, 1);
            Clear.render(line, buf);
            Paragraph::new(Line::styled(
                format!("{counter}{}", stop.title),
                Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
            ))
            .render(line, buf);
            return;
        }
        Clear.render(area, buf);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(Style::default().fg(ACCENT))
            .title(Span::styled(counter, Style::default().fg(ACCENT)))
            .title_bottom(
                Line::styled(" → next  ← previous ", Style::default().fg(DIM)).right_aligned(),
            );
        let inner = block.inner(area);
        block.render(area, buf);
        let mut lines = vec![
            Line::styled(
                stop.title.clone(),
                Style::default()
                    .fg(Color::White)
                    .add_modifier(Modifier::BOLD),
            )
            .centered(),
            Line::default(),
        ];
        lines.extend(
            stop.caption
                .iter()
                .map(|c| Line::styled(c.clone(), Style::default().fg(DIM)).centered()),
        );
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(printable("Glider\x1b[2J\x07"), "Glider\\u{1b}[2J\\u{7}");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(printable("Sir Robin, 2018 ⠿"), "Sir Robin, 2018 ⠿");
    }

    #[test]
    fn playlist_lines_parse() {
        let specs = parse_playlist(
            "# a talk\n\nglider.rle size=40x30 zoom=2 rule=B36/S23 | Glider | A small ship\nsoup edge=dead|Just a caption\n",
            "t",
        )
        .unwrap();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].line, 3);
        assert_eq!(specs[0].size, Some((40, 30)));
        assert_eq!(specs[0].zoom, Some(2));
        assert_eq!(specs[0].title.as_deref(), Some("Glider"));
        assert_eq!(specs[0].caption.as_deref(), Some("A small ship"));
        assert_eq!(specs[1].edge.as_deref(), Some("dead"));
        assert_eq!(specs[1].title, None);
        assert_eq!(specs[1].caption.as_deref(), Some("Just a caption"));
    }

    #[test]
    fn bad_playlists_say_where() {
        for (text, expected) in [
            ("glider speed=3\n", "t:1: unknown option 'speed'"),
            ("\nglider size=0x4\n", "t:2: size=0x4"),
            ("glider zoom=x\n", "t:1: zoom=x"),
            ("glider rule=B9\n", "t:1: rule=B9"),
            ("glider fast\n", "t:1: 'fast' is not an option"),
            ("# nothing\n", "t: the playlist has no stops"),
            (" | caption only\n", "t:1: a stop needs a pattern"),
        ] {
            let err = parse_playlist(text, "t").unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn the_built_in_tour_fits_any_terminal() {
        let cli = crate::cli::parse(["life-tui"]).unwrap().unwrap();
        let bundle = read_bundle(None).unwrap();
        for size in [(8, 8), (80, 40), (400, 240)] {
            let tour = resolve(&bundle, &cli, size, 4, 1).unwrap();
            assert_eq!(tour.stops.len(), 8);
            for stop in &tour.stops {
                assert!(stop.config.width >= size.0 && stop.config.height >= size.1);
                let placed = stop.config.pattern.as_ref();
                assert!(placed.is_none_or(|p| p.cells.width() < stop.config.width));
            }
        }
    }

    #[test]
    fn the_card_never_covers_the_centre() {
        for (w, h) in [(80u16, 22u16), (200, 58), (40, 10), (20, 6), (10, 4)] {
            let grid = Rect::new(0, 0, w, h);
            for lines in 0..8 {
                let card = card_area(grid, lines);
                let (cx, cy) = centre_of(grid);
                assert!(
                    !(card.contains(ratatui::layout::Position::new(cx, cy))),
                    "{w}x{h}, {lines} lines: {card:?}"
                );
                assert!(card.bottom() <= cy, "{w}x{h}: {card:?}");
            }
        }
    }
}
