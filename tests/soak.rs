//! The live view's soak: `mpirun -np 4` in a tmux pane for two minutes at
//! unlimited speed, fed random keys (every key of the help), mouse clicks,
//! drags and wheel turns, and window resizes from a seeded generator. Every
//! few seconds the view must still show `gen N` on its status row with N
//! growing; at the end `q` must give the shell back with exit code 0,
//! cooked mode, echo and the main screen. Every wait is bounded.
//!
//! Its own test binary, so that `cargo test` runs it alone: nothing else
//! heavy competes with its four ranks on a small machine.
//! `LIFE_TUI_SOAK_SEED` and `LIFE_TUI_SOAK_SECS` replay or shorten it.

mod common;
mod tui_pane;

use std::time::{Duration, Instant};

use tui_pane::{PATIENCE, Pane, assert_sane_terminal, exit_code, generation, launch_line};

/// splitmix64: small, seeded, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn range(&mut self, low: u16, high: u16) -> u16 {
        low + self.below(u64::from(high - low + 1)) as u16
    }
}

/// Every key of the help except the quit keys (`q`, Esc, Ctrl-C), as tmux
/// key names (arrows) or literal text.
const KEYS: &[&str] = &[
    " ", "n", ".", "+", "-", "=", "_", "h", "j", "k", "l", "Left", "Right", "Up", "Down", "z", "Z",
    "[", "]", "f", "m", "o", "p", "r", "c", "s", "?", "g", "b", "1", "2", "3", "4", "NPage",
    "PPage",
];

#[derive(Default, Debug)]
struct Tally {
    keys: u64,
    clicks: u64,
    drags: u64,
    wheels: u64,
    resizes: u64,
    checks: u64,
    highest_gen: u64,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn sgr(pane: &Pane, button: u32, column: u16, row: u16, release: bool) {
    let end = if release { 'm' } else { 'M' };
    pane.bytes(format!("\x1b[<{button};{column};{row}{end}").as_bytes());
}

/// One random action: a key, a click, a drag, a wheel turn or a resize.
fn act(pane: &Pane, rng: &mut Rng, size: &mut (u16, u16), tally: &mut Tally) {
    let (w, h) = *size;
    match rng.below(100) {
        0..62 => {
            let key = KEYS[rng.below(KEYS.len() as u64) as usize];
            if key.len() > 1 {
                pane.tmux(&["send-keys", key]);
            } else {
                pane.keys(key);
            }
            tally.keys += 1;
        }
        62..76 => {
            let (c, r) = (rng.range(1, w), rng.range(1, h));
            sgr(pane, 0, c, r, false);
            sgr(pane, 0, c, r, true);
            tally.clicks += 1;
        }
        76..86 => {
            let (mut c, mut r) = (rng.range(1, w), rng.range(1, h));
            sgr(pane, 0, c, r, false);
            for _ in 0..rng.range(2, 8) {
                c = (c + rng.range(0, 2)).clamp(1, w);
                r = (r + rng.range(0, 2)).saturating_sub(1).clamp(1, h);
                sgr(pane, 32, c, r, false);
            }
            sgr(pane, 0, c, r, true);
            tally.drags += 1;
        }
        86..93 => {
            let button = if rng.below(2) == 0 { 64 } else { 65 };
            sgr(pane, button, rng.range(1, w), rng.range(1, h), false);
            tally.wheels += 1;
        }
        _ => {
            *size = (rng.range(40, 200), rng.range(12, 60));
            pane.tmux(&[
                "resize-window",
                "-x",
                &size.0.to_string(),
                "-y",
                &size.1.to_string(),
            ]);
            tally.resizes += 1;
        }
    }
}

/// The status row of a screen `rows` high (the last but one), if it shows
/// the status bar.
fn status_generation(screen: &str, rows: u16) -> Option<u64> {
    let line = screen.lines().nth(usize::from(rows) - 2)?;
    line.starts_with(" gen ").then(|| generation(line))?
}

#[test]
fn two_minutes_of_random_input_at_unlimited_speed_then_a_clean_quit() {
    let seed = env_or("LIFE_TUI_SOAK_SEED", 0x5eed_u64);
    let span = Duration::from_secs(env_or("LIFE_TUI_SOAK_SECS", 120));
    eprintln!("soak: seed {seed}, {span:?} (LIFE_TUI_SOAK_SEED, LIFE_TUI_SOAK_SECS)");
    let mut rng = Rng(seed);
    let mut size = (100u16, 30u16);
    let pane = Pane::start(size.0, size.1);
    let dir = common::temp_dir();
    pane.line(&format!(
        "clear; cd {}; {}",
        dir.path().display(),
        launch_line(
            "mpirun",
            "--seed 42 --checkpoint-every 5000 --checkpoint soak.rle"
        )
    ));
    pane.wait_for("the view", PATIENCE, |s| {
        status_generation(s, size.1).is_some()
    });
    let mut tally = Tally::default();
    let started = Instant::now();
    while started.elapsed() < span {
        // A burst of random input, about three seconds long.
        for _ in 0..20 {
            act(&pane, &mut rng, &mut size, &mut tally);
            std::thread::sleep(Duration::from_millis(rng.below(250)));
        }
        // Then: help closed (any key closes it), unlimited speed, running.
        pane.keys("++++++++++++");
        let screen = pane.wait_for("the status bar after the burst", PATIENCE, |s| {
            status_generation(s, size.1).is_some() && !s.contains(" any key closes ")
        });
        if screen.contains("PAUSED") {
            pane.keys(" ");
            pane.wait_for("running again", PATIENCE, |s| {
                status_generation(s, size.1).is_some() && !s.contains("PAUSED")
            });
        }
        // (Narrow bars drop the rate field.)
        let screen = pane.wait_for("unlimited speed", PATIENCE, |s| {
            size.0 < 80 || s.contains("/max gen/s")
        });
        let before = status_generation(&screen, size.1).expect("gen N on the status row");
        let screen = pane.wait_for("gen N to grow", PATIENCE, |s| {
            status_generation(s, size.1).is_some_and(|n| n > before)
        });
        let now = status_generation(&screen, size.1).unwrap();
        tally.highest_gen = tally.highest_gen.max(now);
        tally.checks += 1;
    }
    eprintln!("soak: {tally:?} in {:?}", started.elapsed());
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
    assert!(tally.checks >= 5, "{tally:?}");
    // Checkpoints and `s` saves written along the way all read back.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let saved = life_tui::pattern::read_file(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let at = life_tui::checkpoint::generation_of(&saved).expect("Gen= in every save");
        if path.ends_with("soak.rle") {
            assert_eq!(at % 5000, 0, "checkpoint at gen {at}");
        }
    }
}
