//! Live strong scaling on rank 0: keys `1`-`9` put the rows on that many
//! ranks (`live::scaling`), and a small chart beside the history chart
//! (`g`) shows the generations per second measured at each count, at
//! unlimited speed, so the audience watches the speed-up happen.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::keys::Action;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::component::{Effect, Facts};
use super::theme::{DIM_ON_GRID, MIN_CHART_WIDTH, RATE, bar, below_centre, titled_box};
use crate::live::rewind::Rewind;
use crate::live::scaling::{active_ranks, concentrated};
use crate::live::{Command, Control, RankStats};
use crate::memory::{available_memory, human_bytes};

/// The rank-count chart's width, beside the history chart.
pub const CHART_WIDTH: u16 = 36;
/// The columns this chart asks for beside the history chart: its own and
/// four more, so that next to it the history chart is a little wider than
/// its minimum.
const ROOM_BESIDE: u16 = CHART_WIDTH + 4;
/// How long after a change the rate is left to settle before it counts.
const SETTLE: Duration = Duration::from_millis(1500);

#[derive(Clone, Debug, Default)]
pub struct Speedup {
    /// When the active ranks last changed.
    switched: Option<Instant>,
    /// Generations per second measured at unlimited speed, by active ranks.
    pub rates: BTreeMap<usize, f64>,
    /// Each rank's idle time per generation (smoothed): the wall time
    /// between rounds not spent computing or waiting for halos, i.e. frame
    /// pacing, rendering and the gather.
    pub idle: Vec<f64>,
    last_round: Option<Instant>,
}

impl Speedup {
    /// `1`-`9`: that many ranks do the work. None when the key is not
    /// this feature's.
    pub fn handle(&mut self, action: Action, facts: &Facts) -> Option<Vec<Effect>> {
        let Action::RanksAtWork(active) = action else {
            return None;
        };
        let active = usize::from(active);
        let info = &facts.info;
        let ranks = info.ranks();
        let message = |text: String| Some(vec![Effect::Message(text)]);
        if ranks == 1 {
            return message("one rank: run under mpirun -np N to compare rank counts".into());
        }
        if active > ranks {
            return message(format!("this job has {ranks} ranks"));
        }
        let to = concentrated(info.height, ranks, active);
        let tallest = to.rows_of(0).len();
        // The strip, double buffered, on one rank of this host.
        let needed = 2 * Rewind::bytes_per_copy(info.width, tallest);
        if let Some(available) = available_memory()
            && needed > available / 2
        {
            return message(format!(
                "{active} rank(s) would need {} each for this grid; {} is available",
                human_bytes(needed),
                human_bytes(available)
            ));
        }
        if facts.command_pending || to == info.decomp {
            return Some(Vec::new());
        }
        self.switched = Some(Instant::now());
        Some(vec![
            Effect::Command(Command::Active(active as u64)),
            Effect::Split(to),
            Effect::Message(format!(
                "{active} of {ranks} ranks at work; at unlimited speed (+) the chart (g) compares counts"
            )),
        ])
    }

    /// Takes in a round: a new grid starts the comparison afresh; a
    /// settled rate at unlimited speed is recorded.
    pub fn observe(&mut self, control: &Control, stats: &[RankStats], facts: &Facts, now: Instant) {
        // Measured between rounds that both stepped: a pause is no idle time.
        let stepping = control.steps > 0 && !facts.paused;
        let since = match stepping {
            true => self.last_round.replace(now),
            false => self.last_round.take(),
        };
        if let Some(since) = since.filter(|_| stepping) {
            let wall = now.saturating_duration_since(since).as_secs_f64() / control.steps as f64;
            self.idle.resize(stats.len(), 0.0);
            for (idle, s) in self.idle.iter_mut().zip(stats) {
                let busy = (s.compute + s.exchange).as_secs_f64() / control.steps as f64;
                *idle = 0.7 * *idle + 0.3 * (wall - busy).max(0.0);
            }
        }
        if let Command::Load(_) = control.command {
            self.rates.clear();
            self.switched = Some(now);
        }
        let settled = self
            .switched
            .is_none_or(|t| now.saturating_duration_since(t) >= SETTLE);
        if settled && !facts.paused && facts.target_speed.is_none() && facts.gens_per_second > 0.0 {
            let active = active_ranks(&facts.info.decomp);
            self.rates.insert(active, facts.gens_per_second);
        }
    }
}

/// The chart's place: the bottom right of the grid, beside the history
/// chart, below the grid's centre.
pub fn chart_area(grid: Rect, lines: u16) -> Rect {
    // The borders and the keys' line around the rates.
    let rows = below_centre(grid, lines + 3);
    let width = CHART_WIDTH.min(rows.width);
    Rect::new(rows.right() - width, rows.y, width, rows.height)
}

impl Speedup {
    /// Whether the rank-count chart has a place beside the history chart
    /// in a grid area this wide: once there is a rate, and room for both.
    pub fn fits_beside(&self, grid: Rect) -> bool {
        !self.rates.is_empty() && grid.width >= MIN_CHART_WIDTH + ROOM_BESIDE
    }

    /// Draws the rank-count chart at the bottom of `column` (the layout's
    /// right part of the grid area); `active` ranks are at work now.
    pub fn render(&self, column: Rect, active: usize, buf: &mut Buffer) {
        let rates = &self.rates;
        if rates.is_empty() {
            return;
        }
        let area = chart_area(column, rates.len() as u16);
        if area.height < 4 {
            return;
        }
        Clear.render(area, buf);
        let block = titled_box(" gen/s by ranks at work ", DIM_ON_GRID);
        let inner = block.inner(area);
        block.render(area, buf);
        let best = rates.values().copied().fold(0.0, f64::max).max(1e-9);
        let single = rates.get(&1).copied();
        let bar_width = usize::from(inner.width).saturating_sub(20).max(4);
        let mut lines: Vec<Line> = rates
            .iter()
            .map(|(&ranks, &rate)| {
                let speedup = single.map_or(String::new(), |one| format!(" x{:.1}", rate / one));
                let mark = if ranks == active { "▶" } else { " " };
                Line::from(vec![
                    Span::styled(format!("{mark}{ranks} "), Style::default().fg(DIM_ON_GRID)),
                    Span::styled(bar(rate / best, bar_width), Style::default().fg(RATE)),
                    Span::raw(format!(" {:>6.0}", rate)),
                    Span::styled(speedup, Style::default().fg(DIM_ON_GRID)),
                ])
            })
            .collect();
        lines.push(Line::styled(
            " keys 1-9: ranks at work",
            Style::default()
                .fg(DIM_ON_GRID)
                .add_modifier(Modifier::ITALIC),
        ));
        Paragraph::new(lines).render(inner, buf);
    }
}
