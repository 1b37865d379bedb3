//! The main loop on rank 0, generic over the ratatui backend and the
//! ranks it drives, so that tests run it on `TestBackend` with in-process ranks.
//!
//! The simulation runs at its target rate while frames are drawn at most
//! `max_fps` times a second: at high speed several generations pass per
//! round. Paused and idle, the loop sleeps on its event channel, and the
//! other ranks sleep in their polled broadcast.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;

use super::app::App;
use super::input::Event;
use super::save;
use crate::live::{Command, Control, Ranks, RoundResult};

pub struct LoopOptions {
    pub max_fps: f64,
    /// Where `s` writes `life-<gen>.rle`.
    pub save_dir: PathBuf,
    /// How long a message stays on the hint line.
    pub message_for: Duration,
    /// `--checkpoint FILE` and `--checkpoint-every K`: the whole grid is
    /// written to FILE at every generation that is a multiple of K.
    pub checkpoint: Option<(PathBuf, u64)>,
}

impl Default for LoopOptions {
    fn default() -> LoopOptions {
        LoopOptions {
            max_fps: 60.0,
            save_dir: PathBuf::from("."),
            message_for: Duration::from_secs(4),
            checkpoint: None,
        }
    }
}

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// The user quit; every rank was told.
    Quit,
    /// The terminal was restored under us (a signal, a dying rank).
    TerminalGone,
}

/// Frame timing and measured rates.
#[derive(Debug, Default, Clone)]
pub struct Meter {
    pub frames: u64,
    pub generations: u64,
    pub rounds: u64,
    /// Total gathered bytes and time spent in rounds and in drawing.
    pub round_bytes: u64,
    pub round_time: Duration,
    pub draw_time: Duration,
}

pub fn handle(app: &mut App, event: Event) {
    match event {
        Event::Key(key) => app.handle_key(key),
        Event::Mouse(mouse) => app.handle_mouse(mouse),
        Event::InputClosed => app.input_closed(),
    }
}

/// Writes what a round gathered (the grid, or the plane's live tiles):
/// the user's save, a due checkpoint, or both; says what happened.
fn save_gathered(
    result: &mut RoundResult,
    control: &Control,
    app: &App,
    options: &LoopOptions,
) -> Option<String> {
    let generation = app.generation() + control.steps;
    let saved = match (result.grid.take(), result.tiles.take()) {
        (Some(grid), _) => save::saved(grid, app, generation),
        (None, Some(tiles)) => save::saved_plane(&tiles, app, generation),
        (None, None) => return None,
    };
    let user = control.command == Command::Save;
    let checkpoint = options
        .checkpoint
        .as_ref()
        .filter(|_| control.checkpoint)
        .map(|(path, _)| path);
    Some(match (user, checkpoint) {
        (true, Some(path)) => {
            let first = save::checkpoint(path, &saved);
            let second = save::save(&options.save_dir, &saved);
            format!("{second}; {first}")
        }
        (true, None) => save::save(&options.save_dir, &saved),
        (false, Some(path)) => save::checkpoint(path, &saved),
        (false, None) => String::new(),
    })
}

/// How many generations each round steps: the target rate, measured
/// against an anchor that moves whenever the speed or pause changes, and
/// at unlimited speed as many as fit in a frame.
struct Pacer {
    frame_gap: Duration,
    anchor: Instant,
    since_anchor: u64,
    anchor_key: (bool, Option<u32>),
    /// Wall time per generation, measured, for unlimited speed.
    generation_time: Duration,
}

impl Pacer {
    fn new(app: &App, max_fps: f64) -> Pacer {
        Pacer {
            frame_gap: Duration::from_secs_f64(1.0 / max_fps.max(1.0)),
            anchor: Instant::now(),
            since_anchor: 0,
            anchor_key: (app.paused(), app.target_speed()),
            generation_time: Duration::from_micros(100),
        }
    }

    /// The generations due now.
    fn due(&mut self, app: &App, now: Instant) -> u64 {
        if (app.paused(), app.target_speed()) != self.anchor_key {
            self.anchor_key = (app.paused(), app.target_speed());
            self.anchor = now;
            self.since_anchor = 0;
        }
        // The generations that fit in one frame's time: at least one, so
        // a huge grid still moves, one generation per frame.
        let affordable = (self.frame_gap.mul_f64(0.75).as_secs_f64()
            / self.generation_time.as_secs_f64().max(1e-9))
        .clamp(1.0, 1e6) as u64;
        if app.paused() {
            return app.pending_steps();
        }
        let Some(rate) = app.target_speed() else {
            return affordable;
        };
        let due = (now - self.anchor).as_secs_f64() * f64::from(rate);
        let due = (due as u64).saturating_sub(self.since_anchor);
        // Far behind (a slow grid): drop the debt rather than stall the
        // frames catching up.
        let most = (u64::from(rate) / 4).clamp(1, affordable);
        if due > most {
            self.anchor = now;
            self.since_anchor = 0;
            most
        } else {
            due
        }
    }

    /// A round of `steps` generations took `took`.
    fn stepped(&mut self, steps: u64, took: Duration) {
        if steps > 0 {
            self.since_anchor += steps;
            let per = took / steps.min(u64::from(u32::MAX)) as u32;
            self.generation_time = (self.generation_time * 3 + per) / 4;
        }
    }

