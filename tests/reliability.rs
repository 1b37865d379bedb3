//! Faults, checkpoints and bad input, tested like a user would meet them:
//! real mpirun jobs, real signals, real files.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;
use life_tui::checkpoint;
use life_tui::pattern;

/// Starts `mpirun` in the background, stdout discarded.
fn spawn_mpirun(np: usize, args: &[&str], env: &[(&str, &str)]) -> Job {
    let mut command = mpirun_command(np, args);
    command.envs(env.iter().copied());
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mpirun");
    Job(child)
}

/// The pid of rank `rank` among mpirun's children.
fn rank_pid(mpirun: &Child, rank: usize, limit: Duration) -> i32 {
    let start = Instant::now();
    while start.elapsed() < limit {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            let parent: Option<u32> = stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().nth(1)?.parse().ok());
            if parent != Some(mpirun.id()) {
                continue;
            }
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let wanted = format!("OMPI_COMM_WORLD_RANK={rank}");
            if environ
                .split(|&b| b == 0)
                .any(|var| var == wanted.as_bytes())
            {
                return pid;
            }
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
        &["--headless", "--pattern", "glider", "--at", "-1,2"],
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
fn unwritable_output_fails_at_start() {
    let dir = temp_dir();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o500)).unwrap();
    let target = locked.join("out.rle");
    // Root may write in a read-only directory, so root tries /proc instead,
    // where nobody may create files.
    let target = if rustix::process::geteuid().is_root() {
        "/proc/out.rle".into()
    } else {
        target
    };
    let out = alone(&[
        "--headless",
        "--generations",
        "100000000",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("cannot write"),
        "{}",
        stderr_of(&out)
    );
    let out = alone(&[
        "--headless",
        "--generations",
        "100000000",
        "--checkpoint-every",
        "5",
        "--checkpoint",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("is a directory"));
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
