//! The live view's state on rank 0: what is shown, where, how fast, and
//! what the user asked for since the last round. Input events change it;
//! each round's result updates it; `ui` draws it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ratatui::layout::{Constraint, Layout, Rect};
use termina::event::{
    KeyCode, KeyEvent, KeyEventKind, Modifiers, MouseButton, MouseEvent, MouseEventKind,
};

pub use super::component::RunInfo;
use super::component::{Effect, Facts};
use super::history::History;
use super::speedup::Speedup;
use super::theme::Colours;
use super::tour::TourState;
use crate::engine::plane::Bbox;
use crate::keys::{self, Action, Key};
use crate::live::{Command, Control, Edit, MAX_EDITS, RankStats, RoundResult};
use crate::view::Viewport;

// Drawing and the view's tests read the App's private state as its
// children; every other file goes through its methods.
mod ui;

#[cfg(test)]
mod tests;

/// Target generations per second, `+`/`-` move along; 0 is unlimited.
pub const SPEEDS: [u32; 13] = [1, 2, 5, 10, 15, 30, 60, 120, 250, 500, 1000, 2000, 0];
const DEFAULT_SPEED: usize = 5;
/// Width of the rank side panel.
pub const PANEL_WIDTH: u16 = 30;
/// The side panel is shown at start when the terminal is at least this wide.
pub const PANEL_MIN_COLUMNS: u16 = 100;

/// How dots become characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderMode {
    /// 2x4 dots per character, alive if any cell of the dot is.
    Braille,
    /// 1x2 dots per character, coloured by density.
    HalfBlock,
    /// One dot per two characters (square), shaded by density: for drawing.
    Blocks,
}

impl RenderMode {
    pub fn next(self) -> RenderMode {
        match self {
            RenderMode::Braille => RenderMode::HalfBlock,
            RenderMode::HalfBlock => RenderMode::Blocks,
            RenderMode::Blocks => RenderMode::Braille,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RenderMode::Braille => "braille",
            RenderMode::HalfBlock => "half blocks",
            RenderMode::Blocks => "blocks",
        }
    }

    /// Dots across and down for an area of `columns` x `rows` characters;
    /// also the dot under character (`column`, `row`) of the grid area (its
    /// top-left dot when a character holds several), as many dots as the
    /// characters before it hold.
    pub fn dots(self, columns: u16, rows: u16) -> (usize, usize) {
        let (c, r) = (usize::from(columns), usize::from(rows));
        match self {
            RenderMode::Braille => (2 * c, 4 * r),
            RenderMode::HalfBlock => (c, 2 * r),
            RenderMode::Blocks => (c / 2, r),
        }
    }

    fn density(self) -> bool {
        !matches!(self, RenderMode::Braille)
    }
}

/// The largest zoom out on the plane: a dot for 2^40 x 2^40 cells.
const PLANE_MAX_SCALE: u64 = 1 << 40;

/// One rank's row in the side panel, smoothed over recent rounds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankPanel {
    pub rows: std::ops::Range<i64>,
    pub population: u64,
    /// Seconds computing per generation.
    pub compute: f64,
    /// Seconds waiting for halos per generation.
    pub wait: f64,
}

/// Where the areas of the screen are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub grid: Rect,
    pub panel: Option<Rect>,
    pub status: Rect,
    pub hint: Rect,
}

/// What the user asked for, waiting for the next round.
#[derive(Debug, Default)]
pub struct Pending {
    pub command: Command,
    pub edits: VecDeque<Edit>,
    pub steps: u64,
}

/// What the keys act on, and whether the view goes on: one of these at a
/// time (the help cannot be up once the user has quit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Keys act on the run.
    Running,
    /// The help overlay is up: any key closes it (`q` still quits).
    Help,
    /// `q` or Ctrl-C: the main loop ends the ranks and returns.
    Quitting,
}

