//! The live view end to end: the real binary, under a real `mpirun`, in a
//! real terminal (a tmux pane on a private tmux server per test), driven
//! by keys and mouse bytes and read back with `capture-pane`. Every wait is
//! bounded; the tmux server is killed when the test ends, pass or fail.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{self, BIN, descendants, mpi_env, run_with_timeout, stderr_of};
use crate::tui_pane::{
    PATIENCE, Pane, assert_sane_terminal, exit_code, generation, has_braille, launch_line,
};

/// The whole interactive contract in one launch mode and terminal size.
fn play(mode: &str, width: u16, height: u16) {
    let pane = Pane::start(width, height);
    pane.line(&format!("clear; {}", launch_line(mode, "--seed 1")));
    let screen = pane.wait_for("the grid and gen N", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0) && has_braille(s)
    });
    assert!(pane.alternate_on());
    let status = screen
        .lines()
        .nth(usize::from(height) - 2)
        .unwrap_or_default();
    assert!(
        status.starts_with(" gen "),
        "status bar on the last but one row: {screen}"
    );
    let first = generation(&screen).unwrap();
    pane.wait_for("gen to advance", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > first)
    });

    pane.keys(" ");
    let screen = pane.wait_for("PAUSED", PATIENCE, |s| s.contains("PAUSED"));
    let paused = generation(&screen).unwrap();
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(
        generation(&pane.screen()),
        Some(paused),
        "gen moved while paused"
    );

    if mode != "alone" {
        // Paused, nobody spins: all ranks and mpirun together stay under
        // 10% of one core.
        let share = cpu_share(&pane, Duration::from_secs(2));
        eprintln!(
            "{mode} {width}x{height}: paused CPU {:.1}% of a core",
            share * 100.0
        );
        assert!(
            share < 0.10,
            "paused job uses {:.1}% of a core",
            share * 100.0
        );
    }

    pane.keys("n");
    pane.wait_for("one step", PATIENCE, |s| generation(s) == Some(paused + 1));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        generation(&pane.screen()),
        Some(paused + 1),
        "n stepped more than one"
    );

    if mode == "alone" && width == 80 {
        // The size is polled every frame: the view follows a resize.
        pane.tmux(&["resize-window", "-x", "100", "-y", "30"]);
        pane.wait_for("the view to follow the resize", PATIENCE, |s| {
            s.lines().nth(28).is_some_and(|l| l.starts_with(" gen "))
        });
    }

    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
}

#[test]
fn alone_80x24() {
    play("alone", 80, 24);
}

#[test]
fn alone_200x60() {
    play("alone", 200, 60);
}

#[test]
fn mpirun_80x24() {
    play("mpirun", 80, 24);
}

#[test]
fn mpirun_200x60() {
    play("mpirun", 200, 60);
}

#[test]
fn mpirun_stdin_none_80x24() {
    play("stdin-none", 80, 24);
}

#[test]
fn mpirun_stdin_none_200x60() {
    play("stdin-none", 200, 60);
}

#[test]
fn no_controlling_terminal_with_tty_option_80x24() {
    play("detached", 80, 24);
}

/// CPU time (user + system) of everything below the pane's shell over
/// `span`, as a share of one core.
fn cpu_share(pane: &Pane, span: Duration) -> f64 {
    let ticks = |pids: &[u32]| -> u64 {
        pids.iter()
            .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
            .map(|stat| {
                let rest = &stat[stat.rfind(')').map_or(0, |i| i + 2)..];
                let fields: Vec<&str> = rest.split(' ').collect();
                // utime and stime are fields 14 and 15 of stat(5); `rest`
                // starts at field 3.
                fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0)
            })
            .sum()
    };
    let pids = descendants(pane.pid());
    // A share of nothing proves nothing: the ranks must be among them.
    let ranks = pids
        .iter()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == "life-tui")
        })
        .count();
    assert!(ranks >= 2, "the ranks were not found among {pids:?}");
    let before = ticks(&pids);
    std::thread::sleep(span);
    let after = ticks(&pids);
    let per_second = rustix::param::clock_ticks_per_second() as f64;
    (after.saturating_sub(before)) as f64 / per_second / span.as_secs_f64()
}

fn rank_pid(pane: &Pane, rank: usize) -> Option<u32> {
    common::rank_pid_below(pane.pid(), rank)
}

