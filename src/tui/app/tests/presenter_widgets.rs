//! Presenter mode's widgets and state on ratatui's TestBackend with
//! in-process ranks (the same per-rank code as under mpirun): the tour's
//! title card and caption line (insta snapshots), the history chart, tour
//! stops loading on every rank, auto-pause, and step back returning the
//! exact previous grid.

use std::time::Instant;

use crate::cli::{self, Cli};
use crate::config::GridOptions;
use crate::config::RunConfig;
use crate::engine::BitGrid;
use crate::live::{Command, RankStats, RoundResult};
use crate::live::{LocalRanks, Ranks};
use crate::playlist::{self, Tour};
use crate::tui::app::{App, RunInfo};
use crate::tui::history::{self, Sample};
use crate::tui::tour::{self, CARD_TIME, TourState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use termina::event::{KeyCode, KeyEvent};

fn cli(args: &[&str]) -> Cli {
    let mut all = vec!["life-tui"];
    all.extend_from_slice(args);
    cli::parse(all).expect("parses").expect("not help")
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, termina::event::Modifiers::NONE)
}

fn info_of(config: &RunConfig, ranks: usize) -> RunInfo {
    RunInfo::of(config, config.decomposition(ranks).unwrap())
}

/// One round as the main loop plays it.
fn round(app: &mut App, engine: &mut LocalRanks, steps: u64) {
    let control = app.control(steps);
    let result = engine.round(&control);
    app.observe(&control, &result, Instant::now());
    app.absorb(&control, result);
}

/// The built-in tour over `ranks` in-process ranks on a screen.
fn touring(screen: Rect, ranks: usize) -> (App, LocalRanks, Tour) {
    let bundle = playlist::read_bundle(None).expect("the built-in tour reads");
    let default = App::initial_grid_dots(screen);
    let tour = playlist::resolve(&bundle, &GridOptions::from(&cli(&[])), default, ranks, 7)
        .expect("resolves");
    let mut engine = LocalRanks::new(&tour.stops[0].config, ranks);
    for state in &mut engine.states {
        state.stops = tour.stops.iter().map(|s| s.config.clone()).collect();
    }
    let mut app = App::new(info_of(&tour.stops[0].config, ranks), 7, screen);
    app.history = history::History::new(true);
    app.tour = Some(TourState::new(&tour, ranks, None));
    app.areas = app.layout(screen);
    app.go_to_stop(0, Instant::now());
    round(&mut app, &mut engine, 0);
    (app, engine, tour)
}

fn draw(app: &App, screen: Rect) -> String {
    let mut terminal = Terminal::new(TestBackend::new(screen.width, screen.height)).unwrap();
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn the_title_card_sits_above_the_pattern() {
    let screen = Rect::new(0, 0, 80, 24);
    let (mut app, mut engine, _) = touring(screen, 2);
    app.go_to_stop(1, Instant::now());
    round(&mut app, &mut engine, 0);
    app.gens_per_second = 0.0;
    app.frames_per_second = 30.0;
    let text = draw(&app, screen);
    assert!(
        text.contains("Gosper glider gun") && text.contains("2/8"),
        "{text}"
    );
    assert!(text.contains("one glider every 30 generations"), "{text}");
    // The gun is centred, and the card leaves it in view.
    let (_, cy) = tour::centre_of(app.areas.grid);
    let centre_row = text.lines().nth(usize::from(cy)).unwrap_or_default();
    assert!(
        centre_row
            .chars()
            .any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "the pattern at the centre is covered:\n{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn after_the_card_a_caption_line_and_the_stop_runs() {
    let screen = Rect::new(0, 0, 80, 24);
    let (mut app, mut engine, _) = touring(screen, 2);
    assert!(app.paused, "the card holds the stop");
    app.tick(Instant::now() + CARD_TIME);
    assert!(!app.paused, "the stop runs once the card is gone");
    round(&mut app, &mut engine, 0);
    app.gens_per_second = 30.0;
    app.frames_per_second = 30.0;
    let text = draw(&app, screen);
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.contains("1/8  R-pentomino")),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn every_rank_loads_the_stop_and_the_clicker_keys_move_along() {
    let screen = Rect::new(0, 0, 100, 30);
    let (mut app, mut engine, tour) = touring(screen, 3);
    app.handle_key(key(KeyCode::PageDown));
    app.handle_key(key(KeyCode::Right));
    round(&mut app, &mut engine, 5);
    let stop = &tour.stops[2];
    for state in &engine.states {
        assert_eq!(state.config, stop.config);
        assert_eq!(state.generation, 5);
    }
    assert_eq!(app.info.width, stop.config.width);
    assert_eq!(app.generation, 5);
    assert_eq!(app.pattern.as_deref(), Some("Pulsar"));
    // The pulsar from its file, stepped 5 generations by the serial engine.
    let placed = stop.config.pattern.as_ref().unwrap();
    let mut grid = BitGrid::new(stop.config.width, stop.config.height);
    for (x, y) in placed.cells.live_cells() {
        grid.set(placed.x + x, placed.y + y, true);
    }
    let mut serial = crate::engine::Life::new(&grid, stop.config.rule, stop.config.edge);
    serial.run(5);
    assert_eq!(engine.grid(), serial.grid());
    app.handle_key(key(KeyCode::Left));
    assert_eq!(app.tour.as_ref().unwrap().current, 1);
    // hjkl still pan in a tour.
    let before = app.center;
    app.handle_key(key(KeyCode::Char('l')));
    assert_ne!(app.center, before);
}

#[test]
fn a_tour_stop_that_dies_or_repeats_pauses_itself() {
    let screen = Rect::new(0, 0, 100, 30);
    let (mut app, mut engine, _) = touring(screen, 2);
    // Die hard vanishes after 130 generations.
    app.go_to_stop(4, Instant::now());
    round(&mut app, &mut engine, 0);
    app.paused = false;
    let mut rounds = 0;
    while !app.paused && rounds < 20 {
        round(&mut app, &mut engine, 10);
        rounds += 1;
    }
    assert!(app.paused, "still running at generation {}", app.generation);
    assert_eq!(app.generation, 130);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("died out")),
        "{:?}",
        app.message
    );
    // The pulsar repeats every 3 generations.
    app.go_to_stop(2, Instant::now());
    round(&mut app, &mut engine, 0);
    app.paused = false;
    let mut rounds = 0;
    while !app.paused && rounds < 10 {
        round(&mut app, &mut engine, 1);
        rounds += 1;
    }
    assert!(app.paused, "the pulsar never paused");
    let message = app.message.clone().unwrap_or_default();
    assert!(message.contains("period 3"), "{message}");
    assert_eq!(app.generation, 3);
}