pub struct App {
    info: RunInfo,
    seed: u64,
    /// The pattern the run started from, shown instead of the seed.
    pattern: Option<String>,
    mode: RenderMode,
    /// Cells per dot along each side.
    scale: u64,
    /// The cell at the centre of the view.
    center: (i64, i64),
    /// `f` was pressed and nothing has moved the view since: each round
    /// fits the view to what lives, as the pattern grows.
    fitting: bool,
    /// On the plane, the live cells' bounding box at the last round.
    bbox: Option<Bbox>,
    paused: bool,
    speed: usize,
    overlay: bool,
    panel: bool,
    phase: Phase,
    generation: u64,
    population: u64,
    gens_per_second: f64,
    frames_per_second: f64,
    message: Option<String>,
    /// The picture of the last round and the viewport it was made for.
    view: Viewport,
    dots: Vec<u8>,
    ranks: Vec<RankPanel>,
    /// The layout of the last frame (for the mouse).
    areas: Areas,
    pending: Pending,
    /// While the left button is held: the state being drawn.
    drawing: Option<bool>,
    /// Something changed that the next frame must show.
    dirty: bool,
    /// What colours the terminal shows (see `theme`).
    colours: Colours,
    /// The keyboard's input ended (a launcher that gives rank 0 no usable
    /// terminal input): the hint line says so for good.
    input_closed: bool,
    /// Presenter mode (`--tour`): the stops and where we are.
    tour: Option<TourState>,
    /// The chart, the grid's hash, auto-pause and step back.
    history: History,
    /// Live strong scaling: rates measured by ranks at work (`1`-`9`).
    speedup: Speedup,
}

impl App {
    pub fn new(info: RunInfo, seed: u64, screen: Rect) -> App {
        let center = (info.width as i64 / 2, info.height as i64 / 2);
        let mut app = App {
            info,
            seed,
            pattern: None,
            mode: RenderMode::Braille,
            scale: 1,
            center,
            fitting: false,
            bbox: None,
            paused: false,
            speed: DEFAULT_SPEED,
            overlay: false,
            panel: screen.width >= PANEL_MIN_COLUMNS,
            phase: Phase::Running,
            generation: 0,
            population: 0,
            gens_per_second: 0.0,
            frames_per_second: 0.0,
            message: None,
            view: Viewport::EMPTY,
            dots: Vec::new(),
            ranks: Vec::new(),
            areas: Areas {
                grid: Rect::default(),
                panel: None,
                status: Rect::default(),
                hint: Rect::default(),
            },
            pending: Pending::default(),
            drawing: None,
            dirty: true,
            colours: Colours::default(),
            input_closed: false,
            tour: None,
            history: History::new(false),
            speedup: Speedup::default(),
        };
        app.areas = app.layout(screen);
        app
    }

    /// The grid area a screen of this size gives at start, in characters:
    /// the default grid fills it at one cell per braille dot.
    pub fn initial_grid_dots(screen: Rect) -> (usize, usize) {
        let panel = screen.width >= PANEL_MIN_COLUMNS;
        let grid = split(screen, panel).grid;
        let (w, h) = RenderMode::Braille.dots(grid.width, grid.height);
        (w.max(1), h.max(1))
    }

    pub fn layout(&self, screen: Rect) -> Areas {
        split(screen, self.panel)
    }

    /// Target generations per second; None for unlimited.
    pub fn target_speed(&self) -> Option<u32> {
        match SPEEDS[self.speed] {
            0 => None,
            n => Some(n),
        }
    }

    /// The viewport for a grid area, with the view clamped to the grid
    /// (on the plane, anywhere).
    pub fn viewport(&mut self, grid: Rect) -> Viewport {
        let (dots_w, dots_h) = self.mode.dots(grid.width, grid.height);
        if self.info.plane {
            if self.fitting {
                self.fit();
            }
            let half = |dots: usize| (dots as i128 * i128::from(self.scale) / 2) as i64;
            let corner = |c: i64, dots: usize| c.saturating_sub(half(dots));
            return Viewport {
                x0: corner(self.center.0, dots_w),
                y0: corner(self.center.1, dots_h),
                scale: self.scale,
                dots_w,
                dots_h,
                density: self.mode.density(),
            };
        }
        let s = self.scale as i64;
        let place = |center: &mut i64, dots: usize, cells: usize| -> i64 {
            let span = dots as i64 * s;
            let cells = cells as i64;
            if span >= cells {
                *center = cells / 2;
                // Centre the grid on screen, on a whole dot.
                -((span - cells) / 2 / s) * s
            } else {
                let x0 = (*center - span / 2).clamp(0, cells - span);
                *center = x0 + span / 2;
                x0
            }
        };
        let (mut cx, mut cy) = self.center;
        let x0 = place(&mut cx, dots_w, self.info.width);
        let y0 = place(&mut cy, dots_h, self.info.height);
        self.center = (cx, cy);
        Viewport {
            x0,
            y0,
            scale: self.scale,
            dots_w,
            dots_h,
            density: self.mode.density(),
        }
    }