#[test]
fn killing_a_worker_gives_the_shell_back_within_5_seconds() {
    let pane = Pane::start(80, 24);
    pane.line(&format!("clear; {}", launch_line("mpirun", "--seed 2")));
    pane.wait_for("the view", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0)
    });
    let worker = rank_pid(&pane, 2).expect("rank 2 runs under the pane");
    let killed = Instant::now();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(worker as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .expect("kill -9 rank 2");
    let screen = pane.wait_for("the shell back", Duration::from_secs(5), |s| {
        exit_code(s).is_some()
    });
    let took = killed.elapsed();
    assert_ne!(
        exit_code(&screen),
        Some(0),
        "a dead rank is a failure: {screen}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_sane_terminal(&pane);
}

fn mpirun_pid(pane: &Pane) -> u32 {
    descendants(pane.pid())
        .into_iter()
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "mpirun")
        })
        .expect("mpirun runs under the pane")
}

fn signal_to_mpirun_restores_the_terminal(signal: rustix::process::Signal) {
    let pane = Pane::start(80, 24);
    pane.line(&format!("clear; {}", launch_line("stdin-none", "--seed 4")));
    pane.wait_for("the view", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0)
    });
    let mpirun = mpirun_pid(&pane);
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(mpirun as i32).unwrap(),
        signal,
    )
    .expect("signal mpirun");
    let screen = pane.wait_for("the shell back", Duration::from_secs(5), |s| {
        exit_code(s).is_some()
    });
    assert_ne!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
}

/// A launcher that gives rank 0 no keyboard input (`mpirun`'s own stdin
/// is `/dev/null`): the hint line says so, and Ctrl-C typed in the
/// terminal, which nothing reads any more, still ends the job and gives
/// the shell back in its modes.
#[test]
fn closed_keyboard_input_is_said_and_ctrl_c_still_ends_the_job() {
    let pane = Pane::start(100, 30);
    pane.line(&format!(
        "clear; mpirun --bind-to none -np 2 {BIN} --seed 1 </dev/null; echo EXIT=$?"
    ));
    pane.wait_for("the closed input on the hint line", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0) && s.contains("keyboard input closed")
    });
    pane.tmux(&["send-keys", "C-c"]);
    let screen = pane.wait_for("the shell back", Duration::from_secs(10), |s| {
        exit_code(s).is_some()
    });
    assert_ne!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
}

#[test]
fn sigterm_to_mpirun_restores_the_terminal() {
    signal_to_mpirun_restores_the_terminal(rustix::process::Signal::TERM);
}

#[test]
fn sighup_to_mpirun_restores_the_terminal() {
    signal_to_mpirun_restores_the_terminal(rustix::process::Signal::HUP);
}

#[test]
fn a_panic_on_rank_0_restores_the_terminal_then_aborts_the_job() {
    let pane = Pane::start(80, 24);
    pane.line(&format!(
        "clear; LIFE_TUI_TEST_PANIC=0:20 {}",
        launch_line("mpirun", "--seed 5")
    ));
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_ne!(exit_code(&screen), Some(0), "{screen}");
    let history = pane.tmux(&["capture-pane", "-p", "-S", "-200"]);
    assert!(
        history.contains("test-only panic on rank 0 at generation 20"),
        "the panic message is shown:\n{history}"
    );
    assert_sane_terminal(&pane);
}

/// The grid a headless run on `np` ranks reaches at `generation`.
fn headless_grid(np: usize, args: &[&str], generation: u64) -> life_tui::engine::BitGrid {
    let dir = common::temp_dir();
    let out = dir.path().join("out.rle");
    let generations = generation.to_string();
    let mut all = vec!["--headless", "--generations", &generations];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--output", out.to_str().unwrap()]);
    let output = common::mpirun(np, &all);
    assert!(output.status.success(), "{}", stderr_of(&output));
    life_tui::pattern::read_file(&out)
        .expect("headless output")
        .cells
        .into_grid()
        .expect("a torus's grid")
}

/// A checkpoint file: its generation and grid.
fn read_checkpoint(path: &std::path::Path) -> (u64, life_tui::engine::BitGrid) {
    let saved = life_tui::pattern::read_file(path)
        .unwrap_or_else(|e| panic!("{}: the checkpoint reads back: {e}", path.display()));
    let generation = life_tui::checkpoint::generation_of(&saved).expect("Gen= in the checkpoint");
    (generation, saved.cells.into_grid().expect("a torus's grid"))
}

