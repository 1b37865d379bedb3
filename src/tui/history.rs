//! What the live view remembers of the run on rank 0: population and
//! speed over time (the chart, `g`), the grid's hash (the same as headless
//! runs print), the pause when the pattern dies out or repeats, and the
//! count of generations every rank can step back (`b`).
//!
//! The hash costs each rank one pass over its strip, so the ranks compute
//! it only in rounds that ask (`Control::hash`): while the chart is shown
//! or a repeat is being watched for. A repeat is found from a short list
//! of (generation, hash): the same hash at two generations means the grid
//! came back, with a period dividing their difference.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Sparkline, Widget};

use super::app::App;
use super::ui::titled_box;
use crate::engine::hash;
use crate::keys::Action;
use crate::live::rewind::{BUDGET, Rewind, RewindCount};
use crate::live::{Command, Control, RoundResult};
use crate::memory::human_bytes;

/// Samples kept for the chart (one every [`SAMPLE_EVERY`]).
const SAMPLES: usize = 600;
const SAMPLE_EVERY: Duration = Duration::from_millis(100);
/// Hashes kept to notice a repeat.
const HASHES: usize = 64;
/// The chart's height in rows, borders included.
pub const CHART_HEIGHT: u16 = 7;
const POPULATION: Color = Color::Rgb(120, 235, 150);
const SPEED: Color = Color::Rgb(86, 182, 234);
const DIM: Color = Color::Rgb(150, 150, 160);

/// One point of the chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub generation: u64,
    pub population: u64,
    pub gens_per_second: f64,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    pub samples: VecDeque<Sample>,
    last_sample: Option<Instant>,
    /// The chart is shown (`g`).
    pub chart: bool,
    /// Pause when the pattern dies out or repeats (`--auto-pause`, tours).
    pub auto_pause: bool,
    /// Watching for the end: set when the grid gets new cells (start,
    /// load, reseed, edits), cleared once it paused for it.
    pub armed: bool,
    /// The latest grid hash, and its generation.
    pub hash: Option<(u64, u64)>,
    recent: VecDeque<(u64, u64)>,
    /// Generations every rank can step back.
    pub rewind: RewindCount,
}

impl History {
    pub fn new(auto_pause: bool) -> History {
        History {
            auto_pause,
            armed: true,
            ..History::default()
        }
    }

    fn restart(&mut self) {
        self.samples.clear();
        self.recent.clear();
        self.hash = None;
        self.armed = true;
    }
}

/// Whether the next round must carry the ranks' hashes.
pub fn wants_hash(app: &App) -> bool {
    let history = &app.history;
    history.chart || (history.auto_pause && history.armed)
}

/// `g` shows the chart; `b` steps back one generation while paused.
pub fn handle_action(app: &mut App, action: Action) -> bool {
    match action {
        Action::Chart => {
            app.history.chart = !app.history.chart;
            true
        }
        Action::StepBack => {
            step_back(app);
            true
        }
        _ => false,
    }
}

fn step_back(app: &mut App) {
    let rewind = &app.history.rewind;
    if !app.paused {
        app.message = Some("b steps back while paused: press space first".into());
    } else if rewind.depth == 0 {
        let tallest = (0..app.info.ranks())
            .map(|r| app.info.decomp.rows_of(r).len())
            .max()
            .unwrap_or(0);
        app.message = Some(format!(
            "too large to step back: one generation of a strip is {}, each rank keeps at most {}",
            human_bytes(Rewind::bytes_per_copy(app.info.width, tallest)),
            human_bytes(BUDGET)
        ));
    } else if rewind.available == 0 || app.generation == 0 {
        app.message = Some(format!(
            "no earlier generation kept (the last {} stepped are, since the grid last changed)",
            rewind.depth
        ));
    } else if app.pending.command == Command::None {
        app.pending.command = Command::Back;
    }
}