    /// The smallest scale at which the whole grid (on the plane, what
    /// lives) fits the grid area.
    fn fit_scale(&self) -> u64 {
        let (w, h) = self
            .mode
            .dots(self.areas.grid.width, self.areas.grid.height);
        let (width, height) = if self.info.plane {
            self.bbox.map_or((1, 1), |b| {
                (b.x1.abs_diff(b.x0) + 1, b.y1.abs_diff(b.y0) + 1)
            })
        } else {
            (self.info.width as u64, self.info.height as u64)
        };
        let need = |cells: u64, dots: usize| cells.div_ceil(dots.max(1) as u64);
        need(width, w)
            .max(need(height, h))
            .clamp(1, PLANE_MAX_SCALE)
    }

    /// Shows the whole grid, or on the plane everything that lives.
    fn fit(&mut self) {
        self.scale = self.fit_scale();
        self.center = match (self.info.plane, self.bbox) {
            (true, Some(b)) => (midpoint(b.x0, b.x1), midpoint(b.y0, b.y1)),
            (true, None) => self.center,
            (false, _) => (self.info.width as i64 / 2, self.info.height as i64 / 2),
        };
    }

    fn max_scale(&self) -> u64 {
        if self.info.plane {
            return PLANE_MAX_SCALE;
        }
        self.fit_scale().next_power_of_two().max(1)
    }

    /// The control message for the next round, taking what is pending.
    fn control(&mut self, steps: u64) -> Control {
        let view = self.viewport(self.areas.grid);
        let take = self.pending.edits.len().min(MAX_EDITS);
        let edits: Vec<Edit> = self.pending.edits.drain(..take).collect();
        let command = std::mem::take(&mut self.pending.command);
        if let Command::Reseed(seed) = command {
            self.seed = seed;
            self.pattern = None;
            self.generation = 0;
        }
        Control {
            command,
            steps,
            view,
            edits,
            checkpoint: false,
            hash: self.history.wants_hash(),
        }
    }

    /// What the features read of the view.
    fn facts(&self) -> Facts {
        Facts {
            info: self.info.clone(),
            paused: self.paused,
            generation: self.generation,
            gens_per_second: self.gens_per_second,
            target_speed: self.target_speed(),
            command_pending: self.pending.command != Command::None,
        }
    }