/// `LIFE_TUI_STATS` makes the live view end with one line on stderr, as
/// docs/json-lines.schema.json describes it, with the numbers of this run.
#[test]
fn the_live_stats_line_on_quitting_is_documented() {
    let pane = Pane::start(80, 24);
    let dir = common::temp_dir();
    pane.line(&format!(
        "clear; cd {}; LIFE_TUI_STATS=1 {}",
        dir.path().display(),
        launch_line("mpirun", "--seed 6 --width 64 --height 40 2> stats.jsonl")
    ));
    pane.wait_for("gen 20", PATIENCE, |s| {
        generation(s).is_some_and(|n| n >= 20)
    });
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    let stderr = std::fs::read_to_string(dir.path().join("stats.jsonl")).expect("stderr");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("live_stats"))
        .collect();
    assert_eq!(lines.len(), 1, "one live_stats line: {stderr}");
    let stats = &common::json_line(lines[0])["live_stats"];
    assert_eq!(stats["ranks"], 4, "{stats}");
    assert_eq!(
        (stats["width"].as_u64(), stats["height"].as_u64()),
        (Some(64), Some(40))
    );
    assert!(
        stats["generations"].as_u64().is_some_and(|g| g >= 20),
        "{stats}"
    );
    assert!(stats["rounds"].as_u64().is_some_and(|r| r > 0), "{stats}");
    assert!(
        stats["bytes_per_round"].as_f64().is_some_and(|b| b > 0.0),
        "{stats}"
    );
}

#[test]
fn checkpoints_in_the_live_view_and_resume_continues_from_them() {
    const K: u64 = 50;
    let pane = Pane::start(80, 24);
    let dir = common::temp_dir();
    let start = "--seed 9 --width 64 --height 40";
    pane.line(&format!(
        "clear; cd {}; {}",
        dir.path().display(),
        launch_line(
            "mpirun",
            &format!("{start} --checkpoint-every {K} --checkpoint ck.rle")
        )
    ));
    pane.wait_for("the view", PATIENCE, |s| generation(s).is_some());
    // Faster: 1000 gen/s.
    pane.keys("++++");
    pane.wait_for("a checkpoint message", PATIENCE, |s| {
        s.contains("checkpoint: gen ") && s.contains(" written to ck.rle")
    });
    pane.wait_for("gen 300", PATIENCE, |s| {
        generation(s).is_some_and(|n| n >= 300)
    });
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
    let (saved_at, cells) = read_checkpoint(&dir.path().join("ck.rle"));
    assert!(saved_at >= 300 && saved_at % K == 0, "gen {saved_at}");
    let args = ["--seed", "9", "--width", "64", "--height", "40"];
    assert_eq!(
        cells,
        headless_grid(2, &args, saved_at),
        "the live view saved the grid of gen {saved_at}"
    );

    // Resumed on another number of ranks, the view starts at the file's
    // generation and goes on exactly as an uninterrupted run.
    pane.line(&format!(
        "clear; {}",
        launch_line(
            "stdin-none",
            &format!("--resume ck.rle --checkpoint-every {K} --checkpoint ck2.rle")
        )
        .replace("-np 4", "-np 3")
    ));
    let screen = pane.wait_for("the resumed view", PATIENCE, |s| generation(s).is_some());
    let first = generation(&screen).unwrap();
    assert!(
        first >= saved_at && first < saved_at + 100,
        "resumed at gen {first}, the file is gen {saved_at}: {screen}"
    );
    pane.wait_for("a checkpoint of the resumed run", PATIENCE, |s| {
        generation(s).is_some_and(|n| n >= saved_at + 2 * K)
    });
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
    let (resumed_at, cells) = read_checkpoint(&dir.path().join("ck2.rle"));
    assert!(
        resumed_at > saved_at && resumed_at % K == 0,
        "gen {resumed_at}"
    );
    assert_eq!(
        cells,
        headless_grid(1, &args, resumed_at),
        "resumed at {saved_at}, gen {resumed_at} is the uninterrupted run's"
    );
}

