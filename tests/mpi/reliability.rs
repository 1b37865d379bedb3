//! Faults, checkpoints and bad input, tested like a user would meet them:
//! real mpirun jobs, real signals, real files.

use std::os::unix::fs::FileTypeExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use life_tui::checkpoint;
use life_tui::pattern;

/// Starts `mpirun` in the background, stdout discarded.
fn spawn_mpirun(np: usize, args: &[&str], env: &[(&str, &str)]) -> Job {
    let mut command = mpirun_command(np, args);
    command.envs(env.iter().copied());
    spawn_job(command, Stdio::piped())
}

/// The pid of rank `rank` under mpirun, once it has started.
fn rank_pid(mpirun: &Child, rank: usize, limit: Duration) -> i32 {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(pid) = rank_pid_below(mpirun.id(), rank) {
            return pid as i32;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("rank {rank} never appeared under mpirun");
}

fn signal(pid: i32, signal: rustix::process::Signal) {
    let pid = rustix::process::Pid::from_raw(pid).expect("a real pid");
    rustix::process::kill_process(pid, signal).expect("signal delivered");
}

fn wait_for_file(path: &std::path::Path, limit: Duration) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < limit, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A checkpoint file that parses, with its generation number.
fn checkpoint_generation(path: &std::path::Path) -> u64 {
    let saved = pattern::read_file(path).expect("the checkpoint is a whole, valid file");
    assert!(saved.bounds.is_some());
    checkpoint::generation_of(&saved).expect("a generation number")
}

const LONG_RUN: [&str; 8] = [
    "--headless",
    "--width",
    "2048",
    "--height",
    "2048",
    "--generations",
    "100000000",
    "--seed",
];

#[test]
fn resuming_a_checkpoint_on_other_rank_counts_reaches_the_uninterrupted_hash() {
    let dir = temp_dir();
    let ck = dir.path().join("ck.rle");
    let ck = ck.to_str().unwrap();
    let size = [
        "--width", "300", "--height", "77", "--seed", "8", "--rule", "B36/S23",
    ];
    let straight = summary(&mpirun(
        1,
        &[&["--headless", "--generations", "400"], &size[..]].concat(),
    ));
    let first = mpirun(
        2,
        &[
            &[
                "--headless",
                "--generations",
                "250",
                "--checkpoint-every",
                "100",
                "--checkpoint",
                ck,
            ],
            &size[..],
        ]
        .concat(),
    );
    assert!(first.status.success());
    assert_eq!(
        checkpoint_generation(std::path::Path::new(ck)),
        250,
        "the last generation is saved too"
    );
    for np in [1, 3, 4] {
        let resumed = summary(&mpirun(
            np,
            &["--headless", "--resume", ck, "--generations", "400"],
        ));
        assert_eq!(resumed["hash"], straight["hash"], "np={np}");
        assert_eq!(resumed["generations"], 400);
        assert_eq!(resumed["rule"], "B36/S23");
    }
    let out = alone(&["--headless", "--resume", ck, "--generations", "200"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("at generation 250, past --generations 200"));
    let out = alone(&["--headless", "--resume", ck, "--width", "5"]);
    assert_eq!(out.status.code(), Some(2));
    // A checkpoint cut short (as by a full disk) is refused, not half-resumed.
    let text = std::fs::read_to_string(ck).unwrap();
    let truncated = dir.path().join("truncated.rle");
    std::fs::write(&truncated, &text[..text.len() * 2 / 3]).unwrap();
    let out = alone(&[
        "--headless",
        "--resume",
        truncated.to_str().unwrap(),
        "--generations",
        "400",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out).lines().count(), 1);
    let corrupted = dir.path().join("corrupted.rle");
    let data = text.find("\nx = ").unwrap()
        + 1
        + text[text.find("\nx = ").unwrap() + 1..].find('\n').unwrap();
    let mut bytes = text.into_bytes();
    let cell = data + bytes[data..].iter().position(|&b| b == b'o').unwrap();
    bytes[cell] = 0xff;
    std::fs::write(&corrupted, bytes).unwrap();
    let out = alone(&[
        "--headless",
        "--resume",
        corrupted.to_str().unwrap(),
        "--generations",
        "400",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).starts_with("error: "));
    let plain = dir.path().join("plain.rle");
    std::fs::write(&plain, "x = 3, y = 1\n3o!\n").unwrap();
    let out = alone(&["--headless", "--resume", plain.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("not a saved grid to resume from"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn kill_9_during_checkpointing_leaves_the_previous_checkpoint_intact() {
    let dir = temp_dir();
    let ck = dir.path().join("ck.rle");
    // Checkpoint every generation so that writes are under way most of the time.
    let args = [
        &LONG_RUN[..],
        &[
            "1",
            "--checkpoint-every",
            "1",
            "--checkpoint",
            ck.to_str().unwrap(),
        ],
    ]
    .concat();
    for round in 0..3 {
        let mut job = spawn_mpirun(2, &args, &[]);
        wait_for_file(&ck, Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(150 + 97 * round));
        signal(
            rank_pid(&job, 0, Duration::from_secs(5)),
            rustix::process::Signal::KILL,
        );
        let status = wait_or_kill(&mut job, Duration::from_secs(10));
        assert!(!status.success());
        assert!(checkpoint_generation(&ck) >= 1);
        std::fs::remove_file(&ck).unwrap();
    }
}

#[test]
fn kill_9_of_any_rank_ends_the_job_within_5_seconds() {
    for victim in [1, 3] {
        let mut job = spawn_mpirun(4, &[&LONG_RUN[..], &["2"]].concat(), &[]);
        let pid = rank_pid(&job, victim, Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(500));
        let killed = Instant::now();
        signal(pid, rustix::process::Signal::KILL);
        let status = wait_or_kill(&mut job, Duration::from_secs(5));
        assert!(!status.success(), "killing rank {victim} must fail the job");
        assert!(killed.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn sigterm_to_mpirun_ends_the_job_within_5_seconds() {
    let mut job = spawn_mpirun(3, &[&LONG_RUN[..], &["3"]].concat(), &[]);
    rank_pid(&job, 2, Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    signal(job.id() as i32, rustix::process::Signal::TERM);
    let status = wait_or_kill(&mut job, Duration::from_secs(5));
    assert!(!status.success());
}

#[test]
fn a_panic_on_any_rank_ends_the_job_with_the_checkpoint_intact() {
    let dir = temp_dir();
    let ck = dir.path().join("ck.rle");
    for panicking_rank in [0, 2] {
        // 33: past the last checkpoint by less than a batch of generations.
        let spec = format!("{panicking_rank}:33");
        let args = [
            &LONG_RUN[..],
            &[
                "4",
                "--checkpoint-every",
                "10",
                "--checkpoint",
                ck.to_str().unwrap(),
            ],
        ]
        .concat();
        let mut job = spawn_mpirun(3, &args, &[("LIFE_TUI_TEST_PANIC", &spec)]);
        let status = wait_or_kill(&mut job, Duration::from_secs(20));
        assert!(!status.success());
        let mut stderr = String::new();
        std::io::Read::read_to_string(job.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert!(stderr.contains("test-only panic on rank"), "{stderr}");
        assert_eq!(checkpoint_generation(&ck), 30);
    }
}

#[test]
fn every_option_rejects_bad_values_with_one_line_and_status_2() {
    let huge = "18446744073709551616"; // 2^64
    let numeric = [
        "--width",
        "--height",
        "--generations",
        "--seed",
        "--density",
        "--report-every",
        "--checkpoint-every",
        "--halo-depth",
    ];
    for option in numeric {
        let out_of_range = if option == "--halo-depth" {
            &["0", "65"][..]
        } else {
            &[]
        };
        for &value in ["-1", huge, "", "abc", "1e999x"].iter().chain(out_of_range) {
            let mut args = vec!["--headless", option, value];
            if option == "--checkpoint-every" {
                args.extend(["--checkpoint", "/tmp/never-written.rle"]);
            }
            let out = alone(&args);
            let stderr = stderr_of(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
            assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
            assert!(!stderr.contains("panicked"));
        }
    }
    for args in [
        &["--headless", "--rule", ""][..],
        &["--headless", "--edge", "klein"],
        &["--headless", "--at", "1,2"],
        &[
            "--headless",
            "--pattern",
            "glider",
            "--edge",
            "torus",
            "--at",
            "-1,2",
        ],
        &["--headless", "--pattern", "glider", "--at", "1,2,3"],
        &["--headless", "--density", "NaN"],
        &["--headless", "--width", "16777216", "--height", "16777216"],
        &["--headless", "--checkpoint", "x.rle"],
        &["--headless", "--bogus"],
    ] {
        let out = alone(args);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
    let out = alone(&["--headless", "--width", "16777216", "--height", "16777216"]);
    assert!(stderr_of(&out).contains("of memory"), "{}", stderr_of(&out));
}

#[test]
fn soak_4_ranks_10000_generations_match_one_rank() {
    let args = [
        "--headless",
        "--width",
        "512",
        "--height",
        "512",
        "--generations",
        "10000",
        "--seed",
        "2026",
    ];
    let one = summary(&mpirun(1, &args));
    let four = summary(&mpirun(4, &args));
    assert_eq!(one["hash"], four["hash"]);
    assert_eq!(one["population"], four["population"]);
    assert!(one["population"].as_u64().unwrap() > 0);
}

/// One kind of bad file: what it is, where it lies and a piece of the one
/// error line it must give.
struct BadFile {
    class: &'static str,
    path: std::path::PathBuf,
    says: &'static str,
}

/// Makes a FIFO: a reader that opened it would wait for a writer forever.
fn make_fifo(path: &std::path::Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .expect("mkfifo");
}

/// Every class of bad input file, made in `dir`.
fn bad_input_files(dir: &std::path::Path) -> Vec<BadFile> {
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let fifo = dir.join("fifo.rle");
    make_fifo(&fifo);
    let enormous = dir.join("enormous.rle");
    // Sparse: 2 GiB that take no disk space.
    std::fs::File::create(&enormous)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let unreadable = if rustix::process::geteuid().is_root() {
        // Root reads any file whatever its mode; reading the start of a
        // process's memory fails for everyone.
        (
            std::path::PathBuf::from("/proc/self/mem"),
            "Input/output error",
        )
    } else {
        let path = file("secret.rle", b"x = 1, y = 1\no!\n");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000))
            .unwrap();
        (path, "Permission denied")
    };
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(
        "x = 1, y = 1\no!\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    vec![
        BadFile {
            class: "empty",
            path: file("empty.rle", b""),
            says: "empty.rle: empty file",
        },
        BadFile {
            class: "endless device",
            path: "/dev/zero".into(),
            says: "/dev/zero: is a character device, not a regular file",
        },
        BadFile {
            class: "FIFO",
            path: fifo,
            says: "fifo.rle: is a FIFO, not a regular file",
        },
        BadFile {
            class: "directory",
            path: dir.join("."),
            says: "is a directory",
        },
        BadFile {
            class: "unreadable",
            path: unreadable.0,
            says: unreadable.1,
        },
        BadFile {
            class: "enormous",
            path: enormous,
            says: "enormous.rle: larger than the limit of 1024 MiB",
        },
        BadFile {
            class: "binary",
            path: file(
                "binary.rle",
                &[0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xc3, 0x28],
            ),
            says: "binary.rle:1:8: invalid UTF-8",
        },
        BadFile {
            class: "binary, valid UTF-8",
            path: file("nul.rle", b"x = 2, y = 1\n\0\0!\n"),
            says: "nul.rle:2:1: unknown character",
        },
        BadFile {
            class: "UTF-16",
            path: file("utf16.rle", &utf16),
            says: "utf16.rle:1:1: UTF-16 text",
        },
        BadFile {
            class: "Latin-1",
            path: file("latin1.rle", b"#C caf\xe9\nx = 1, y = 1\no!\n"),
            says: "latin1.rle:1:7: invalid UTF-8",
        },
    ]
}

/// A run that must stop at once: status 2, exactly one `error:` line
/// containing `says` (no MPI abort banner, no panic), nothing on stdout.
fn assert_refused(np: usize, args: &[&str], says: &str, what: &str) {
    let out = if np == 1 {
        alone(args)
    } else {
        mpirun(np, args)
    };
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{what}, np={np}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{what}, np={np}: {stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains(says),
        "{what}, np={np}: wanted '{says}', got {stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{what}, np={np}: {}",
        stdout_of(&out)
    );
}

#[test]
fn every_input_path_refuses_every_class_of_bad_file() {
    let dir = temp_dir();
    let files = bad_input_files(dir.path());
    for bad in &files {
        let path = bad.path.to_str().unwrap();
        // One rank reads alone; on two the root shares what it read. The
        // same reading serves --resume and the live view (which loads its
        // pattern before it looks for a terminal), so those run on two.
        let runs: [(usize, &[&str]); 4] = [
            (1, &["--headless", "--pattern", path]),
            (2, &["--headless", "--pattern", path]),
            (2, &["--headless", "--resume", path]),
            (2, &["--pattern", path]),
        ];
        for (np, args) in runs {
            assert_refused(np, args, bad.says, &format!("{} via {args:?}", bad.class));
        }
    }
    // Nothing was read into existence or left behind.
    assert!(
        std::fs::metadata(dir.path().join("fifo.rle"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn every_output_path_refuses_what_it_must_not_replace() {
    let dir = temp_dir();
    let fifo = dir.path().join("out.fifo");
    make_fifo(&fifo);
    let unwritable = if rustix::process::geteuid().is_root() {
        "/proc/out.rle".into()
    } else {
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o500))
            .unwrap();
        locked.join("out.rle")
    };
    let outputs: [(&str, std::path::PathBuf, &str); 5] = [
        (
            "device",
            "/dev/null".into(),
            "/dev/null: is a character device, not a regular file",
        ),
        (
            "FIFO",
            fifo.clone(),
            "out.fifo: is a FIFO, not a regular file",
        ),
        ("directory", dir.path().to_path_buf(), "is a directory"),
        (
            "missing directory",
            dir.path().join("no/such/out.rle"),
            "does not exist",
        ),
        ("unwritable", unwritable, "cannot write"),
    ];
    for (class, path, says) in &outputs {
        let path = path.to_str().unwrap();
        let runs: [&[&str]; 3] = [
            &["--headless", "--generations", "100000000", "--output", path],
            &[
                "--headless",
                "--generations",
                "100000000",
                "--checkpoint-every",
                "5",
                "--checkpoint",
                path,
            ],
            &["--checkpoint-every", "5", "--checkpoint", path],
        ];
        for args in runs {
            for np in [1, 2] {
                assert_refused(np, args, says, &format!("{class} via {args:?}"));
            }
        }
    }
    let null = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(null.is_char_device(), "/dev/null is still a device");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|name| name.to_string_lossy().starts_with(".life-tui"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

#[test]
fn the_tty_option_refuses_what_is_not_a_terminal() {
    let dir = temp_dir();
    let fifo = dir.path().join("tty.fifo");
    make_fifo(&fifo);
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "not a terminal").unwrap();
    let ttys: [(&str, std::path::PathBuf, &str); 5] = [
        ("device", "/dev/null".into(), "/dev/null is not a terminal"),
        ("FIFO", fifo, "tty.fifo is not a terminal"),
        ("regular file", plain.clone(), "plain is not a terminal"),
        ("directory", dir.path().to_path_buf(), "Is a directory"),
        ("missing", dir.path().join("pts/99"), "No such file"),
    ];
    for (class, path, says) in &ttys {
        for np in [1, 2] {
            assert_refused(np, &["--tty", path.to_str().unwrap()], says, class);
        }
    }
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), "not a terminal");
}

/// `--version` names the release, the commit, the MPI library the binary
/// runs with and the cell kernels' instruction set; under mpirun once.
#[test]
fn version_names_the_commit_the_mpi_library_and_the_kernel() {
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    for (np, output) in [(1, alone(&["--version"])), (2, mpirun(2, &["--version"]))] {
        assert!(output.status.success(), "np {np}: {}", stderr_of(&output));
        let text = stdout_of(&output);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "np {np}: once: {text}");
        let line = lines[0];
        assert!(
            line.starts_with(&format!("life-tui {} (commit ", env!("CARGO_PKG_VERSION"))),
            "{line}"
        );
        if let Some(head) = &head {
            assert!(line.contains(head.as_str()), "the commit {head}: {line}");
        }
        assert!(
            line.contains("; Open MPI v") || line.contains("; MPICH Version: "),
            "the MPI library: {line}"
        );
        assert!(
            ["portable)", "avx2)", "avx512)"]
                .iter()
                .any(|isa| line.ends_with(&format!("cell kernels {isa}"))),
            "{line}"
        );
    }
}

/// `--help` groups its options: the run, the grid, patterns, output and
/// checkpoints, the live view, the presenter.
#[test]
fn help_groups_the_options_under_headings() {
    let output = alone(&["--help"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let help = stdout_of(&output);
    for (heading, option) in [
        ("The run:", "--generations"),
        ("The grid:", "--width"),
        ("Patterns:", "--pattern"),
        ("Output and checkpoints:", "--checkpoint"),
        ("The live view:", "--tty"),
        ("Presenter:", "--tour"),
    ] {
        let at = help
            .find(&format!("\n{heading}\n"))
            .unwrap_or_else(|| panic!("no heading {heading}:\n{help}"));
        let section = &help[at + heading.len() + 2..];
        // Up to the next heading: a line of its own, flush left, ending in ':'.
        let end = section
            .lines()
            .position(|l| l.ends_with(':') && l.starts_with(|c: char| c.is_ascii_uppercase()))
            .unwrap_or(usize::MAX);
        let section: String = section.lines().take(end).collect::<Vec<_>>().join("\n");
        assert!(
            section.contains(option),
            "{option} not under {heading}:\n{section}"
        );
    }
}