    /// Carries out what a feature asked for.
    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Message(text) => self.message = Some(text),
            Effect::Command(command) => self.pending.command = command,
            Effect::Pause => self.paused = true,
            Effect::Resume => {
                self.paused = false;
                self.dirty = true;
            }
            Effect::GenerationBack => self.generation = self.generation.saturating_sub(1),
            Effect::Split(decomp) => self.info.decomp = decomp,
            Effect::ShowStop {
                index,
                info,
                zoom,
                title,
            } => {
                self.info = info;
                self.pending = Pending {
                    command: Command::Load(index as u64),
                    ..Pending::default()
                };
                self.generation = 0;
                self.scale = zoom;
                self.center = (self.info.width as i64 / 2, self.info.height as i64 / 2);
                self.pattern = Some(title);
                self.paused = true;
                self.dirty = true;
                // Watch the new grid from its first generation on.
                self.history.arm();
            }
        }
    }

    /// Takes in a round before [`App::absorb`]: the history (hash, chart,
    /// step back, auto-pause) and the rates of ranks at work.
    pub fn observe(&mut self, control: &Control, result: &RoundResult, now: Instant) {
        let facts = self.facts();
        let effects = self.history.observe(control, result, &facts, now);
        self.speedup.observe(control, &result.stats, &facts, now);
        effects.into_iter().for_each(|effect| self.apply(effect));
    }

    /// Shows stop `index` of the tour, if there is one.
    pub fn go_to_stop(&mut self, index: usize, now: Instant) {
        if let Some(effect) = self.tour.as_mut().map(|tour| tour.go_to(index, now)) {
            self.apply(effect);
        }
    }

    /// Every turn of the main loop: the tour's card and its timer.
    pub fn tick(&mut self, now: Instant) {
        let effects = self.tour.as_mut().map(|tour| tour.tick(now));
        effects
            .into_iter()
            .flatten()
            .for_each(|effect| self.apply(effect));
    }

    /// Whether the user asked for something the next round must carry.
    pub fn has_pending(&self) -> bool {
        self.pending.command != Command::None
            || !self.pending.edits.is_empty()
            || self.pending.steps > 0
    }

    /// Takes in what a round produced.
    pub fn absorb(&mut self, control: &Control, result: RoundResult) {
        self.generation += control.steps;
        self.view = control.view;
        self.dots = result.dots;
        self.bbox = result.bbox;
        self.population = result.stats.iter().map(|s| s.population).sum();
        let fresh: Vec<RankPanel> = result.stats.iter().map(panel_of).collect();
        if self.ranks.len() != fresh.len() {
            self.ranks = fresh;
        } else {
            let stepped = control.steps > 0;
            for (old, new) in self.ranks.iter_mut().zip(fresh) {
                if stepped {
                    // Smooth the times so the bars move, but do not flicker.
                    old.compute = 0.7 * old.compute + 0.3 * new.compute;
                    old.wait = 0.7 * old.wait + 0.3 * new.wait;
                }
                old.rows = new.rows;
                old.population = new.population;
            }
        }
        self.dirty = false;
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind != KeyEventKind::Press {
            return;
        }
        self.dirty = true;
        let key = table_key(&key);
        if self.phase == Phase::Help && key != Some(Key::Ctrl('c')) {
            // Any key closes the help; q still quits.
            self.phase = Phase::Running;
            if key != Some(Key::Char('q')) {
                return;
            }
        }
        let actions: Vec<Action> = key.map(keys::actions).into_iter().flatten().collect();
        let Some(&first) = actions.first() else {
            self.dirty = false;
            return;
        };
        if self.info.plane && plane_refuses(self, first) {
            return;
        }
        let facts = self.facts();
        let taken = (self.tour.as_mut())
            .and_then(|tour| tour.handle(&actions, Instant::now()))
            .or_else(|| self.history.handle(first, &facts))
            .or_else(|| self.speedup.handle(first, &facts));
        if let Some(effects) = taken {
            effects.into_iter().for_each(|effect| self.apply(effect));
            return;
        }
        let pan =
            |app: &App, dots: usize| (dots.max(8) as i64 / 8).saturating_mul(app.scale as i64);
        if matches!(
            first,
            Action::PanLeft
                | Action::PanRight
                | Action::PanUp
                | Action::PanDown
                | Action::ZoomIn
                | Action::ZoomOut
        ) {
            self.fitting = false;
        }
        match first {
            Action::Quit => self.phase = Phase::Quitting,
            Action::PauseResume => self.paused = !self.paused,
            Action::Step => {
                if self.paused {
                    self.pending.steps += 1;
                } else {
                    self.paused = true;
                }
            }
            Action::Faster => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            Action::Slower => self.speed = self.speed.saturating_sub(1),
            Action::PanLeft => {
                self.center.0 = self.center.0.saturating_sub(pan(self, self.view.dots_w))
            }
            Action::PanRight => {
                self.center.0 = self.center.0.saturating_add(pan(self, self.view.dots_w))
            }
            Action::PanUp => {
                self.center.1 = self.center.1.saturating_sub(pan(self, self.view.dots_h))
            }
            Action::PanDown => {
                self.center.1 = self.center.1.saturating_add(pan(self, self.view.dots_h))
            }
            Action::ZoomIn => self.zoom_in(),
            Action::ZoomOut => self.zoom_out(),
            Action::Fit => {
                self.fit();
                self.fitting = true;
            }
            Action::Reseed => {
                let seed = crate::engine::seed::fresh_seed();
                self.pending.command = Command::Reseed(seed);
                self.message = Some(format!("reseeded: seed {seed}"));
            }
            Action::Clear => {
                self.pending.command = Command::Clear;
                self.message = Some("cleared".into());
            }
            Action::Save => self.pending.command = Command::Save,
            Action::Overlay => self.overlay = !self.overlay,
            Action::Panel => self.panel = !self.panel,
            Action::NextMode => {
                self.mode = self.mode.next();
                self.message = Some(format!("render mode: {}", self.mode.name()));
            }
            Action::Help => self.phase = Phase::Help,
            // Taken above when they mean anything: a tour's stops, the
            // chart, stepping back, ranks at work.
            Action::NextStop
            | Action::PreviousStop
            | Action::Chart
            | Action::StepBack
            | Action::RanksAtWork(_) => self.dirty = false,
        }
    }

    fn zoom_in(&mut self) {
        self.scale = (self.scale / 2).max(1);
    }

    fn zoom_out(&mut self) {
        self.scale = (self.scale * 2).min(self.max_scale().max(self.scale));
    }

    /// The cell under a character of the screen, if it shows one.
    pub fn cell_at(&self, column: u16, row: u16) -> Option<(i64, i64)> {
        let grid = self.areas.grid;
        if column < grid.x || row < grid.y || column >= grid.right() || row >= grid.bottom() {
            return None;
        }
        let (i, j) = self.mode.dots(column - grid.x, row - grid.y);
        if i >= self.view.dots_w || j >= self.view.dots_h {
            return None;
        }
        let s = self.view.scale as i64;
        let x = self.view.x0.saturating_add((i as i64).saturating_mul(s));
        let y = self.view.y0.saturating_add((j as i64).saturating_mul(s));
        let inside = self.info.plane
            || (0..self.info.width as i64).contains(&x)
                && (0..self.info.height as i64).contains(&y);
        inside.then_some((x, y))
    }

    fn dot_alive(&self, column: u16, row: u16) -> bool {
        let grid = self.areas.grid;
        let (i, j) = self.mode.dots(column - grid.x, row - grid.y);
        self.dots
            .get(j * self.view.dots_w + i)
            .is_some_and(|&d| d > 0)
    }

    pub fn handle_mouse(&mut self, mouse: MouseEvent) {
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some((x, y)) = self.cell_at(mouse.column, mouse.row) {
                    let alive = !self.dot_alive(mouse.column, mouse.row);
                    self.drawing = Some(alive);
                    self.edit(x, y, alive);
                }
            }
            MouseEventKind::Drag(MouseButton::Left) => {
                if let (Some(alive), Some((x, y))) =
                    (self.drawing, self.cell_at(mouse.column, mouse.row))
                {
                    self.edit(x, y, alive);
                }
            }
            MouseEventKind::Up(_) => self.drawing = None,
            MouseEventKind::ScrollUp => {
                self.zoom_in();
                self.fitting = false;
                self.dirty = true;
            }
            MouseEventKind::ScrollDown => {
                self.zoom_out();
                self.fitting = false;
                self.dirty = true;
            }
            _ => {}
        }
    }

    fn edit(&mut self, x: i64, y: i64, alive: bool) {
        if self.pending.edits.back() != Some(&Edit { x, y, alive }) {
            self.pending.edits.push_back(Edit { x, y, alive });
        }
        // Show it at once, before the round confirms it.
        if self.view.scale == 1 {
            let i = x.wrapping_sub(self.view.x0) as usize;
            let j = y.wrapping_sub(self.view.y0) as usize;
            if i < self.view.dots_w
                && let Some(dot) = self.dots.get_mut(j * self.view.dots_w + i)
            {
                *dot = if alive { 255 } else { 0 };
            }
        }
        self.dirty = true;
    }
}