#[test]
fn a_panic_on_a_worker_rank_ends_the_job_within_5_seconds_and_keeps_the_checkpoint() {
    let pane = Pane::start(80, 24);
    let dir = common::temp_dir();
    // 30 gen/s by default: gen 100 comes about 3 s in; checkpoints every 30.
    pane.line(&format!(
        "clear; cd {}; LIFE_TUI_TEST_PANIC=2:100 {}",
        dir.path().display(),
        launch_line(
            "mpirun",
            "--seed 6 --width 64 --height 40 --checkpoint-every 30 --checkpoint ck.rle"
        )
    ));
    pane.wait_for("gen 95", PATIENCE, |s| {
        generation(s).is_some_and(|n| n >= 95) || exit_code(s).is_some()
    });
    let near = Instant::now();
    let screen = pane.wait_for("the shell back", Duration::from_secs(6), |s| {
        exit_code(s).is_some()
    });
    let took = near.elapsed();
    eprintln!("worker panic: shell back {took:?} after gen 95 was on screen");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_ne!(
        exit_code(&screen),
        Some(0),
        "a panic is a failure: {screen}"
    );
    // -J: lines the terminal wrapped, joined.
    let history = pane.tmux(&["capture-pane", "-p", "-J", "-S", "-200"]);
    assert!(
        history.contains("rank 2 panicked")
            && history.contains("test-only panic on rank 2 at generation 100"),
        "the worker's panic message is shown:\n{history}"
    );
    assert_sane_terminal(&pane);
    let (saved_at, cells) = read_checkpoint(&dir.path().join("ck.rle"));
    assert_eq!(saved_at, 90, "the last checkpoint before the panic");
    assert_eq!(
        cells,
        headless_grid(2, &["--seed", "6", "--width", "64", "--height", "40"], 90)
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["ck.rle"], "no temporary files left");
}

#[test]
fn sigcont_and_sigterm_back_to_back_as_mpirun_sends_them_leave_a_sane_terminal() {
    // mpirun tears a job down with SIGCONT, then SIGTERM at once. A SIGTERM
    // handler running inside the SIGCONT one used to exit before the saved
    // modes were back: the shell came back raw in about 1 run of 3.
    let pane = Pane::start(80, 24);
    let dir = common::temp_dir();
    let pid_file = dir.path().join("pid");
    for run in 0..8 {
        let _ = std::fs::remove_file(&pid_file);
        pane.line(&format!(
            "clear; sh -c 'echo $$ > {}; exec {BIN} --seed {run}'; echo EXIT=$?",
            pid_file.display()
        ));
        pane.wait_for("the view", PATIENCE, |s| {
            generation(s).is_some_and(|n| n > 5)
        });
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // SAFETY: kill with a pid read from the file the child wrote.
        unsafe {
            libc::kill(pid, libc::SIGCONT);
            libc::kill(pid, libc::SIGTERM);
        }
        let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
        assert_eq!(
            exit_code(&screen),
            Some(128 + libc::SIGTERM),
            "run {run}: {screen}"
        );
        assert_sane_terminal(&pane);
    }
}

/// Cells shown in blocks mode (one cell per two characters, at 1:1).
fn block_cells(screen: &str, rows: usize) -> BTreeSet<(usize, usize)> {
    let mut cells = BTreeSet::new();
    for (y, line) in screen.lines().take(rows).enumerate() {
        let chars: Vec<char> = line.chars().collect();
        for (x, pair) in chars.chunks(2).enumerate() {
            if pair.first() == Some(&'█') {
                cells.insert((x, y));
            }
        }
    }
    cells
}

fn click(pane: &Pane, x: usize, y: usize) {
    let (column, row) = (2 * x + 1, y + 1);
    pane.bytes(format!("\x1b[<0;{column};{row}M\x1b[<0;{column};{row}m").as_bytes());
}

