//! The main loop itself on ratatui's TestBackend with in-process ranks:
//! scripted keys and mouse events go through the same event channel as the
//! input thread's, and the grid that results is checked against the serial
//! engine.

use std::sync::mpsc;
use std::time::Duration;

use crate::config::RunConfig;
use crate::engine::{Edge, Life, Rule};
use crate::live::LocalRanks;
use crate::tui::app::{App, RunInfo};
use crate::tui::event_loop::{self, Exit, LoopOptions};
use crate::tui::input::{Event, decode};
use crate::{checkpoint, pattern};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn keys(bytes: &[u8]) -> Vec<Event> {
    decode(&mut termina::Parser::default(), bytes)
}

#[test]
fn pause_step_and_quit_drive_the_ranks_like_the_serial_engine() {
    let config = RunConfig::soup(64, 40, 11, 0.4);
    let mut engine = LocalRanks::new(&config, 3);
    let start = engine.grid();
    let screen = Rect::new(0, 0, 40, 14);
    let info = RunInfo::of(&config, engine.decomposition());
    let mut app = App::new(info, config.seed, screen);
    let mut terminal = Terminal::new(TestBackend::new(screen.width, screen.height)).unwrap();
    let (sender, events) = mpsc::channel();
    let script = std::thread::spawn(move || {
        let pause = Duration::from_millis(150);
        std::thread::sleep(pause);
        for event in keys(b" ") {
            sender.send(event).unwrap();
        }
        for _ in 0..3 {
            std::thread::sleep(pause);
            for event in keys(b"n") {
                sender.send(event).unwrap();
            }
        }
        std::thread::sleep(pause);
        for event in keys(b"q") {
            sender.send(event).unwrap();
        }
    });
    let (exit, meter) = event_loop::run(
        &mut terminal,
        &mut engine,
        &mut app,
        &events,
        || Some((40, 14)),
        || false,
        &LoopOptions::default(),
    )
    .unwrap();
    script.join().unwrap();
    assert_eq!(exit, Exit::Quit);
    assert!(app.paused());
    assert!(meter.frames >= 4, "{meter:?}");
    // Every generation the loop reports, the ranks really stepped.
    let mut life = Life::new(&start, Rule::LIFE, Edge::Torus);
    life.run(app.generation());
    assert_eq!(
        engine.grid(),
        life.grid(),
        "after {} generations",
        app.generation()
    );
    assert_eq!(meter.generations, app.generation());
    let text = terminal.backend().to_string();
    assert!(
        text.contains(&format!("gen {}", app.generation())) && text.contains("PAUSED"),
        "{text}"
    );
}

#[test]
fn a_mouse_click_toggles_the_cell_under_it() {
    let config = RunConfig {
        edge: Edge::Dead,
        ..RunConfig::soup(20, 12, 1, 0.0)
    };
    let mut engine = LocalRanks::new(&config, 2);
    let screen = Rect::new(0, 0, 40, 14);
    let info = RunInfo::of(&config, engine.decomposition());
    let mut app = App::new(info, config.seed, screen);
    let mut terminal = Terminal::new(TestBackend::new(screen.width, screen.height)).unwrap();
    let (sender, events) = mpsc::channel();
    let script = std::thread::spawn(move || {
        let send = |bytes: &[u8]| {
            for event in keys(bytes) {
                sender.send(event).unwrap();
            }
            std::thread::sleep(Duration::from_millis(120));
        };
        send(b" ");
        send(b"mm");
        // Blocks mode: cell (x, y) is at column 2x, row y (SGR is 1-based).
        send(b"\x1b[<0;11;4M\x1b[<0;11;4m");
        send(b"\x1b[<0;13;8M\x1b[<0;13;8m");
        send(b"\x1b[<0;13;8M\x1b[<0;13;8m");
        send(b"q");
    });
    event_loop::run(
        &mut terminal,
        &mut engine,
        &mut app,
        &events,
        || Some((40, 14)),
        || false,
        &LoopOptions::default(),
    )
    .unwrap();
    script.join().unwrap();
    let grid = engine.grid();
    assert_eq!(grid.live_cells().collect::<Vec<_>>(), vec![(5, 3)]);
}

/// `--checkpoint-every K`: at unlimited speed, paused stepping and a user
/// save in between, the checkpoint file always holds a generation that is
/// a multiple of K, and exactly the grid the serial engine has there.
#[test]
fn checkpoints_land_on_multiples_of_k_with_the_right_grid() {
    const K: u64 = 7;
    let config = RunConfig::soup(48, 30, 5, 0.35);
    let mut engine = LocalRanks::new(&config, 3);
    let start = engine.grid();
    let screen = Rect::new(0, 0, 40, 14);
    let info = RunInfo::of(&config, engine.decomposition());
    let mut app = App::new(info, config.seed, screen);
    // Unlimited speed, as `+` pressed until it goes no higher.
    for event in keys(&[b'+'; crate::tui::app::SPEEDS.len()]) {
        event_loop::handle(&mut app, event);
    }
    let mut terminal = Terminal::new(TestBackend::new(screen.width, screen.height)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ck.rle");
    let (sender, events) = mpsc::channel();
    let script = std::thread::spawn(move || {
        let send = |bytes: &[u8], wait: u64| {
            for event in keys(bytes) {
                sender.send(event).unwrap();
            }
            std::thread::sleep(Duration::from_millis(wait));
        };
        std::thread::sleep(Duration::from_millis(300));
        // Paused: ten single steps cross a multiple of K at least once.
        send(b" ", 100);
        for _ in 0..10 {
            send(b"n", 30);
        }
        send(b"s", 100);
        send(b" ", 300);
        send(b"q", 0);
    });
    let options = LoopOptions {
        checkpoint: Some((path.clone(), K)),
        save_dir: dir.path().to_path_buf(),
        ..LoopOptions::default()
    };
    let (exit, meter) = event_loop::run(
        &mut terminal,
        &mut engine,
        &mut app,
        &events,
        || Some((40, 14)),
        || false,
        &options,
    )
    .unwrap();
    script.join().unwrap();
    assert_eq!(exit, Exit::Quit);
    assert!(meter.generations > 5 * K, "{meter:?}");
    let saved = pattern::read_file(&path).expect("the checkpoint reads back");
    let generation = checkpoint::generation_of(&saved).expect("Gen= in the file");
    assert_eq!(generation % K, 0, "checkpoint at gen {generation}");
    assert!(
        generation + K > app.generation() && generation <= app.generation(),
        "the last multiple of K before gen {}: {generation}",
        app.generation()
    );
    let mut life = Life::new(&start, Rule::LIFE, Edge::Torus);
    life.run(generation);
    assert_eq!(saved.cells, life.grid(), "the grid of gen {generation}");
    let bounds = saved.bounds.expect("resumable: size and edge");
    assert_eq!((bounds.width, bounds.height), (48, 30));
    // `s` wrote its own file as well.
    let saves = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with("life-") && name.ends_with(".rle")
        })
        .count();
    assert_eq!(saves, 1);
}
