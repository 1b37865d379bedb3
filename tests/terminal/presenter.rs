//! Presenter mode end to end (issue 14): the real binary under a real
//! `mpirun -np 4` in a tmux pane. `--record` gives a file that asciinema
//! itself replays into what was on screen; a three-stop tour moves on by
//! keys and by time; step back returns the previous grid hash, the same
//! hash a headless run prints; bad input is one `error:` line and exit 2.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{self, mpirun, stdout_of, summary, temp_dir};
use crate::tui_pane::{PATIENCE, Pane, assert_sane_terminal, exit_code, generation, launch_line};

/// The escape codes that enter and leave the view (as `tui::terminal`).
const ENTER: &str = "\x1b[?1049h";
const LEAVE: &str = "\x1b[?1006l\x1b[?1002l\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l";

/// The screen without trailing blanks, line by line.
fn trimmed(screen: &str) -> Vec<String> {
    let mut lines: Vec<String> = screen.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Checks `path` against the asciicast v2 format line by line and returns
/// the header and the concatenated output events.
fn read_cast(path: &Path) -> (serde_json::Value, String) {
    let text = std::fs::read_to_string(path).expect("the recording is UTF-8 text");
    assert!(text.ends_with('\n'), "the last event is a whole line");
    let mut lines = text.lines();
    let header: serde_json::Value =
        serde_json::from_str(lines.next().expect("a header line")).expect("the header is JSON");
    assert_eq!(header["version"], 2, "{header}");
    assert!(header["timestamp"].is_u64(), "{header}");
    let mut output = String::new();
    let mut last = 0.0;
    let mut events = 0;
    for line in lines {
        let event: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("an event is not JSON ({e}): {line}"));
        let event = event.as_array().expect("an event is an array");
        assert_eq!(event.len(), 3, "{line}");
        let time = event[0].as_f64().expect("the event's time");
        assert!(time >= last, "time runs backwards at {line}");
        last = time;
        let data = event[2].as_str().expect("the event's data");
        match event[1].as_str() {
            Some("o") => output.push_str(data),
            Some("r") => assert!(data.split_once('x').is_some(), "{line}"),
            other => panic!("unexpected event type {other:?}"),
        }
        events += 1;
    }
    assert!(events > 10, "only {events} events");
    (header, output)
}

#[test]
fn record_gives_a_cast_that_asciinema_replays_into_the_last_frame() {
    let dir = temp_dir();
    let cast = dir.path().join("talk.cast");
    let pane = Pane::start(80, 24);
    pane.line(&format!(
        "clear; cd {}; {}",
        dir.path().display(),
        launch_line(
            "mpirun",
            "--seed 1 --width 150 --height 80 --record talk.cast"
        )
    ));
    pane.wait_for("gen to pass 5", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 5)
    });
    pane.keys(" ");
    pane.wait_for("PAUSED", PATIENCE, |s| s.contains("PAUSED"));
    std::thread::sleep(Duration::from_millis(500));
    let last_frame = pane.screen();
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);

    let (header, output) = read_cast(&cast);
    assert_eq!(
        (header["width"].as_u64(), header["height"].as_u64()),
        (Some(80), Some(24))
    );
    assert!(
        output.starts_with(ENTER),
        "the recording starts by entering the view"
    );
    assert!(
        output.ends_with(LEAVE),
        "the recording ends by leaving the view"
    );

    // asciinema's own reader: `asciinema cat` prints the output events.
    pane.line("clear; asciinema cat talk.cast > replayed.out; echo CAT=$?");
    // The output line, not the echoed command line (which holds "CAT=$?").
    let screen = pane.wait_for("asciinema cat", PATIENCE, |s| {
        s.lines().any(|l| l.starts_with("CAT="))
    });
    assert!(
        screen.lines().any(|l| l.trim_end() == "CAT=0"),
        "asciinema cat failed:\n{screen}"
    );
    let replayed = std::fs::read_to_string(dir.path().join("replayed.out")).unwrap();
    assert_eq!(replayed.len(), output.len());
    assert!(
        replayed == output,
        "asciinema read other bytes than the file holds"
    );

    // Played into a terminal of the same size, all but the leaving codes
    // draw exactly the last frame that was on screen.
    let frames = &replayed[..replayed.len() - LEAVE.len()];
    std::fs::write(dir.path().join("frames.out"), frames).unwrap();
    let replay = Pane::start(80, 24);
    replay.line(&format!(
        "clear; cat {}/frames.out; sleep 60",
        dir.path().display()
    ));
    let expected = trimmed(&last_frame);
    let shown = replay.wait_for("the replayed last frame", PATIENCE, |s| {
        trimmed(s) == expected
    });
    assert!(shown.contains("PAUSED"));
}

