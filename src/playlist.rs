//! Presenter mode's playlist (`--tour [FILE]`): the patterns of a talk,
//! read and resolved into runs. Showing them is `tui::tour`'s job.
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
//! start; every rank parses the same playlist and resolves the same bundle
//! into the same list of [`RunConfig`]s, and the live round's
//! `Command::Load(stop)` then only carries the stop's index.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::{GridOptions, RunConfig};
use crate::engine::{Edge, Rule, RuleError};
use crate::error::Error;
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

/// Caption lines a card shows at most.
const CAPTION_LINES: usize = 3;

/// One line of the playlist.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StopSpec {
    /// The line's number in the playlist (for errors).
    pub line: usize,
    pub pattern: String,
    pub rule: Option<Rule>,
    pub size: Option<(usize, usize)>,
    pub zoom: Option<u64>,
    /// `edge=torus|dead`.
    pub edge: Option<Edge>,
    pub title: Option<String>,
    pub caption: Option<String>,
}

/// What rank 0 read, for every rank: the playlist's text, and for each
/// stop the name its pattern is shown by and the file's bytes (none for a
/// soup).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Bundle {
    playlist: String,
    origin: String,
    files: Vec<Option<PatternFile>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct PatternFile {
    name: String,
    bytes: Vec<u8>,
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

/// Why the tour cannot start, as the one `error:` line. Text that came
/// from the playlist or a pattern file is shown through [`printable`].
/// The wrapped [`Error`]s are boxed: unboxed they make every `Result`
/// of this module 144 bytes or more.
#[derive(Debug, thiserror::Error)]
pub enum PlaylistError {
    #[error("--tour {}: {source}", printable(path))]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("--tour {}: not UTF-8 text", printable(path))]
    NotUtf8 { path: String },
    /// A line of the playlist that does not parse.
    #[error("{}:{line}: {}", printable(origin), printable(&problem.to_string()))]
    Line {
        origin: String,
        line: usize,
        problem: LineError,
    },
    #[error("{}: the playlist has no stops", printable(origin))]
    NoStops { origin: String },
    /// A stop's pattern is neither a file nor a built-in, or its file
    /// cannot be read.
    #[error("{}", printable(&format!("{origin}:{line}: {source}")))]
    Pattern {
        origin: String,
        line: usize,
        source: Box<Error>,
    },
    /// The bundle rank 0 broadcasts did not encode or decode.
    #[error("the tour: {0}")]
    Bundle(#[source] serde_json::Error),
    #[error("the tour: the bundle's files do not match its stops")]
    BundleMismatch,
    /// A stop whose pattern, grid or split over the ranks is refused, or
    /// whose grid does not fit this host's memory; `stop` counts from 1.
    #[error("{}", printable(&format!("tour stop {stop} ({name}): {source}")))]
    Stop {
        stop: usize,
        name: String,
        source: Box<Error>,
    },
    #[error("{0}")]
    Decomposition(#[source] Box<Error>),
}

/// What is wrong with one line of the playlist.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("a stop needs a pattern before '|'")]
    NoPattern,
    #[error(
        "'{0}' is not an option KEY=VALUE (rule=, size=WxH, zoom=, edge=; a caption goes after '|')"
    )]
    NotAnOption(String),
    #[error("unknown option '{0}' (rule=, size=WxH, zoom=, edge=)")]
    UnknownOption(String),
    #[error("rule={value}: {source}")]
    Rule { value: String, source: RuleError },
    #[error("size={0}: not WxH with sides from 1 to {max}", max = crate::cli::MAX_SIDE)]
    Size(String),
    #[error("zoom={0}: not a whole number of cells per dot from 1")]
    Zoom(String),
    #[error("edge={0}: not torus or dead")]
    Edge(String),
}

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
pub fn parse_playlist(text: &str, origin: &str) -> Result<Vec<StopSpec>, PlaylistError> {
    let mut specs = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fail = |problem| PlaylistError::Line {
            origin: origin.to_string(),
            line,
            problem,
        };
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
            return Err(fail(LineError::NoPattern));
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
                return Err(fail(LineError::NotAnOption(word.to_string())));
            };
            match key {
                "rule" => {
                    let rule = Rule::parse(value).map_err(|source| {
                        fail(LineError::Rule {
                            value: value.to_string(),
                            source,
                        })
                    })?;
                    spec.rule = Some(rule);
                }
                "size" => {
                    spec.size = Some(
                        parse_size(value)
                            .ok_or_else(|| fail(LineError::Size(value.to_string())))?,
                    )
                }
                "zoom" => {
                    spec.zoom = Some(
                        value
                            .parse()
                            .ok()
                            .filter(|&z: &u64| (1..=1 << 20).contains(&z))
                            .ok_or_else(|| fail(LineError::Zoom(value.to_string())))?,
                    )
                }
                "edge" => {
                    spec.edge = Some(match value {
                        "torus" => Edge::Torus,
                        "dead" => Edge::Dead,
                        _ => return Err(fail(LineError::Edge(value.to_string()))),
                    });
                }
                _ => {
                    return Err(fail(LineError::UnknownOption(key.to_string())));
                }
            }
        }
        specs.push(spec);
    }
    if specs.is_empty() {
        return Err(PlaylistError::NoStops {
            origin: origin.to_string(),
        });
    }
    Ok(specs)
}