    /// How long to wait for input before looking again.
    fn idle_wait(
        &self,
        app: &App,
        wanted: bool,
        now: Instant,
        last_frame: Option<Instant>,
    ) -> Duration {
        if wanted {
            return self
                .frame_gap
                .saturating_sub(now - last_frame.unwrap_or(now));
        }
        if app.paused() {
            return Duration::from_millis(100);
        }
        match app.target_speed() {
            Some(rate) => {
                let next = self.anchor
                    + Duration::from_secs_f64((self.since_anchor + 1) as f64 / f64::from(rate));
                next.saturating_duration_since(now)
                    .min(Duration::from_millis(100))
            }
            None => Duration::ZERO,
        }
    }
}

/// Generations and frames per second over windows of half a second.
struct Rates {
    since: Instant,
    generations: u64,
    frames: u64,
}

impl Rates {
    fn count(&mut self, app: &mut App, steps: u64, now: Instant) {
        self.generations += steps;
        self.frames += 1;
        let span = (now - self.since).as_secs_f64();
        let mut rates = None;
        if span >= 0.5 {
            rates = Some((self.generations as f64 / span, self.frames as f64 / span));
            *self = Rates {
                since: now,
                generations: 0,
                frames: 0,
            };
        }
        app.measured(rates);
    }
}

/// Clears the hint line's message once it has been shown long enough.
#[derive(Default)]
struct MessageTimer {
    shown: Option<(String, Instant)>,
}

impl MessageTimer {
    fn tick(&mut self, app: &mut App, now: Instant, lasts: Duration) {
        if let Some((text, since)) = &self.shown
            && (app.message() != Some(text.as_str()) || now - *since > lasts)
        {
            if app.message() == Some(text.as_str()) {
                app.clear_message();
            }
            self.shown = None;
        }
        if self.shown.is_none()
            && let Some(text) = app.message()
        {
            self.shown = Some((text.to_string(), now));
        }
    }
}

/// Plays one round on the ranks and takes in its result (saving the grid
/// when the round gathered it); returns how long the round took.
fn play_round<R: Ranks + ?Sized>(
    ranks: &mut R,
    app: &mut App,
    control: &Control,
    options: &LoopOptions,
    meter: &mut Meter,
) -> Duration {
    let started = Instant::now();
    let mut result = ranks.round(control);
    let took = started.elapsed();
    meter.rounds += 1;
    meter.round_bytes += result.bytes as u64;
    meter.round_time += took;
    let saved = save_gathered(&mut result, control, app, options);
    app.observe(control, &result, Instant::now());
    app.absorb(control, result);
    if let Some(text) = saved {
        app.show_message(text);
    }
    meter.generations += control.steps;
    meter.frames += 1;
    took
}

/// Runs the view until the user quits. `size` reads the terminal's size
/// (polled every frame: SIGWINCH never reaches rank 0 under mpirun);
/// `gone` says the terminal was taken from us.
pub fn run<B: Backend, R: Ranks + ?Sized>(
    terminal: &mut Terminal<B>,
    ranks: &mut R,
    app: &mut App,
    events: &Receiver<Event>,
    mut size: impl FnMut() -> Option<(u16, u16)>,
    gone: impl Fn() -> bool,
    options: &LoopOptions,
) -> Result<(Exit, Meter), B::Error> {
    let mut meter = Meter::default();
    let mut pacer = Pacer::new(app, options.max_fps);
    let mut last_frame: Option<Instant> = None;
    let mut rates = Rates {
        since: Instant::now(),
        generations: 0,
        frames: 0,
    };
    let mut message = MessageTimer::default();
    let mut screen = Rect::default();
    loop {
        if gone() {
            return Ok((Exit::TerminalGone, meter));
        }
        if let Some((w, h)) = size() {
            let area = Rect::new(0, 0, w, h);
            if area != screen {
                screen = area;
                terminal.resize(area)?;
            }
        }
        app.resize(screen);
        while let Ok(event) = events.try_recv() {
            handle(app, event);
        }
        app.tick(Instant::now());
        if app.quitting() {
            ranks.quit();
            return Ok((Exit::Quit, meter));
        }
        let now = Instant::now();
        let steps = pacer.due(app, now);
        message.tick(app, now, options.message_for);
        let wanted = steps > 0 || app.needs_frame() || app.has_pending();
        let frame_due = last_frame.is_none_or(|t| now - t >= pacer.frame_gap);
        if wanted && frame_due {
            let every = options.checkpoint.as_ref().map(|&(_, every)| every);
            let control = app.next_control(steps, every);
            let took = play_round(ranks, app, &control, options, &mut meter);
            pacer.stepped(control.steps, took);
            rates.count(app, control.steps, now);
            let drawing = Instant::now();
            terminal.draw(|frame| {
                frame.render_widget(&*app, frame.area());
                app.colours().adapt(frame.buffer_mut());
            })?;
            meter.draw_time += drawing.elapsed();
            last_frame = Some(now);
            continue;
        }
        let timeout = pacer.idle_wait(app, wanted, now, last_frame);
        match events.recv_timeout(timeout.max(Duration::from_micros(200))) {
            Ok(event) => handle(app, event),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(timeout),
        }
    }
}