#[test]
fn a_crash_leaves_a_recording_that_plays_up_to_its_last_frame() {
    let dir = temp_dir();
    let pane = Pane::start(80, 24);
    pane.line(&format!(
        "clear; cd {}; LIFE_TUI_TEST_PANIC=0:40 {}",
        dir.path().display(),
        launch_line("mpirun", "--seed 5 --record crash.cast")
    ));
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_ne!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
    // Every line whole and valid (read_cast checks), the frames up to the
    // panic there, and no leaving codes: nobody got to write them.
    let (_, output) = read_cast(&dir.path().join("crash.cast"));
    assert!(output.starts_with(ENTER));
    assert!(!output.ends_with(LEAVE));
    // Played into a terminal: the last frame is from just before the panic.
    std::fs::write(dir.path().join("frames.out"), &output).unwrap();
    let replay = Pane::start(80, 24);
    replay.line(&format!(
        "clear; cat {}/frames.out; sleep 60",
        dir.path().display()
    ));
    replay.wait_for("the frame before the panic at 40", PATIENCE, |s| {
        generation(s).is_some_and(|n| (35..40).contains(&n))
    });
}

#[test]
fn an_unwritable_record_path_is_one_error_line_and_exit_2() {
    let pane = Pane::start(80, 24);
    pane.line(&format!(
        "clear; {}",
        launch_line("mpirun", "--record /nonexistent/dir/talk.cast")
    ));
    let (error, screen) = refused_with_one_error_line(&pane, "--record");
    assert!(
        error.starts_with("error: --record /nonexistent/dir/talk.cast: "),
        "{screen}"
    );
}

/// Waits for the shell to come back from a run refused for bad input:
/// status 2, one `error:` line (returned, with the screen), and the
/// terminal as it was.
fn refused_with_one_error_line(pane: &Pane, what: &str) -> (String, String) {
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(2), "{what}: {screen}");
    let errors: Vec<&str> = screen.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{what}: {screen}");
    assert_sane_terminal(pane);
    (errors[0].to_string(), screen)
}

#[test]
fn a_recording_cut_short_is_one_error_line_and_exit_2() {
    let dir = temp_dir();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("cut.cast"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let pane = Pane::start(80, 24);
    // The reader takes the header's first byte and leaves, so the frames
    // after it meet a closed pipe: a recording that stops mid-talk.
    pane.line(&format!(
        "clear; cd {}; (head -c 1 cut.cast >/dev/null &); {}",
        dir.path().display(),
        launch_line("mpirun", "--seed 5 --record cut.cast")
    ));
    pane.wait_for("gen to pass 5", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 5)
    });
    pane.keys("q");
    let (error, screen) = refused_with_one_error_line(&pane, "a recording cut short");
    assert!(
        error.starts_with("error: the recording is incomplete: --record cut.cast: "),
        "{screen}"
    );
}

/// A playlist of three stops in `dir`, the third from a file beside it
/// whose name carries an escape code.
fn three_stop_tour(dir: &Path) -> String {
    std::fs::write(
        dir.join("evil.rle"),
        "#N Evil\x1b[31mName\x07\n#C A caption\x1b]0;pwned\x07 with codes\nx = 3, y = 1\n3o!\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("talk.tour"),
        "# three stops\n\
         glider size=60x40 | First stop | A glider on a small torus\n\
         blinker size=50x30 zoom=2 | Second stop | Period two\n\
         evil.rle size=70x44\n",
    )
    .unwrap();
    dir.join("talk.tour").display().to_string()
}

/// The status bar's grid size field, e.g. "60x40".
fn shows_size(screen: &str, size: &str) -> bool {
    screen
        .lines()
        .any(|l| l.starts_with(" gen ") && l.contains(&format!(" {size} ")))
}

#[test]
fn a_tour_of_three_stops_moves_on_by_keys() {
    tour_by_keys("mpirun");
}

#[test]
fn a_tour_moves_on_by_keys_with_stdin_none() {
    tour_by_keys("stdin-none");
}

#[test]
fn a_tour_moves_on_by_keys_without_a_controlling_terminal() {
    tour_by_keys("detached");
}