/// What the rest of the view (the main loop, saving, the set-up in
/// `tui::lead`) reads and asks of the App: its fields are its own.
impl App {
    /// The starting state a run was resolved with: the colours the
    /// terminal shows, the pattern's name (shown instead of the seed), the
    /// generation (of a resumed file) and the cell at the view's centre.
    pub fn starting(
        mut self,
        colours: Colours,
        pattern: Option<String>,
        generation: u64,
        center: Option<(i64, i64)>,
    ) -> App {
        self.colours = colours;
        self.pattern = pattern;
        self.generation = generation;
        self.center = center.unwrap_or(self.center);
        self
    }

    /// Pause when the pattern dies out or repeats (`--auto-pause`, tours).
    pub fn auto_pausing(mut self, auto_pause: bool) -> App {
        self.history = History::new(auto_pause);
        self
    }

    /// Presenter mode: the tour's stops, shown from [`App::go_to_stop`].
    pub fn touring(mut self, tour: TourState) -> App {
        self.tour = Some(tour);
        self
    }

    pub fn info(&self) -> &RunInfo {
        &self.info
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The pattern the run started from, if not a soup.
    pub fn pattern(&self) -> Option<&str> {
        self.pattern.as_deref()
    }

    /// The generation on screen.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn colours(&self) -> Colours {
        self.colours
    }