#[test]
fn a_glider_drawn_with_the_mouse_moves_as_a_glider() {
    let pane = Pane::start(80, 24);
    // 40x22 cells fill the 80x22 grid area exactly in blocks mode; four
    // ranks own 6, 6, 5 and 5 rows, so the glider crosses a seam.
    let dir = common::temp_dir();
    pane.line(&format!(
        "clear; cd {}; {}",
        dir.path().display(),
        launch_line("mpirun", "--seed 3 --width 40 --height 22")
    ));
    pane.wait_for("the view", PATIENCE, |s| generation(s).is_some());
    pane.keys(" ");
    pane.keys("c");
    pane.keys("m");
    pane.keys("m");
    // The status bar's mode field: "half blocks" must not pass for it.
    pane.wait_for("paused, cleared, blocks", PATIENCE, |s| {
        s.contains("PAUSED") && s.contains("pop 0 ") && s.contains("│ blocks 1:1")
    });
    let glider = [(11, 4), (12, 5), (10, 6), (11, 6), (12, 6)];
    for &(x, y) in &glider {
        click(&pane, x, y);
    }
    // A drag draws a blinker.
    pane.bytes(b"\x1b[<0;61;16M\x1b[<32;63;16M\x1b[<32;65;16M\x1b[<0;65;16m");
    let screen = pane.wait_for("8 cells drawn", PATIENCE, |s| s.contains("pop 8 "));
    let blinker = [(30, 15), (31, 15), (32, 15)];
    let drawn: BTreeSet<_> = glider.iter().chain(&blinker).copied().collect();
    assert_eq!(block_cells(&screen, 22), drawn, "{screen}");
    let start = generation(&screen).unwrap();
    for k in 1..=4 {
        pane.keys("n");
        pane.wait_for("a step", PATIENCE, |s| generation(s) == Some(start + k));
    }
    let screen = pane.screen();
    let moved: BTreeSet<_> = glider
        .iter()
        .map(|&(x, y)| (x + 1, y + 1))
        .chain(blinker.iter().copied())
        .collect();
    assert_eq!(block_cells(&screen, 22), moved, "{screen}");
    // `s` gathers the whole grid from every rank and saves it as RLE.
    pane.keys("s");
    let name = format!("life-{}.rle", start + 4);
    pane.wait_for("the saved message", PATIENCE, |s| {
        s.contains(&format!("saved {name}"))
    });
    let rle = std::fs::read_to_string(dir.path().join(&name)).expect("the saved file");
    assert!(rle.contains("x = 40, y = 22, rule = B3/S23"), "{rle}");
    let saved = life_tui::pattern::parse(rle.as_bytes()).expect("the saved file parses");
    let cells: BTreeSet<_> = saved.cells.grid().unwrap().live_cells().collect();
    assert_eq!(cells, moved, "{rle}");
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0));
}

