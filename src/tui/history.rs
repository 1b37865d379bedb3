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

use super::component::{Effect, Facts};
use super::theme::{
    DIM_ON_GRID, MIN_CHART_WIDTH, POPULATION, RATE, below_centre, short, titled_box,
};
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
/// The chart is no wider than this: past it the sparklines only stretch
/// a minute of samples thinner, and cover more of the grid.
const CHART_MAX_WIDTH: u16 = 72;
/// The column of names and values left of the sparklines (at most half
/// the chart).
const LABEL_WIDTH: u16 = 16;

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

    /// Whether the next round must carry the ranks' hashes.
    pub fn wants_hash(&self) -> bool {
        self.chart || (self.auto_pause && self.armed)
    }

    /// Watch the grid for its end from its next generation on (a tour's
    /// new stop).
    pub fn arm(&mut self) {
        self.armed = true;
    }

    /// `g` shows the chart; `b` steps back one generation while paused.
    /// None when the key is not the history's.
    pub fn handle(&mut self, action: Action, facts: &Facts) -> Option<Vec<Effect>> {
        match action {
            Action::Chart => {
                self.chart = !self.chart;
                Some(Vec::new())
            }
            Action::StepBack => Some(self.step_back(facts).into_iter().collect()),
            _ => None,
        }
    }

    fn step_back(&self, facts: &Facts) -> Option<Effect> {
        let rewind = &self.rewind;
        let info = &facts.info;
        let message = if !facts.paused {
            "b steps back while paused: press space first".to_string()
        } else if rewind.depth == 0 {
            let tallest = (0..info.ranks())
                .map(|r| info.decomp.rows_of(r).len())
                .max()
                .unwrap_or(0);
            format!(
                "too large to step back: one generation of a strip is {}, each rank keeps at most {}",
                human_bytes(Rewind::bytes_per_copy(info.width, tallest)),
                human_bytes(BUDGET)
            )
        } else if rewind.available == 0 || facts.generation == 0 {
            format!(
                "no earlier generation kept (the last {} stepped are, since the grid last changed)",
                rewind.depth
            )
        } else if !facts.command_pending {
            return Some(Effect::Command(Command::Back));
        } else {
            return None;
        };
        Some(Effect::Message(message))
    }

    /// Takes in a round before the app absorbs it: the hash, the chart's
    /// sample, the step-back count, and the pause when the pattern ended.
    pub fn observe(
        &mut self,
        control: &Control,
        result: &RoundResult,
        facts: &Facts,
        now: Instant,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        let info = &facts.info;
        self.rewind.depth = Rewind::depth_for(info.width, &info.decomp);
        let changed = !control.edits.is_empty()
            || matches!(
                control.command,
                Command::Reseed(_) | Command::Load(_) | Command::Clear
            );
        if changed {
            self.rewind.clear();
            self.restart();
            // An empty grid is where drawing starts, not an end.
            self.armed = control.command != Command::Clear || !control.edits.is_empty();
        }
        if let Command::Active(_) = control.command {
            // The strips changed shape: their copies no longer fit.
            self.rewind.clear();
        }
        let mut shown = facts.generation;
        if control.command == Command::Back {
            self.rewind.back();
            shown = shown.saturating_sub(1);
            effects.push(Effect::GenerationBack);
            self.recent.clear();
        }
        self.rewind.stepped(control.steps);
        let generation = shown + control.steps;
        let population: u64 = result.stats.iter().map(|s| s.population).sum();
        if control.hash {
            let sum = result
                .stats
                .iter()
                .fold(0u64, |sum, s| sum.wrapping_add(s.hash));
            let grid = if info.plane {
                hash::finish_plane(sum)
            } else {
                hash::finish(sum, info.width, info.height)
            };
            self.hash = Some((generation, grid));
        } else if changed || control.steps > 0 || control.command == Command::Back {
            self.hash = None;
        }
        if self.last_sample.is_none_or(|t| now - t >= SAMPLE_EVERY) {
            self.last_sample = Some(now);
            if self.samples.len() == SAMPLES {
                self.samples.pop_front();
            }
            self.samples.push_back(Sample {
                generation,
                population,
                gens_per_second: facts.gens_per_second,
            });
        }
        if !(self.auto_pause && self.armed) {
            return effects;
        }
        let mut ended = None;
        if control.steps > 0 && population == 0 {
            ended = Some(format!("died out by generation {generation}: paused"));
        } else if let Some((_, grid)) = self.hash.filter(|_| control.hash) {
            let earlier = self
                .recent
                .iter()
                .rev()
                .find(|&&(g, h)| h == grid && g < generation)
                .map(|&(g, _)| g);
            if self.recent.len() == HASHES {
                self.recent.pop_front();
            }
            self.recent.push_back((generation, grid));
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
            self.armed = false;
            effects.extend([Effect::Pause, Effect::Message(text)]);
        }
        effects
    }
}

/// Where the chart goes: the bottom of the grid area, below its centre row.
pub fn chart_area(grid: Rect) -> Rect {
    let rows = below_centre(grid, CHART_HEIGHT);
    Rect::new(rows.x, rows.y, rows.width.min(CHART_MAX_WIDTH), rows.height)
}

impl History {
    /// Draws the chart at the bottom of `column` (the part of the grid
    /// area the layout gives it), when it is on; `generation` is the one
    /// on screen, whose hash it shows if known.
    pub fn render(&self, column: Rect, generation: u64, buf: &mut Buffer) {
        if !self.chart {
            return;
        }
        let area = chart_area(column);
        if area.height < 4 || area.width < MIN_CHART_WIDTH {
            return;
        }
        Clear.render(area, buf);
        let block = titled_box(" history ", DIM_ON_GRID).title_bottom(
            Line::styled(" g hides ", Style::default().fg(DIM_ON_GRID)).right_aligned(),
        );
        let inner = block.inner(area);
        block.render(area, buf);
        let label_width = LABEL_WIDTH.min(inner.width / 2);
        let spark_width = inner.width - label_width;
        let tail = |value: fn(&Sample) -> u64| -> Vec<u64> {
            let skip = self.samples.len().saturating_sub(usize::from(spark_width));
            self.samples.iter().skip(skip).map(value).collect()
        };
        let last = self.samples.back().copied();
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
                RATE,
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
                Line::styled(format!(" {name}"), Style::default().fg(DIM_ON_GRID)),
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
        let hash = match self.hash {
            Some((at, hash)) if at == generation => hash::to_hex(hash),
            _ => "-".into(),
        };
        let back = match self.rewind.depth {
            0 => "too large to step back".to_string(),
            _ => format!("b back: {}", self.rewind.available),
        };
        let footer = Rect::new(inner.x, inner.bottom() - 1, inner.width, 1);
        Paragraph::new(Line::from(vec![
            Span::styled(" hash ", Style::default().fg(DIM_ON_GRID)),
            Span::raw(hash),
            Span::styled(format!("  {back}"), Style::default().fg(DIM_ON_GRID)),
        ]))
        .render(footer, buf);
    }
}