/// The clicker's keys in one launch mode.
fn tour_by_keys(mode: &str) {
    let dir = temp_dir();
    let tour = three_stop_tour(dir.path());
    let pane = Pane::start(100, 30);
    pane.line(&format!(
        "clear; {}",
        launch_line(mode, &format!("--tour {tour}"))
    ));
    let card = pane.wait_for("the first card", PATIENCE, |s| {
        s.contains("1/3") && s.contains("First stop") && s.contains("A glider on a small torus")
    });
    assert!(shows_size(&card, "60x40"), "{card}");
    // The card goes and the stop runs.
    pane.wait_for("the first stop running", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 3) && s.contains("1/3")
    });

    pane.tmux(&["send-keys", "Right"]);
    let screen = pane.wait_for("the second stop", PATIENCE, |s| {
        s.contains("2/3") && s.contains("Second stop") && shows_size(s, "50x30")
    });
    assert!(screen.contains("1:2"), "zoom=2 shows as 1:2: {screen}");
    pane.tmux(&["send-keys", "NPage"]);
    let screen = pane.wait_for("the third stop", PATIENCE, |s| {
        s.contains("3/3") && shows_size(s, "70x44")
    });
    // The title and caption from the file, its codes shown, not obeyed.
    pane.wait_for("the escaped title", PATIENCE, |s| {
        s.contains(r"Evil\u{1b}[31mName\u{7}")
    });
    assert!(
        !screen.contains("pwned") || screen.contains(r"\u{1b}]0;pwned"),
        "{screen}"
    );
    pane.tmux(&["send-keys", "Right"]);
    pane.wait_for("the last-stop message", PATIENCE, |s| {
        s.contains("the last stop of the tour")
    });
    pane.tmux(&["send-keys", "PPage"]);
    pane.wait_for("back to the second stop", PATIENCE, |s| {
        s.contains("2/3") && shows_size(s, "50x30")
    });
    pane.tmux(&["send-keys", "Left"]);
    pane.wait_for("back to the first stop", PATIENCE, |s| {
        s.contains("1/3") && shows_size(s, "60x40")
    });
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
}

#[test]
fn a_tour_moves_on_by_itself_with_tour_seconds() {
    let dir = temp_dir();
    let tour = three_stop_tour(dir.path());
    let pane = Pane::start(100, 30);
    pane.line(&format!(
        "clear; {}",
        launch_line("stdin-none", &format!("--tour {tour} --tour-seconds 3"))
    ));
    pane.wait_for("the first stop", PATIENCE, |s| s.contains("1/3"));
    let started = Instant::now();
    pane.wait_for("the second stop", PATIENCE, |s| {
        s.contains("2/3") && shows_size(s, "50x30")
    });
    let second = started.elapsed();
    pane.wait_for("the third stop", PATIENCE, |s| {
        s.contains("3/3") && shows_size(s, "70x44")
    });
    let third = started.elapsed();
    // After the last stop, the first again.
    pane.wait_for("the first stop again", PATIENCE, |s| {
        s.contains("1/3") && shows_size(s, "60x40")
    });
    assert!(
        second > Duration::from_millis(1500) && third - second > Duration::from_millis(2000),
        "stops changed after {second:?} and {third:?}"
    );
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
}

#[test]
fn bad_playlists_are_one_error_line_and_exit_2() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("bad.tour"), "glider\nglider speed=3\n").unwrap();
    std::fs::write(dir.path().join("missing.tour"), "no-such-pattern.rle\n").unwrap();
    std::fs::write(
        dir.path().join("huge.tour"),
        "glider\nsoup size=16777216x16777216 | Too big\n",
    )
    .unwrap();
    let pane = Pane::start(100, 30);
    for (args, expected) in [
        (
            format!("--tour {}/bad.tour", dir.path().display()),
            format!(
                "error: {}/bad.tour:2: unknown option 'speed'",
                dir.path().display()
            ),
        ),
        (
            format!("--tour {}/missing.tour", dir.path().display()),
            "no-such-pattern.rle' is neither a pattern file nor a built-in pattern".to_string(),
        ),
        (
            format!("--tour {}/huge.tour", dir.path().display()),
            "tour stop 2 (Random soup): a 16777216x16777216 grid on 4 rank(s) needs".to_string(),
        ),
        (
            "--tour /nonexistent.tour".to_string(),
            "error: --tour /nonexistent.tour: No such file".to_string(),
        ),
    ] {
        pane.line(&format!("clear; {}", launch_line("mpirun", &args)));
        let (_, screen) = refused_with_one_error_line(&pane, &args);
        assert!(
            screen.replace('\n', "").contains(&expected),
            "{args}: {screen}"
        );
    }
}