#[test]
fn without_a_terminal_it_points_to_headless_and_exits_2() {
    let mut alone = Command::new("setsid");
    mpi_env(&mut alone);
    alone.args(["-w", BIN]);
    let output = run_with_timeout(alone, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("--headless"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let mut job = Command::new("setsid");
    mpi_env(&mut job);
    job.args(["-w", "mpirun"])
        .args(common::MPIRUN_FLAGS)
        .args(["-np", "3", BIN]);
    let output = run_with_timeout(job, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert_eq!(
        stderr.matches("--headless").count(),
        1,
        "said once: {stderr}"
    );
}

/// A gun on a 65536x65536 torus at np=4: stepping every cell would manage
/// about 10-20 generations a second on two cores (4.3 G cells a
/// generation); skipping what cannot change, and counting the population
/// only where it changed, the view runs at its frame-rate-limited pace at
/// the top speed, thousands a second. 1000 generations within 15 s at
/// "max" is beyond any dense run here, and easily within reach of the
/// sparse one even on a busy machine.
#[test]
fn a_gun_on_a_huge_torus_runs_at_the_frame_rate_limited_speed() {
    let pane = Pane::start(100, 30);
    pane.line(&format!(
        "clear; {}",
        launch_line(
            "mpirun",
            "--pattern gosper-glider-gun --width 65536 --height 65536"
        )
    ));
    pane.wait_for("the view", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0)
    });
    // Up to "max" (unlimited): twelve presses pass the last target speed.
    pane.keys(&"+".repeat(12));
    let start = pane.wait_for("max speed", PATIENCE, |s| s.contains("/max gen/s"));
    let from = generation(&start).unwrap();
    pane.wait_for(
        "1000 generations at max speed",
        Duration::from_secs(15),
        |s| generation(s).is_some_and(|n| n >= from + 1000),
    );
    pane.keys("q");
    pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_sane_terminal(&pane);
}

/// The summary of a one-rank headless run with `args`.
fn headless_summary(args: &[&str]) -> serde_json::Value {
    let output = common::alone(args);
    assert!(output.status.success(), "{}", stderr_of(&output));
    common::summary(&output)
}

/// The status bar's `bbox X,Y WxH`, if shown.
fn status_bbox(screen: &str) -> Option<(i64, i64, u64, u64)> {
    let at = screen.find("bbox ")? + 5;
    let field: String = screen[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let size: String = screen[at + field.len() + 1..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let (x, y) = field.split_once(',')?;
    let (w, h) = size.split_once('x')?;
    Some((
        x.parse().ok()?,
        y.parse().ok()?,
        w.parse().ok()?,
        h.parse().ok()?,
    ))
}

/// The gun on the unbounded plane at np=4, past the point where any
/// terminal-sized torus wraps its stream into it (about generation 3500
/// on 180x152): the population is Golly's, `f` shows the whole stream, the
/// status bar its bounding box, and `s` saves it where Golly puts it.
#[test]
fn the_gun_on_the_plane_stays_whole_and_f_fits_it() {
    let pane = Pane::start(100, 30);
    let dir = common::temp_dir();
    pane.line(&format!(
        "clear; cd {}; {}",
        dir.path().display(),
        launch_line("mpirun", "--pattern gosper-glider-gun")
    ));
    pane.wait_for("the gun's box on the plane", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0) && s.contains("bbox 0,0") && s.contains("4 ranks")
    });
    // 1000 gen/s, past the torus's wrap.
    pane.keys("++++++");
    pane.wait_for("gen 4500", Duration::from_secs(60), |s| {
        generation(s).is_some_and(|n| n >= 4500)
    });
    pane.keys(" f");
    pane.wait_for("paused", PATIENCE, |s| s.contains("PAUSED"));
    // The frame after the fit.
    std::thread::sleep(Duration::from_millis(500));
    let screen = pane.screen();
    let at = generation(&screen).unwrap();
    let want = headless_summary(&[
        "--headless",
        "--pattern",
        "gosper-glider-gun",
        "--generations",
        &at.to_string(),
    ]);
    let status = screen
        .lines()
        .find(|l| l.starts_with(" gen "))
        .unwrap_or_default();
    let pop = status
        .split(" pop ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok());
    assert_eq!(
        pop,
        want["population"].as_u64(),
        "population at gen {at}:\n{screen}"
    );
    let bbox = want["bbox"].as_array().unwrap();
    let corner = |k: usize| bbox[k].as_i64().unwrap();
    assert_eq!(
        status_bbox(&screen),
        Some((
            corner(0),
            corner(1),
            (corner(2) - corner(0) + 1) as u64,
            (corner(3) - corner(1) + 1) as u64
        )),
        "{screen}"
    );
    // Fitted: the gun at the top left, the stream's head at the bottom right.
    let lines: Vec<&str> = screen.lines().collect();
    let inked: Vec<usize> = (0..28)
        .filter(|&r| lines.get(r).is_some_and(|l| has_braille_char(l)))
        .collect();
    assert!(
        inked.first().is_some_and(|&r| r <= 2) && inked.last().is_some_and(|&r| r >= 20),
        "the whole stream on screen:\n{screen}"
    );
    pane.keys("s");
    let name = format!("life-{at}.rle");
    pane.wait_for("saved", PATIENCE, |s| s.contains(&format!("saved {name}")));
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
    let saved = dir.path().join(&name);
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        text.starts_with(&format!("#CXRLE Pos={},{} Gen={at}", corner(0), corner(1))),
        "{text:.200}"
    );
    let resumed = headless_summary(&[
        "--headless",
        "--resume",
        saved.to_str().unwrap(),
        "--generations",
        &at.to_string(),
    ]);
    assert_eq!(
        resumed["hash"], want["hash"],
        "the saved file is the plane at gen {at}"
    );
}

fn has_braille_char(line: &str) -> bool {
    line.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c))
}