fn soup_app(ranks: usize) -> (App, LocalRanks) {
    let config = RunConfig::soup(64, 40, 11, 0.4);
    let engine = LocalRanks::new(&config, ranks);
    let screen = Rect::new(0, 0, 40, 14);
    let app = App::new(info_of(&config, ranks), config.seed, screen);
    (app, engine)
}

#[test]
fn step_back_returns_the_exact_previous_grids() {
    let (mut app, mut engine) = soup_app(3);
    round(&mut app, &mut engine, 7);
    app.handle_key(key(KeyCode::Char(' ')));
    let mut grids = vec![engine.grid()];
    for _ in 0..3 {
        app.handle_key(key(KeyCode::Char('n')));
        let steps = std::mem::take(&mut app.pending.steps);
        round(&mut app, &mut engine, steps);
        grids.push(engine.grid());
    }
    assert_eq!(app.generation, 10);
    for back in (0..3).rev() {
        app.handle_key(key(KeyCode::Char('b')));
        assert_eq!(app.pending.command, Command::Back);
        round(&mut app, &mut engine, 0);
        assert_eq!(engine.grid(), grids[back], "after stepping back to {back}");
        assert_eq!(app.generation, 7 + back as u64);
        assert!(engine.states.iter().all(|s| s.generation == app.generation));
    }
    // Only what was stepped is kept: 7 + 3 generations, 10 back at most.
    assert_eq!(app.history.rewind.available, 7);
    // Edits change the grid: nothing before them is kept.
    app.pending.edits.push_back(crate::live::Edit {
        x: 1,
        y: 1,
        alive: true,
    });
    round(&mut app, &mut engine, 0);
    app.handle_key(key(KeyCode::Char('b')));
    assert_eq!(app.pending.command, Command::None);
    assert!(
        app.message
            .as_deref()
            .unwrap_or_default()
            .contains("no earlier generation")
    );
}

#[test]
fn a_grid_too_large_to_step_back_says_so() {
    let config = RunConfig::soup(65536, 65536, 1, 0.5);
    let mut app = App::new(info_of(&config, 4), 1, Rect::new(0, 0, 80, 24));
    let result = RoundResult {
        stats: vec![RankStats::default(); 4],
        ..RoundResult::default()
    };
    let control = app.control(0);
    app.observe(&control, &result, Instant::now());
    app.paused = true;
    app.handle_key(key(KeyCode::Char('b')));
    assert_eq!(app.pending.command, Command::None);
    let message = app.message.clone().unwrap_or_default();
    assert!(
        message.contains("too large to step back")
            && message.contains("128.0 MiB")
            && message.contains("64.0 MiB"),
        "{message}"
    );
}