/// The hash the chart shows, if it is up.
fn shown_hash(screen: &str) -> Option<String> {
    let at = screen.find(" hash ")? + 6;
    let hex: String = screen[at..].chars().take(16).collect();
    (hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

#[test]
fn step_back_returns_the_previous_hash_which_headless_agrees_with() {
    let args = "--seed 3 --width 100 --height 60";
    let pane = Pane::start(100, 30);
    pane.line(&format!("clear; {}", launch_line("mpirun", args)));
    pane.wait_for("gen to pass 3", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 3)
    });
    pane.keys("b");
    pane.wait_for("b refused while running", PATIENCE, |s| {
        s.contains("b steps back while paused")
    });
    pane.keys("g ");
    let screen = pane.wait_for("paused with a hash", PATIENCE, |s| {
        s.contains("PAUSED") && shown_hash(s).is_some()
    });
    let start = generation(&screen).unwrap();
    let mut hashes = vec![shown_hash(&screen).unwrap()];
    for k in 1..=3 {
        pane.keys("n");
        let screen = pane.wait_for("one step and its hash", PATIENCE, |s| {
            generation(s) == Some(start + k) && shown_hash(s).is_some_and(|h| h != hashes[0])
        });
        hashes.push(shown_hash(&screen).unwrap());
    }
    for k in (0..3).rev() {
        pane.keys("b");
        let screen = pane.wait_for("one step back", PATIENCE, |s| {
            generation(s) == Some(start + k) && shown_hash(s).is_some()
        });
        assert_eq!(
            shown_hash(&screen).unwrap(),
            hashes[k as usize],
            "generation {} after b",
            start + k
        );
    }
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);

    // The view's hash is the grid's: a headless run to the same
    // generations prints the same ones.
    for (k, expected) in hashes.iter().enumerate() {
        let generations = (start + k as u64).to_string();
        let mut all: Vec<&str> = args.split(' ').collect();
        all.extend(["--headless", "--generations", &generations]);
        let output = mpirun(2, &all);
        let summary = summary(&output);
        assert_eq!(
            summary["hash"].as_str(),
            Some(expected.as_str()),
            "at generation {generations}: {}",
            stdout_of(&output)
        );
    }
}

/// Pauses, reads the generation and the chart's hash, and resumes.
fn paused_hash(pane: &Pane) -> (u64, String) {
    pane.keys(" ");
    let screen = pane.wait_for("paused with a hash", PATIENCE, |s| {
        s.contains("PAUSED") && shown_hash(s).is_some()
    });
    let seen = (generation(&screen).unwrap(), shown_hash(&screen).unwrap());
    pane.keys(" ");
    pane.wait_for("running again", PATIENCE, |s| !s.contains("PAUSED"));
    seen
}

#[test]
fn keys_1_and_4_change_the_ranks_at_work_and_the_hash_stays_the_serial_one() {
    let args = "--seed 6 --width 200 --height 120";
    let pane = Pane::start(100, 30);
    pane.line(&format!("clear; {}", launch_line("mpirun", args)));
    pane.wait_for("the view", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 2)
    });
    // Unlimited speed, so that the rank counts race; the chart for hashes.
    pane.keys("+++++++g");
    pane.keys("1");
    pane.wait_for("one rank at work", PATIENCE, |s| {
        s.contains("rank 0 rows 0-116") && s.contains("rank 3 rows 119-119")
    });
    std::thread::sleep(Duration::from_millis(1500));
    let one = paused_hash(&pane);
    pane.keys("4");
    pane.wait_for("four ranks at work", PATIENCE, |s| {
        s.contains("rank 0 rows 0-29") && s.contains("rank 3 rows 90-119")
    });
    std::thread::sleep(Duration::from_millis(2500));
    let screen = pane.wait_for("the rates of both counts", PATIENCE, |s| {
        s.contains("gen/s by ranks at work")
    });
    assert!(
        screen.contains("x1.0"),
        "the one-rank rate is the base: {screen}"
    );
    let four = paused_hash(&pane);
    assert!(four.0 > one.0);
    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);

    for (generations, expected) in [one, four] {
        let generations = generations.to_string();
        let mut all: Vec<&str> = args.split(' ').collect();
        all.extend(["--headless", "--generations", &generations]);
        let output = common::alone(&all);
        assert_eq!(
            summary(&output)["hash"].as_str(),
            Some(expected.as_str()),
            "at generation {generations}"
        );
    }
}