/// Takes in a round before the app absorbs it: the hash, the chart's
/// sample, the step-back count, and the pause when the pattern ended.
pub fn observe(app: &mut App, control: &Control, result: &RoundResult, now: Instant) {
    let history = &mut app.history;
    history.rewind.depth = Rewind::depth_for(app.info.width, &app.info.decomp);
    let changed = !control.edits.is_empty()
        || matches!(
            control.command,
            Command::Reseed(_) | Command::Load(_) | Command::Clear
        );
    if changed {
        history.rewind.clear();
        history.restart();
        // An empty grid is where drawing starts, not an end.
        history.armed = control.command != Command::Clear || !control.edits.is_empty();
    }
    if let Command::Active(_) = control.command {
        // The strips changed shape: their copies no longer fit.
        history.rewind.clear();
    }
    if control.command == Command::Back {
        history.rewind.back();
        app.generation = app.generation.saturating_sub(1);
        history.recent.clear();
    }
    history.rewind.stepped(control.steps);
    super::speedup::observe(app, control, &result.stats, now);
    let history = &mut app.history;
    let generation = app.generation + control.steps;
    let population: u64 = result.stats.iter().map(|s| s.population).sum();
    if control.hash {
        let sum = result
            .stats
            .iter()
            .fold(0u64, |sum, s| sum.wrapping_add(s.hash));
        let grid = if app.info.plane {
            hash::finish_plane(sum)
        } else {
            hash::finish(sum, app.info.width, app.info.height)
        };
        history.hash = Some((generation, grid));
    } else if changed || control.steps > 0 || control.command == Command::Back {
        history.hash = None;
    }
    if history.last_sample.is_none_or(|t| now - t >= SAMPLE_EVERY) {
        history.last_sample = Some(now);
        if history.samples.len() == SAMPLES {
            history.samples.pop_front();
        }
        history.samples.push_back(Sample {
            generation,
            population,
            gens_per_second: app.gens_per_second,
        });
    }
    if !(history.auto_pause && history.armed) {
        return;
    }
    let mut ended = None;
    if control.steps > 0 && population == 0 {
        ended = Some(format!("died out by generation {generation}: paused"));
    } else if let Some((_, grid)) = history.hash.filter(|_| control.hash) {
        let earlier = history
            .recent
            .iter()
            .rev()
            .find(|&&(g, h)| h == grid && g < generation)
            .map(|&(g, _)| g);
        if history.recent.len() == HASHES {
            history.recent.pop_front();
        }
        history.recent.push_back((generation, grid));
        ended = earlier.filter(|_| control.steps > 0).map(|g| {
            let period = generation - g;
            if period == 1 {
                format!("still life since generation {g} or before: paused")
            } else {
                format!(
                    "repeats: generation {generation} is generation {g} again (period {period} or a divisor): paused"
                )
            }
        });
    }
    if let Some(text) = ended {
        history.armed = false;
        app.paused = true;
        app.message = Some(text);
    }
}

/// Where the chart goes: the bottom of the grid area, below its centre row.
pub fn chart_area(grid: Rect) -> Rect {
    let width = grid.width.min(72);
    let room = grid.height.saturating_sub(grid.height / 2 + 1);
    let height = CHART_HEIGHT.min(room);
    Rect::new(grid.x, grid.bottom() - height, width, height)
}

fn short(n: f64) -> String {
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

/// Draws the chart over the bottom of the grid, when it is on.
pub fn render(app: &App, grid: Rect, buf: &mut Buffer) {
    let history = &app.history;
    if !history.chart {
        return;
    }
    // Room on the right for the rank-count chart, when it has rates.
    let beside = if !app.speedup.rates.is_empty() && grid.width >= 64 {
        36
    } else {
        0
    };
    let mut area = chart_area(grid);
    area.width = area.width.min(grid.width - beside);
    if area.height < 4 || area.width < 24 {
        return;
    }
    Clear.render(area, buf);
    let block = titled_box(" history ", DIM)
        .title_bottom(Line::styled(" g hides ", Style::default().fg(DIM)).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let label_width = 16u16.min(inner.width / 2);
    let spark_width = inner.width - label_width;
    let tail = |value: fn(&Sample) -> u64| -> Vec<u64> {
        let skip = history
            .samples
            .len()
            .saturating_sub(usize::from(spark_width));
        history.samples.iter().skip(skip).map(value).collect()
    };
    let last = history.samples.back().copied();
    let rows: [(&str, String, Vec<u64>, Color); 2] = [
        (
            "population",
            short(last.map_or(0.0, |s| s.population as f64)),
            tail(|s| s.population),
            POPULATION,
        ),
        (
            "gen/s",
            short(last.map_or(0.0, |s| s.gens_per_second)),
            tail(|s| s.gens_per_second.round() as u64),
            SPEED,
        ),
    ];
    let spark_rows = (inner.height.saturating_sub(1) / 2).max(1);
    for (k, (name, value, data, colour)) in rows.into_iter().enumerate() {
        let y = inner.y + k as u16 * spark_rows;
        if y + spark_rows > inner.bottom() {
            break;
        }
        let label = Rect::new(inner.x, y, label_width, spark_rows);
        Paragraph::new(vec![
            Line::styled(format!(" {name}"), Style::default().fg(DIM)),
            Line::styled(
                format!(" {value}"),
                Style::default().fg(colour).add_modifier(Modifier::BOLD),
            ),
        ])
        .render(label, buf);
        let max = data.iter().copied().max().unwrap_or(0).max(1);
        Sparkline::default()
            .data(data)
            .max(max)
            .style(Style::default().fg(colour))
            .render(
                Rect::new(inner.x + label_width, y, spark_width, spark_rows),
                buf,
            );
    }
    let hash = match history.hash {
        Some((generation, hash)) if generation == app.generation => hash::to_hex(hash),
        _ => "-".into(),
    };
    let back = match history.rewind.depth {
        0 => "too large to step back".to_string(),
        _ => format!("b back: {}", history.rewind.available),
    };
    let footer = Rect::new(inner.x, inner.bottom() - 1, inner.width, 1);
    Paragraph::new(Line::from(vec![
        Span::styled(" hash ", Style::default().fg(DIM)),
        Span::raw(hash),
        Span::styled(format!("  {back}"), Style::default().fg(DIM)),
    ]))
    .render(footer, buf);
}