/// On rank 0: reads the playlist (`None`: the built-in tour) and its
/// pattern files into the bundle every rank resolves.
pub fn read_bundle(playlist: Option<&Path>) -> Result<Vec<u8>, PlaylistError> {
    let (text, origin, dir) = match playlist {
        None => (
            DEFAULT_TOUR.to_string(),
            "the built-in tour".to_string(),
            None,
        ),
        Some(path) => {
            let shown = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|source| PlaylistError::Unreadable {
                path: shown.clone(),
                source,
            })?;
            let text = String::from_utf8(bytes).map_err(|_| PlaylistError::NotUtf8 {
                path: shown.clone(),
            })?;
            (text, shown, path.parent().map(Path::to_path_buf))
        }
    };
    let mut files = Vec::new();
    for spec in parse_playlist(&text, &origin)? {
        if spec.pattern.eq_ignore_ascii_case("soup") {
            files.push(None);
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
        let source = PatternSource::find(&arg).map_err(|source| PlaylistError::Pattern {
            origin: origin.clone(),
            line: spec.line,
            source: Box::new(source),
        })?;
        files.push(Some(PatternFile {
            name: source.name,
            bytes: source.bytes,
        }));
    }
    let bundle = Bundle {
        playlist: text,
        origin,
        files,
    };
    serde_json::to_vec(&bundle).map_err(PlaylistError::Bundle)
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
    options: &GridOptions,
    default_size: (usize, usize),
    ranks: usize,
    seed: u64,
) -> Result<Tour, PlaylistError> {
    let Bundle {
        playlist,
        origin,
        files,
    } = serde_json::from_slice(bundle).map_err(PlaylistError::Bundle)?;
    let specs = parse_playlist(&playlist, &origin)?;
    if specs.len() != files.len() {
        return Err(PlaylistError::BundleMismatch);
    }
    let mut stops = Vec::with_capacity(specs.len());
    for (spec, file) in specs.into_iter().zip(files) {
        let at = |source| PlaylistError::Stop {
            stop: stops.len() + 1,
            name: spec.pattern.clone(),
            source: Box::new(source),
        };
        let options = GridOptions {
            width: spec.size.map(|(w, _)| w).or(options.width),
            height: spec.size.map(|(_, h)| h).or(options.height),
            rule: spec.rule.or(options.rule),
            edge: spec.edge.or(options.edge),
            seed: Some(seed),
            at: None,
            ..*options
        };
        let (pattern, title, caption) = match file {
            None => (None, "Random soup".to_string(), Vec::new()),
            Some(PatternFile { name, bytes }) => {
                let source = PatternSource {
                    name: name.clone(),
                    bytes,
                };
                let pattern = source.parse().map_err(at)?;
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
        let config = RunConfig::resolve_options(&options, pattern, Some(fitting)).map_err(at)?;
        config.decomposition(ranks).map_err(at)?;
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
pub fn check_memory(tour: &Tour, ranks: usize) -> Result<(), PlaylistError> {
    for (k, stop) in tour.stops.iter().enumerate() {
        let config = &stop.config;
        let decomp = config
            .decomposition(ranks)
            .map_err(|e| PlaylistError::Decomposition(Box::new(e)))?;
        memory::check(config, &decomp, 0, 1, false).map_err(|source| PlaylistError::Stop {
            stop: k + 1,
            name: stop.title.clone(),
            source: Box::new(source),
        })?;
    }
    Ok(())
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
        assert_eq!(specs[0].rule, Some(Rule::parse("B36/S23").unwrap()));
        assert_eq!(specs[0].title.as_deref(), Some("Glider"));
        assert_eq!(specs[0].caption.as_deref(), Some("A small ship"));
        assert_eq!(specs[1].edge, Some(Edge::Dead));
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
            ("glider edge=plane\n", "t:1: edge=plane: not torus or dead"),
            ("glider fast\n", "t:1: 'fast' is not an option"),
            ("# nothing\n", "t: the playlist has no stops"),
            (" | caption only\n", "t:1: a stop needs a pattern"),
        ] {
            let err = parse_playlist(text, "t").unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn each_bad_line_keeps_its_words() {
        let max = crate::cli::MAX_SIDE;
        for (text, expected) in [
            (
                "glider speed=3\n",
                "t:1: unknown option 'speed' (rule=, size=WxH, zoom=, edge=)".to_string(),
            ),
            (
                "glider size=0x4\n",
                format!("t:1: size=0x4: not WxH with sides from 1 to {max}"),
            ),
            (
                "glider zoom=0\n",
                "t:1: zoom=0: not a whole number of cells per dot from 1".to_string(),
            ),
            (
                "glider rule=B9\n",
                "t:1: rule=B9: rule 'B9': neighbour count '9' is not a digit from 0 to 8"
                    .to_string(),
            ),
            (
                "glider fa\x1bst\n",
                "t:1: 'fa\\u{1b}st' is not an option KEY=VALUE (rule=, size=WxH, zoom=, edge=; a caption goes after '|')".to_string(),
            ),
            (
                " | caption\n",
                "t:1: a stop needs a pattern before '|'".to_string(),
            ),
        ] {
            let err = parse_playlist(text, "t").unwrap_err();
            assert!(matches!(err, PlaylistError::Line { line: 1, .. }), "{err:?}");
            assert_eq!(err.to_string(), expected, "{text:?}");
        }
        let err = parse_playlist("glider edge=plane\n", "t").unwrap_err();
        assert!(matches!(
            err,
            PlaylistError::Line {
                problem: LineError::Edge(_),
                ..
            }
        ));
    }

    #[test]
    fn an_unknown_pattern_and_an_unreadable_playlist_say_which() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("talk.tour");
        std::fs::write(&path, "glider\nno-such-pattern\n").unwrap();
        let err = read_bundle(Some(&path)).unwrap_err();
        assert!(
            matches!(err, PlaylistError::Pattern { line: 2, .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "{}:2: 'no-such-pattern' is neither a pattern file nor a built-in pattern (see --list-patterns)",
                path.display()
            )
        );
        let missing = dir.path().join("missing.tour");
        let err = read_bundle(Some(&missing)).unwrap_err();
        assert!(matches!(err, PlaylistError::Unreadable { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with(&format!("--tour {}: No such file", missing.display())),
            "{err}"
        );
        std::fs::write(&path, b"glider \xff\n").unwrap();
        let err = read_bundle(Some(&path)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("--tour {}: not UTF-8 text", path.display())
        );
    }

    #[test]
    fn a_playlist_path_with_control_characters_is_shown_escaped_in_every_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("talk\x1b[2J.tour");
        let shown = printable(&path.display().to_string());
        assert!(shown.contains("talk\\u{1b}[2J.tour"), "{shown}");
        std::fs::write(&path, b"# nothing but a comment\n").unwrap();
        let err = read_bundle(Some(&path)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{shown}: the playlist has no stops")
        );
        std::fs::write(&path, b"glider zoom=0\n").unwrap();
        let err = read_bundle(Some(&path)).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!("{shown}:1: ")),
            "{err}"
        );
        std::fs::write(&path, b"glider \xff\n").unwrap();
        let err = read_bundle(Some(&path)).unwrap_err();
        assert_eq!(err.to_string(), format!("--tour {shown}: not UTF-8 text"));
    }

    #[test]
    fn a_bad_bundle_or_stop_says_which() {
        let bundle = serde_json::to_vec(&Bundle {
            playlist: "glider\nglider\n".into(),
            origin: "t".into(),
            files: vec![None],
        })
        .unwrap();
        let err = resolve(&bundle, &GridOptions::default(), (80, 40), 2, 1).err();
        assert!(
            matches!(err, Some(PlaylistError::BundleMismatch)),
            "{err:?}"
        );
        let err = resolve(b"{", &GridOptions::default(), (80, 40), 2, 1).err();
        assert!(
            err.as_ref()
                .is_some_and(|e| e.to_string().starts_with("the tour: ")),
            "{err:?}"
        );
        let bundle = serde_json::to_vec(&Bundle {
            playlist: "glider size=4x4\n".into(),
            origin: "t".into(),
            files: vec![Some(PatternFile {
                name: "wide".into(),
                bytes: b"x = 9, y = 1\n9o!\n".to_vec(),
            })],
        })
        .unwrap();
        let err = resolve(&bundle, &GridOptions::default(), (80, 40), 2, 1).err();
        assert!(
            matches!(err, Some(PlaylistError::Stop { stop: 1, .. })),
            "{err:?}"
        );
        assert_eq!(
            err.unwrap().to_string(),
            "tour stop 1 (glider): pattern wide is 9x1 but the grid is only 4x4"
        );
    }

    #[test]
    fn the_built_in_tour_fits_any_terminal() {
        let bundle = read_bundle(None).unwrap();
        for size in [(8, 8), (80, 40), (400, 240)] {
            let tour = resolve(&bundle, &GridOptions::default(), size, 4, 1).unwrap();
            assert_eq!(tour.stops.len(), 8);
            for stop in &tour.stops {
                assert!(stop.config.width >= size.0 && stop.config.height >= size.1);
                let placed = stop.config.pattern.as_ref();
                assert!(placed.is_none_or(|p| p.cells.width() < stop.config.width));
            }
        }
    }

    #[test]
    fn a_stop_sets_its_own_options_over_the_command_line() {
        let bundle = read_bundle(None).unwrap();
        let base = GridOptions {
            rule: Some(Rule::parse("B36/S23").unwrap()),
            edge: Some(Edge::Dead),
            seed: Some(99),
            ..GridOptions::default()
        };
        let tour = resolve(&bundle, &base, (80, 40), 2, 5).unwrap();
        for stop in &tour.stops {
            assert_eq!(stop.config.rule, Rule::parse("B36/S23").unwrap());
            assert_eq!(stop.config.edge, Edge::Dead);
            assert_eq!(stop.config.seed, 5, "rank 0's seed, on every rank");
        }
    }
}