#[test]
fn the_history_chart_shows_population_speed_and_hash() {
    let (mut app, mut engine) = soup_app(2);
    let screen = Rect::new(0, 0, 60, 20);
    app.areas = app.layout(screen);
    app.handle_key(key(KeyCode::Char('g')));
    round(&mut app, &mut engine, 4);
    // Pin the samples (they come from the clock) for the snapshot.
    app.history.samples = (0..80)
        .map(|k| Sample {
            generation: k,
            population: 1000 - 8 * k + (k % 7) * 20,
            gens_per_second: 30.0 + (k % 10) as f64,
        })
        .collect();
    app.gens_per_second = 30.0;
    app.frames_per_second = 30.0;
    let text = draw(&app, screen);
    let (_, hash) = app.history.hash.expect("the round carried the hash");
    assert!(text.contains(&crate::engine::hash::to_hex(hash)), "{text}");
    // The same hash as the serial grid's, as headless runs compute it.
    let grid = engine.grid();
    let sum = crate::engine::hash::partial_hash(0, (0..grid.height()).map(|y| grid.row(y)));
    assert_eq!(
        hash,
        crate::engine::hash::finish(sum, grid.width(), grid.height())
    );
    assert!(
        text.contains("population") && text.contains("gen/s"),
        "{text}"
    );
    let chart = history::chart_area(app.areas.grid);
    assert!(chart.y > tour::centre_of(app.areas.grid).1, "{chart:?}");
    insta::assert_snapshot!(text);
}

#[test]
fn keys_1_to_9_move_the_rows_to_that_many_ranks_and_keep_the_grid() {
    let config = RunConfig::soup(64, 40, 11, 0.4);
    let mut engine = LocalRanks::new(&config, 4);
    let start = engine.grid();
    let mut app = App::new(info_of(&config, 4), config.seed, Rect::new(0, 0, 40, 14));
    round(&mut app, &mut engine, 3);
    app.handle_key(key(KeyCode::Char('1')));
    assert_eq!(app.pending.command, Command::Active(1));
    round(&mut app, &mut engine, 5);
    let rows: Vec<usize> = engine.states.iter().map(|s| s.rows().len()).collect();
    assert_eq!(rows, [37, 1, 1, 1]);
    assert_eq!(app.info.decomp, engine.decomposition());
    app.handle_key(key(KeyCode::Char('3')));
    round(&mut app, &mut engine, 4);
    let rows: Vec<usize> = engine.states.iter().map(|s| s.rows().len()).collect();
    assert_eq!(rows, [13, 13, 13, 1]);
    let mut serial = crate::engine::Life::new(&start, config.rule, config.edge);
    serial.run(12);
    assert_eq!(engine.grid(), serial.grid());
    assert_eq!(app.generation, 12);
    app.handle_key(key(KeyCode::Char('9')));
    assert_eq!(app.pending.command, Command::None);
    assert_eq!(app.message.as_deref(), Some("this job has 4 ranks"));
}

#[test]
fn the_panel_splits_time_into_compute_wait_and_idle_beside_the_rank_chart() {
    let config = RunConfig::soup(240, 120, 5, 0.3);
    let mut engine = LocalRanks::new(&config, 4);
    let screen = Rect::new(0, 0, 130, 30);
    let mut app = App::new(info_of(&config, 4), config.seed, screen);
    app.areas = app.layout(screen);
    app.handle_key(key(KeyCode::Char('g')));
    round(&mut app, &mut engine, 2);
    // Times and rates come from the clock: pin them for the snapshot.
    app.generation = 500;
    app.gens_per_second = 30.0;
    app.frames_per_second = 30.0;
    for (rank, panel) in app.ranks.iter_mut().enumerate() {
        panel.compute = 2e-3 + 1e-4 * rank as f64;
        panel.wait = 5e-4 * (4 - rank) as f64;
    }
    app.speedup.idle = vec![30e-3, 30.5e-3, 31e-3, 31.5e-3];
    app.history.hash = Some((500, 0x0123_4567_89ab_cdef));
    app.speedup.rates = [(1, 410.0), (2, 790.0), (4, 1460.0)].into_iter().collect();
    app.history.samples = (0..60)
        .map(|k| Sample {
            generation: k,
            population: 9000 - 40 * k,
            gens_per_second: [410.0, 790.0, 1460.0][(k / 20) as usize],
        })
        .collect();
    let text = draw(&app, screen);
    for expected in [
        "idle",
        "30.00ms",
        "gen/s by ranks at work",
        "x3.6",
        "x1.9",
        "hash 0123456789abcdef",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    insta::assert_snapshot!(text);
}
