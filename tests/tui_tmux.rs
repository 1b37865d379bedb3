//! The live view end to end: the real binary, under a real `mpirun`, in a
//! real terminal (a tmux pane on a private tmux server per test), driven
//! by keys and mouse bytes and read back with `capture-pane`. Every wait is
//! bounded; the tmux server is killed when the test ends, pass or fail.

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{BIN, mpi_env, run_with_timeout, stderr_of};

/// Longest wait for anything to show up on screen (a loaded 2-core box).
const PATIENCE: Duration = Duration::from_secs(30);

struct Pane {
    socket: String,
}

impl Pane {
    fn start(width: u16, height: u16) -> Pane {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "life-tui-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let pane = Pane { socket };
        let mut command = Command::new("tmux");
        mpi_env(&mut command);
        command
            .env("PS1", "$ ")
            .env_remove("TMUX")
            .env_remove("RUST_BACKTRACE")
            .args([
                "-L",
                &pane.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                "bash --norc --noprofile",
            ]);
        let status = command.status().expect("tmux runs (run `make deps`)");
        assert!(status.success(), "tmux new-session failed");
        pane
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        self.tmux(&["send-keys", "-l", keys]);
    }

    fn line(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
        self.tmux(&["send-keys", "Enter"]);
    }

    fn bytes(&self, bytes: &[u8]) {
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut args = vec!["send-keys", "-H"];
        args.extend(hex.iter().map(String::as_str));
        self.tmux(&args);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    fn alternate_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "#{alternate_on}"])
            .trim()
            == "1"
    }

    fn pid(&self) -> u32 {
        self.tmux(&["display-message", "-p", "#{pane_pid}"])
            .trim()
            .parse()
            .expect("pane pid")
    }

    /// Waits until `check` accepts the screen; fails with the screen.
    fn wait_for(&self, what: &str, limit: Duration, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if start.elapsed() > limit {
                panic!("timed out after {limit:?} waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The generation in the status bar, if the view is up.
fn generation(screen: &str) -> Option<u64> {
    let at = screen.find(" gen ")? + 5;
    let digits: String = screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn exit_code(screen: &str) -> Option<i32> {
    let at = screen.find("EXIT=")? + 5;
    let digits: String = screen[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn has_braille(screen: &str) -> bool {
    screen
        .chars()
        .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
        .count()
        > 20
}

/// After the program ended: `stty -a` shows cooked mode with echo, and the
/// pane is on the main screen.
fn assert_sane_terminal(pane: &Pane) {
    assert!(!pane.alternate_on(), "still on the alternate screen");
    pane.line(r#"clear; echo "MODES $(stty -a | tr -s ' ;' '\n\n' | grep -E -x -- '-?(icanon|echo)' | paste -sd,)""#);
    let screen = pane.wait_for("stty output", PATIENCE, |s| {
        s.lines()
            .any(|l| l.starts_with("MODES ") && !l.contains('$'))
    });
    let line = screen
        .lines()
        .find(|l| l.starts_with("MODES ") && !l.contains('$'))
        .unwrap_or_default();
    assert_eq!(
        line.trim_end(),
        "MODES icanon,echo",
        "terminal modes not restored:\n{screen}"
    );
}

fn launch_line(mode: &str, args: &str) -> String {
    match mode {
        "alone" => format!("{BIN} {args}; echo EXIT=$?"),
        "mpirun" => format!("mpirun --bind-to none -np 4 {BIN} {args}; echo EXIT=$?"),
        "stdin-none" => {
            format!("mpirun --stdin none --bind-to none -np 4 {BIN} {args}; echo EXIT=$?")
        }
        // As under MPICH's Hydra: no rank has a controlling terminal, so
        // rank 0 is told which terminal to use.
        "detached" => format!(
            "setsid -w mpirun --stdin none --bind-to none -np 2 {BIN} --tty $(tty) {args} </dev/null; echo EXIT=$?"
        ),
        _ => unreachable!(),
    }
}

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

/// Pids of the processes below `pid`.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // The fields after the command name (which may hold spaces).
        let rest = &stat[stat.rfind(')').map_or(0, |i| i + 2)..];
        if let Some(ppid) = rest.split(' ').nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parents.push((child, ppid));
        }
    }
    let mut found = vec![pid];
    let mut k = 0;
    while k < found.len() {
        let parent = found[k];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        k += 1;
    }
    found.remove(0);
    found
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
    let before = ticks(&pids);
    std::thread::sleep(span);
    let after = ticks(&pids);
    let per_second = rustix::param::clock_ticks_per_second() as f64;
    (after.saturating_sub(before)) as f64 / per_second / span.as_secs_f64()
}

fn rank_pid(pane: &Pane, rank: usize) -> Option<u32> {
    let wanted = format!("OMPI_COMM_WORLD_RANK={rank}");
    descendants(pane.pid()).into_iter().find(|pid| {
        std::fs::read(format!("/proc/{pid}/environ"))
            .is_ok_and(|env| env.split(|&b| b == 0).any(|var| var == wanted.as_bytes()))
            && std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "life-tui")
    })
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
        "clear; LIFE_TUI_TEST_PANIC=1 {}",
        launch_line("mpirun", "--seed 5")
    ));
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_ne!(exit_code(&screen), Some(0), "{screen}");
    let history = pane.tmux(&["capture-pane", "-p", "-S", "-200"]);
    assert!(
        history.contains("test panic"),
        "the panic message is shown:\n{history}"
    );
    assert_sane_terminal(&pane);
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
    pane.wait_for("paused, cleared, blocks", PATIENCE, |s| {
        s.contains("PAUSED") && s.contains("pop 0 ") && s.contains("blocks")
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
    let body: String = rle
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('x'))
        .collect();
    // Decode the runs and compare with the cells on screen.
    let (mut x, mut y, mut count) = (0usize, 0usize, 0usize);
    let mut cells = BTreeSet::new();
    for c in body.chars() {
        match c {
            '0'..='9' => count = count * 10 + c.to_digit(10).unwrap() as usize,
            'b' | 'o' | '$' => {
                let n = count.max(1);
                match c {
                    'b' => x += n,
                    'o' => {
                        cells.extend((x..x + n).map(|cx| (cx, y)));
                        x += n;
                    }
                    _ => {
                        y += n;
                        x = 0;
                    }
                }
                count = 0;
            }
            _ => break,
        }
    }
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
    job.args([
        "-w",
        "mpirun",
        "-q",
        "--stdin",
        "none",
        "--bind-to",
        "none",
        "-np",
        "3",
        BIN,
    ]);
    let output = run_with_timeout(job, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert_eq!(
        stderr.matches("--headless").count(),
        1,
        "said once: {stderr}"
    );
}