/// The live target: a gun resumed at generation 100000 on the
/// plane (about 16000 cells over 1000 tiles) keeps the default 30 gen/s
/// at np=4, and `f` shows its whole 25000-cell stream.
#[test]
fn a_gun_at_generation_100000_keeps_the_default_speed_on_the_plane() {
    let dir = common::temp_dir();
    let saved = dir.path().join("gun.rle");
    let output = common::alone(&[
        "--headless",
        "--pattern",
        "gosper-glider-gun",
        "--generations",
        "100000",
        "--output",
        saved.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let pane = Pane::start(100, 30);
    pane.line(&format!(
        "clear; {}",
        launch_line("mpirun", &format!("--resume {}", saved.display()))
    ));
    pane.wait_for("the view past 100000", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 100_000)
    });
    pane.keys("f");
    pane.wait_for("30 of 30 gen/s", PATIENCE, |s| s.contains(" 30/30 gen/s"));
    let screen = pane.wait_for("the fitted stream", PATIENCE, |s| {
        status_bbox(s).is_some_and(|(_, _, w, h)| w > 24_000 && h > 24_000)
    });
    let lines: Vec<&str> = screen.lines().collect();
    let inked: Vec<usize> = (0..28)
        .filter(|&r| lines.get(r).is_some_and(|l| has_braille_char(l)))
        .collect();
    assert!(inked.len() >= 20, "the whole stream on screen:\n{screen}");
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
}

/// The SGR codes of the pane as drawn (`capture-pane -e`).
fn escapes(pane: &Pane) -> String {
    pane.tmux(&["capture-pane", "-p", "-e"])
}

/// Truecolor only where the terminal says so (`COLORTERM`), else the
/// 256-colour palette; under `NO_COLOR` no colour at all, and the rank
/// overlay still shows its strips (dim every other one), seams
/// (underlined) and labels (reversed).
#[test]
fn colours_follow_colorterm_and_no_color_keeps_the_overlay() {
    for (env, expect) in [
        ("env -u NO_COLOR COLORTERM=truecolor", "truecolor"),
        ("env -u NO_COLOR -u COLORTERM", "palette"),
        ("env NO_COLOR=1 COLORTERM=truecolor", "none"),
    ] {
        let pane = Pane::start(100, 30);
        pane.line(&format!(
            "clear; {env} {}",
            launch_line("mpirun", "--seed 1 --width 200 --height 120")
        ));
        pane.wait_for("the grid", PATIENCE, |s| {
            generation(s).is_some_and(|n| n > 0) && has_braille(s)
        });
        pane.keys("o");
        pane.wait_for("the overlay's labels", PATIENCE, |s| {
            s.contains(" rank 1 ") && s.contains(" rank 3 ")
        });
        std::thread::sleep(Duration::from_millis(300));
        let codes = escapes(&pane);
        let rgb = codes.contains("38;2;") || codes.contains("48;2;");
        let indexed = codes.contains("38;5;") || codes.contains("48;5;");
        match expect {
            "truecolor" => assert!(rgb, "{env}: no 24-bit colour:\n{codes}"),
            "palette" => assert!(indexed && !rgb, "{env}: not the palette:\n{codes}"),
            _ => {
                assert!(!rgb && !indexed, "{env}: colour under NO_COLOR:\n{codes}");
                for (what, sgr) in [
                    ("dim strips", "2"),
                    ("underlined seams", "4"),
                    ("reversed labels", "7"),
                ] {
                    let found = codes.split("\u{1b}[").any(|code| {
                        code.split('m')
                            .next()
                            .is_some_and(|p| p.split(';').any(|n| n == sgr))
                    });
                    assert!(found, "{env}: no {what}:\n{codes}");
                }
            }
        }
        pane.keys("q");
        let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
        assert_eq!(exit_code(&screen), Some(0), "{screen}");
        assert_sane_terminal(&pane);
    }
}

#[test]
fn a_pause_longer_than_the_peer_timeout_does_not_end_the_live_view() {
    let pane = Pane::start(80, 24);
    pane.line(&format!(
        "clear; {}",
        launch_line("mpirun", "--seed 5 --peer-timeout 1")
    ));
    pane.wait_for("the view", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0)
    });
    pane.keys(" ");
    let screen = pane.wait_for("PAUSED", PATIENCE, |s| s.contains("PAUSED"));
    let paused = generation(&screen).unwrap();
    // The workers wait for rank 0's next order all this time: that wait
    // is not timed, so nobody gives up.
    std::thread::sleep(Duration::from_secs(4));
    let screen = pane.screen();
    assert_eq!(exit_code(&screen), None, "the view ended: {screen}");
    assert_eq!(generation(&screen), Some(paused));
    pane.keys(" ");
    pane.wait_for("gen to advance again", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > paused)
    });
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
}
