//! Presenter mode on screen, `--tour [FILE]`: each stop of the playlist
//! (`crate::playlist`) opens with a card (title and caption) at the top of
//! the grid, then runs; Right/PageDown and Left/PageUp (what presentation
//! clickers send) go to the next and previous stop, `--tour-seconds N`
//! moves on by itself.

use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};

use super::component::{Effect, RunInfo};
use super::theme::{ACCENT, BADGE_TEXT, BRIGHT_TEXT, DIM_ON_GRID};
use crate::keys::Action;
use crate::playlist::Tour;

/// How long a stop's card is shown before the stop starts running.
pub const CARD_TIME: Duration = Duration::from_millis(2500);

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
                info: RunInfo::of(
                    &stop.config,
                    stop.config
                        .decomposition(ranks)
                        .expect("resolve checked the decomposition"),
                ),
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

/// The grid's centre cell on screen: what a card must never cover (the
/// tests' measure).
#[cfg(test)]
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
                Span::styled(counter, Style::default().fg(BADGE_TEXT).bg(ACCENT)),
                Span::styled(
                    format!(" {} ", stop.title),
                    Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
                ),
            ];
            if let Some(first) = stop.caption.first() {
                spans.push(Span::styled(
                    first.clone(),
                    Style::default().fg(DIM_ON_GRID),
                ));
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
                Line::styled(" → next  ← previous ", Style::default().fg(DIM_ON_GRID))
                    .right_aligned(),
            );
        let inner = block.inner(area);
        block.render(area, buf);
        let mut lines = vec![
            Line::styled(
                stop.title.clone(),
                Style::default()
                    .fg(BRIGHT_TEXT)
                    .add_modifier(Modifier::BOLD),
            )
            .centered(),
            Line::default(),
        ];
        lines.extend(
            stop.caption
                .iter()
                .map(|c| Line::styled(c.clone(), Style::default().fg(DIM_ON_GRID)).centered()),
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