    /// `q` or Ctrl-C was pressed: the main loop ends the ranks.
    pub fn quitting(&self) -> bool {
        self.phase == Phase::Quitting
    }

    /// Something changed that the next frame must show.
    pub fn needs_frame(&self) -> bool {
        self.dirty
    }

    /// The terminal changed size: lay the screen out again and redraw.
    pub fn resize(&mut self, screen: Rect) {
        if self.areas != self.layout(screen) {
            self.dirty = true;
        }
        self.areas = self.layout(screen);
    }

    /// Generations asked for one by one (`n`) while paused.
    pub fn pending_steps(&self) -> u64 {
        self.pending.steps
    }

    /// The rates measured over the last half second; while paused no
    /// generation passes, whatever was measured.
    pub fn measured(&mut self, rates: Option<(f64, f64)>) {
        if let Some((generations, frames)) = rates {
            self.gens_per_second = generations;
            self.frames_per_second = frames;
        }
        if self.paused {
            self.gens_per_second = 0.0;
        }
    }

    /// The hint line's message, if one is up.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// A line for the hint bar, shown by the frame drawn next.
    pub fn show_message(&mut self, text: String) {
        self.message = Some(text);
    }

    /// Takes the message down (it has been up long enough).
    pub fn clear_message(&mut self) {
        self.message = None;
        self.dirty = true;
    }

    /// The keyboard's input ended: the hint line says so for good.
    pub fn input_closed(&mut self) {
        self.input_closed = true;
        self.dirty = true;
    }

    /// The control for a round of `steps`, cut short to stop exactly on
    /// the next multiple of `checkpoint_every` (`--checkpoint-every`),
    /// where it gathers the grid; what is cut off stays pending while
    /// paused.
    pub fn next_control(&mut self, steps: u64, checkpoint_every: Option<u64>) -> Control {
        if self.paused {
            self.pending.steps = 0;
        }
        let mut control = self.control(steps);
        if let Some(every) = checkpoint_every {
            let to_next = every - self.generation % every;
            if control.steps >= to_next {
                if self.paused {
                    self.pending.steps += control.steps - to_next;
                }
                control.steps = to_next;
                control.checkpoint = true;
            }
        }
        control
    }
}

fn panel_of(stats: &RankStats) -> RankPanel {
    let per = |d: Duration| {
        if stats.steps == 0 {
            0.0
        } else {
            d.as_secs_f64() / stats.steps as f64
        }
    };
    RankPanel {
        rows: stats.rows.clone(),
        population: stats.population,
        compute: per(stats.compute),
        wait: per(stats.exchange),
    }
}

/// The cell halfway between `a` and `b`, rounded down, without overflow.
fn midpoint(a: i64, b: i64) -> i64 {
    ((i128::from(a) + i128::from(b)).div_euclid(2)) as i64
}

/// The key table's name for a terminal's key.
fn table_key(key: &KeyEvent) -> Option<Key> {
    Some(match key.code {
        KeyCode::Char(c) if key.modifiers.contains(Modifiers::CONTROL) => Key::Ctrl(c),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Escape => Key::Esc,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        _ => return None,
    })
}

/// On the plane, the keys of what only a bounded grid has (step back,
/// ranks at work, reseed): says so and takes the key.
fn plane_refuses(app: &mut App, action: Action) -> bool {
    let what = match action {
        Action::StepBack => "step back",
        Action::RanksAtWork(_) => "ranks at work (the balancer shares the bands)",
        Action::Reseed => "reseed",
        _ => return false,
    };
    app.message = Some(format!("{what}: on a bounded grid only (--edge torus)"));
    true
}

fn split(screen: Rect, panel: bool) -> Areas {
    // Exact lengths that sum to the screen, so that even a one-row terminal
    // keeps its status line.
    let status_height = screen.height.min(1);
    let hint_height = (screen.height - status_height).min(1);
    let [body, status, hint] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(status_height),
        Constraint::Length(hint_height),
    ])
    .areas(screen);
    let panel_width = if panel {
        PANEL_WIDTH.min(screen.width / 2)
    } else {
        0
    };
    let [grid, panel] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(panel_width)]).areas(body);
    Areas {
        grid,
        panel: (panel_width > 0).then_some(panel),
        status,
        hint,
    }
}
