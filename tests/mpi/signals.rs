//! The scheduler's signals and lost peers, under a real mpirun: a
//! SIGTERM or SIGUSR1 to one rank stops every rank at one generation with
//! the checkpoint written (status 3), `--continue` picks the run up again,
//! a SIGSTOPped rank's peers give up within 15 s (status 4), and `kill -9`
//! of a random rank never leaves a segfault, a hang or a process behind.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use life_tui::checkpoint;
use life_tui::pattern;
use rustix::process::Signal;

/// A job whose stdout and stderr are collected in the background.
struct Running {
    job: Job,
    stdout: std::thread::JoinHandle<Vec<u8>>,
    stderr: std::thread::JoinHandle<Vec<u8>>,
    /// Told when the first line reaches stdout.
    first_line: std::sync::mpsc::Receiver<()>,
}

impl Running {
    /// Waits for the first line on stdout (the generation-0 report, with
    /// `--report-every`): every rank is then past MPI's start-up, where
    /// no watchdog and no signal handling can help yet.
    fn wait_until_running(&self) {
        self.first_line
            .recv_timeout(Duration::from_secs(30))
            .expect("the run never printed its first report");
    }
}

fn spawn_collected(mut command: Command) -> Running {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mpirun");
    let mut job = Job(child);
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let (told, first_line) = std::sync::mpsc::channel();
    let mut out = job.stdout.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = out.read(&mut chunk) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            if bytes.contains(&b'\n') {
                let _ = told.send(());
            }
        }
        bytes
    });
    let stderr = drain(Box::new(job.stderr.take().unwrap()));
    Running {
        job,
        stdout,
        stderr,
        first_line,
    }
}

/// Waits for the job (failing after `limit`); its status, stdout, stderr.
fn finish(mut running: Running, limit: Duration) -> (Option<i32>, String, String) {
    let status = wait_or_kill(&mut running.job, limit);
    let text = |h: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&h.join().unwrap()).into_owned()
    };
    (status.code(), text(running.stdout), text(running.stderr))
}

/// The pid of rank `rank` of the job, once it has started.
fn rank_pid(job: &Job, rank: usize) -> u32 {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Some(pid) = rank_pid_below(job.id(), rank) {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("rank {rank} never appeared under mpirun");
}

fn signal(pid: u32, signal: Signal) {
    let pid = rustix::process::Pid::from_raw(pid as i32).expect("a real pid");
    rustix::process::kill_process(pid, signal).expect("signal delivered");
}

/// True while `pid` is a process that is not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat[stat.rfind(')').map_or(0, |i| i + 2)..].chars().next();
        state != Some('Z')
    })
}

/// Fails unless every one of `pids` is gone within `limit`.
fn assert_all_gone(pids: &[u32], limit: Duration, what: &str) {
    let start = Instant::now();
    while pids.iter().any(|&p| alive(p)) {
        assert!(
            start.elapsed() < limit,
            "{what}: ranks {:?} still running {limit:?} after the job ended",
            pids.iter().filter(|&&p| alive(p)).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pids of the job's ranks, once all `np` have started.
fn rank_pids(job: &Job, np: usize) -> Vec<u32> {
    (0..np).map(|rank| rank_pid(job, rank)).collect()
}

/// The final hash of a one-rank run of `start` to `generations`.
fn straight_hash(start: &[&str], generations: u64) -> String {
    let g = generations.to_string();
    let out = mpirun(1, &[&["--headless", "--generations", &g], start].concat());
    summary(&out)["hash"].as_str().unwrap().to_string()
}

/// One run stopped by `sig` sent to rank `victim` only: every rank stops at
/// the same generation with the checkpoint there, status 3, one line on
/// stderr; the checkpoint's grid is the uninterrupted run's at that
/// generation, and resuming it (by `--resume` on another rank count, and
/// by `--continue` with the original command line) reaches the
/// uninterrupted run's final hash.
/// The run's last line says it stopped on `signal`, and the checkpoint
/// `ck` holds that generation, the uninterrupted run's grid there (of the
/// run that `start` begins). Returns the generation.
fn assert_stopped_with_checkpoint(
    stdout: &str,
    signal: &str,
    ck: &str,
    start: &[&str],
    what: &str,
) -> u64 {
    let last = json_line(stdout.lines().last().expect("a last line"));
    let stopped = &last["stopped"];
    assert_eq!(stopped["signal"], signal, "{what}: {stdout}");
    let generation = stopped["generation"].as_u64().expect("a generation");
    let saved = pattern::read_file(std::path::Path::new(ck)).expect("a whole checkpoint");
    assert_eq!(
        checkpoint::generation_of(&saved),
        Some(generation),
        "{what}"
    );
    assert_eq!(
        stopped["hash"].as_str().unwrap(),
        straight_hash(start, generation),
        "{what}: the stopped grid is the uninterrupted run's"
    );
    generation
}

fn stop_and_resume(np: usize, victim: usize, sig: Signal, start: &[&str]) {
    let what = format!("np={np}, {sig:?} to rank {victim}, {start:?}");
    let dir = temp_dir();
    let ck = dir.path().join("ck.rle");
    let ck = ck.to_str().unwrap();
    let checkpointing = ["--checkpoint", ck, "--checkpoint-every", "100000000"];
    let long = [
        &[
            "--headless",
            "--generations",
            "100000000",
            "--report-every",
            "100000000",
        ][..],
        start,
        &checkpointing,
    ]
    .concat();
    let running = spawn_collected(mpirun_command(np, &long));
    let pid = rank_pid(&running.job, victim);
    running.wait_until_running();
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    signal(pid, sig);
    let (status, stdout, stderr) = finish(running, Duration::from_secs(30));
    let took = signalled.elapsed();
    assert_eq!(status, Some(3), "{what}: {stderr}");
    assert!(took < Duration::from_secs(10), "{what}: took {took:?}");
    let name = if sig == Signal::TERM {
        "SIGTERM"
    } else {
        "SIGUSR1"
    };
    let generation = assert_stopped_with_checkpoint(&stdout, name, ck, start, &what);
    assert!(generation > 0, "{what}");
    assert_eq!(
        stderr.trim(),
        format!(
            "life-tui: stopped by {name} at generation {generation}; checkpoint written to {ck}"
        ),
        "{what}"
    );
    let end = generation + 37;
    let expected = straight_hash(start, end);
    let g = end.to_string();
    let other_np = np % 3 + 1;
    let resumed = mpirun(
        other_np,
        &["--headless", "--resume", ck, "--generations", &g],
    );
    assert_eq!(
        summary(&resumed)["hash"],
        expected.as_str(),
        "{what}: --resume on {other_np}"
    );
    let again = [
        &["--headless", "--generations", &g][..],
        start,
        &checkpointing,
        &["--continue"],
    ]
    .concat();
    let continued = mpirun(np, &again);
    assert_eq!(
        summary(&continued)["hash"],
        expected.as_str(),
        "{what}: --continue"
    );
    assert!(
        stderr_of(&continued).contains(&format!("resuming from generation {generation} of {ck}")),
        "{what}: {}",
        stderr_of(&continued)
    );
}

const TORUS: [&str; 6] = ["--width", "384", "--height", "256", "--seed", "11"];
/// A plane run whose live cells stay put: a soup's gliders would fly so
/// far in a second that the checkpoint, seen as one frame, passes the
/// pattern reader's limit. Pentadecathlons (period 15) in a column tall
/// enough to give every rank some, with blinkers among them.
fn plane_pattern() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let path =
            std::env::temp_dir().join(format!("life-tui-signals-{}.rle", std::process::id()));
        let mut rle = String::from("x = 40, y = 1000, rule = B3/S23\n");
        for i in 0..25 {
            let b = if i % 2 == 0 { "" } else { "20b" };
            rle.push_str(&format!("{b}2bo4bo$\n{b}2ob4ob2o$\n{b}2bo4bo38$\n"));
        }
        rle.push('!');
        std::fs::write(&path, rle).unwrap();
        path.to_string_lossy().into_owned()
    })
}

fn plane_args() -> [&'static str; 2] {
    ["--pattern", plane_pattern()]
}

#[test]
fn sigterm_or_sigusr1_to_one_rank_checkpoints_at_one_generation_on_1_to_6_ranks_torus() {
    for np in 1..=6 {
        let sig = if np % 2 == 0 {
            Signal::USR1
        } else {
            Signal::TERM
        };
        stop_and_resume(np, np - 1 - np / 3, sig, &TORUS);
    }
}

#[test]
fn sigterm_or_sigusr1_to_one_rank_checkpoints_at_one_generation_on_1_to_6_ranks_plane() {
    for np in 1..=6 {
        let sig = if np % 2 == 0 {
            Signal::TERM
        } else {
            Signal::USR1
        };
        stop_and_resume(np, np / 2, sig, &plane_args());
    }
}

/// Slurm's `--signal=USR1@N` reaches every rank at once, and a rank whose
/// neighbour is slow waits for its halo longer than the quick give-up of
/// a launcher's teardown (0.4 s): SIGUSR1 is never a teardown, so the
/// ranks still stop together with the checkpoint. (With the quick give-up
/// for every signal, every rank of a loaded 6-rank Slurm job ended with
/// status 138 and no checkpoint.)
#[test]
fn sigusr1_to_every_rank_while_one_is_slow_still_stops_with_the_checkpoint() {
    let dir = temp_dir();
    let ck = dir.path().join("ck.rle");
    let ck = ck.to_str().unwrap();
    let start = ["--width", "1024", "--height", "1536", "--seed", "12"];
    let args = [
        &["--headless", "--generations", "100000000", "--no-balance"][..],
        &["--report-every", "100000000", "--checkpoint", ck],
        &["--checkpoint-every", "100000000"],
        &start,
    ]
    .concat();
    let mut command = mpirun_command(3, &args);
    // Rank 1's generations take about a second: its neighbours wait that
    // long for each halo.
    command.env("LIFE_TUI_TEST_SLOW", "1:20000");
    let running = spawn_collected(command);
    let pids = rank_pids(&running.job, 3);
    running.wait_until_running();
    std::thread::sleep(Duration::from_millis(1500));
    for &pid in &pids {
        signal(pid, Signal::USR1);
    }
    let (status, stdout, stderr) = finish(running, Duration::from_secs(60));
    assert_eq!(status, Some(3), "{stderr}");
    assert_stopped_with_checkpoint(&stdout, "SIGUSR1", ck, &start, "one rank slow");
}

#[test]
fn a_signal_without_a_checkpoint_stops_with_128_plus_the_signal() {
    let args = [
        &[
            "--headless",
            "--generations",
            "100000000",
            "--report-every",
            "100000000",
        ][..],
        &TORUS,
    ]
    .concat();
    let running = spawn_collected(mpirun_command(3, &args));
    let pid = rank_pid(&running.job, 1);
    running.wait_until_running();
    std::thread::sleep(Duration::from_millis(200));
    signal(pid, Signal::TERM);
    let (status, stdout, stderr) = finish(running, Duration::from_secs(30));
    assert_eq!(status, Some(128 + 15), "{stderr}");
    assert!(
        json_line(stdout.lines().last().unwrap())["stopped"].is_object(),
        "{stdout}"
    );
    assert!(stderr.contains("nothing was saved"), "{stderr}");
}

#[test]
fn a_signal_while_a_peer_has_not_joined_the_job_ends_the_rank_at_once() {
    // Rank 1 starts 30 s late, so rank 0 waits for it inside MPI_Init, as
    // the ranks of a job that lost one while starting do until SIGKILL.
    let late = format!(
        "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then sleep 30; fi; exec {BIN} --headless --generations 1000"
    );
    let running = spawn_collected(launch_command(2, "sh", &["-c", &late]));
    let pid = rank_pid(&running.job, 0);
    std::thread::sleep(Duration::from_millis(500));
    let signalled = Instant::now();
    signal(pid, Signal::TERM);
    assert_all_gone(&[pid], Duration::from_secs(3), "SIGTERM while joining");
    let gone = signalled.elapsed();
    let (status, _, stderr) = finish(running, Duration::from_secs(20));
    eprintln!("rank 0 ended {gone:?} after SIGTERM; mpirun {status:?}");
    assert!(
        stderr.contains("asked to stop by SIGTERM while joining the MPI job"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("ending with status {}", 128 + 15)),
        "{stderr}"
    );
    assert_ne!(status, Some(0), "{stderr}");
}

#[test]
fn continue_starts_fresh_without_the_file_and_resumes_with_it() {
    let dir = temp_dir();
    let ck = dir.path().join("ck.rle");
    let ck = ck.to_str().unwrap();
    let run = |np: usize, generations: &str| {
        mpirun(
            np,
            &[
                &["--headless", "--generations", generations][..],
                &TORUS,
                &["--checkpoint", ck, "--checkpoint-every", "50", "--continue"],
            ]
            .concat(),
        )
    };
    let fresh = run(2, "120");
    assert_eq!(summary(&fresh)["hash"], straight_hash(&TORUS, 120).as_str());
    assert!(
        stderr_of(&fresh).contains(&format!(
            "no checkpoint {ck} yet: starting from generation 0"
        )),
        "{}",
        stderr_of(&fresh)
    );
    let resumed = run(3, "300");
    assert_eq!(
        summary(&resumed)["hash"],
        straight_hash(&TORUS, 300).as_str()
    );
    assert!(
        stderr_of(&resumed).contains(&format!("resuming from generation 120 of {ck}")),
        "{}",
        stderr_of(&resumed)
    );
    // Misuse: one `error:` line, status 2.
    for args in [
        &["--headless", "--continue"][..],
        &[
            "--headless",
            "--continue",
            "--resume",
            ck,
            "--checkpoint",
            ck,
            "--checkpoint-every",
            "5",
        ],
    ] {
        let out = alone(args);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
}

/// SIGSTOP of one rank: its peers wait for it, see nothing for
/// `--peer-timeout` seconds and end with status 4 and a line saying so;
/// mpirun then takes the stopped one down too.
fn stopped_rank_is_given_up(np: usize, victim: usize, start: &[&str], timeout: Option<&str>) {
    let what = format!("np={np}, rank {victim} stopped, {start:?}");
    let mut args = [
        &[
            "--headless",
            "--generations",
            "100000000",
            "--report-every",
            "100000000",
        ][..],
        start,
    ]
    .concat();
    if let Some(secs) = timeout {
        args.extend(["--peer-timeout", secs]);
    }
    let running = start_job(np, &args);
    let pids = rank_pids(&running.job, np);
    running.wait_until_running();
    std::thread::sleep(Duration::from_millis(300));
    let stopped = Instant::now();
    signal(pids[victim], Signal::STOP);
    let (status, _, stderr) = finish(running, Duration::from_secs(15));
    let took = stopped.elapsed();
    assert_eq!(status, Some(4), "{what}: {stderr}");
    assert!(took < Duration::from_secs(15), "{what}: {took:?}");
    if let Some(secs) = timeout {
        let secs: u64 = secs.parse().unwrap();
        assert!(
            took >= Duration::from_secs(secs),
            "{what}: gave up early, {took:?}"
        );
    }
    assert!(
        stderr.contains("lost a peer: no answer for"),
        "{what}: {stderr}"
    );
    assert!(
        !stderr.contains(&format!("rank {victim} lost a peer")),
        "{what}: {stderr}"
    );
    // mpirun SIGKILLs what is left, the stopped rank included.
    for &pid in &pids {
        if alive(pid) {
            let _ = rustix::process::kill_process(
                rustix::process::Pid::from_raw(pid as i32).unwrap(),
                Signal::CONT,
            );
        }
    }
    assert_all_gone(&pids, Duration::from_secs(5), &what);
    eprintln!("{what}: ended with status 4 after {took:?}");
}

fn start_job(np: usize, args: &[&str]) -> Running {
    spawn_collected(mpirun_command(np, args))
}

#[test]
fn a_sigstopped_rank_makes_its_peers_end_within_15_seconds_with_status_4() {
    // 10 s (the default outside mpirun, the slowest the 15 s target
    // allows) on the torus; a shorter one on the plane.
    stopped_rank_is_given_up(3, 1, &TORUS, Some("10"));
    stopped_rank_is_given_up(4, 0, &plane_args(), Some("3"));
}

/// Runs of the kill loop: `LIFE_TUI_KILL_LOOP_RUNS` (30 by default).
fn kill_loop_runs() -> usize {
    std::env::var("LIFE_TUI_KILL_LOOP_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30)
}

#[test]
fn kill_9_of_a_random_rank_leaves_no_segfault_no_hang_and_no_rank_behind() {
    let runs = kill_loop_runs();
    let mut seed = std::env::var("LIFE_TUI_KILL_LOOP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_u64);
    let mut next = move || {
        // xorshift: a reproducible choice of rank count, victim and moment.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut ended = Vec::new();
    for run in 0..runs {
        let np = 2 + (next() % 3) as usize;
        let victim = (next() % np as u64) as usize;
        let delay = Duration::from_millis(100 + next() % 400);
        let plane = run % 2 == 1;
        let what =
            format!("run {run}: np={np}, kill -9 of rank {victim} after {delay:?}, plane={plane}");
        let plane_shape = plane_args();
        let shape: &[&str] = if plane { &plane_shape } else { &TORUS };
        let args = [
            &[
                "--headless",
                "--generations",
                "100000000",
                "--report-every",
                "100000000",
            ][..],
            shape,
        ]
        .concat();
        // Without -q, so that mpirun names a rank that died of a signal.
        let mut command = Command::new("mpirun");
        mpi_env(&mut command);
        command
            .args([
                "--stdin",
                "none",
                "--bind-to",
                "none",
                "-np",
                &np.to_string(),
                BIN,
            ])
            .args(&args);
        let running = spawn_collected(command);
        let pids = rank_pids(&running.job, np);
        running.wait_until_running();
        std::thread::sleep(delay);
        let killed = Instant::now();
        signal(pids[victim], Signal::KILL);
        let (status, _, stderr) = finish(running, Duration::from_secs(15));
        let took = killed.elapsed();
        assert_ne!(status, Some(0), "{what}");
        for bad in [
            "Segmentation fault",
            "signal 11",
            "SIGSEGV",
            "signal 6",
            "panicked",
        ] {
            assert!(!stderr.contains(bad), "{what}: {bad}: {stderr}");
        }
        assert_all_gone(&pids, Duration::from_secs(5), &what);
        ended.push(took);
    }
    ended.sort();
    if let (Some(first), Some(last)) = (ended.first(), ended.last()) {
        eprintln!(
            "kill loop: {runs} runs, 0 segfaults, 0 hangs, 0 ranks left; job ended {first:?} to {last:?} after the kill (median {:?})",
            ended[ended.len() / 2]
        );
    }
}

#[test]
fn exit_statuses_are_documented_in_the_help_and_the_readme() {
    let help = alone(&["--help"]);
    let help = stdout_of(&help);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (status, says) in [
        (life_tui::exit::OK, "done"),
        (life_tui::exit::BAD_INPUT, "bad input"),
        (life_tui::exit::STOPPED, "stopped by a signal"),
        (life_tui::exit::LOST_PEER, "lost a peer"),
        (life_tui::exit::INTERNAL, "internal error"),
    ] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{status} ")) && l.contains(says)),
            "--help lacks status {status} ({says})"
        );
        assert!(
            readme
                .lines()
                .any(|l| l.starts_with(&format!("| {status} |")) && l.contains(says)),
            "README lacks the row for status {status} ({says})"
        );
    }
    for option in ["--continue", "--peer-timeout"] {
        assert!(help.contains(option), "{option}");
        assert!(readme.contains(option), "{option}");
    }
}

/// A peer that stops answering once the run is done, just before
/// MPI_Finalize (its node frozen or cut off then): the others, everything
/// written, wait for it in MPI_Finalize no longer than `--peer-timeout`
/// and end with status 4, saying so; mpirun then takes the stopped one
/// down. Without the watch they would wait for ever.
#[test]
fn a_peer_lost_at_mpi_finalize_holds_the_others_no_longer_than_the_peer_timeout() {
    let np = 3;
    let args = [
        "--headless",
        "--width",
        "64",
        "--height",
        "64",
        "--generations",
        "10",
        "--peer-timeout",
        "3",
    ];
    let mut command = mpirun_command(np, &args);
    command.env("LIFE_TUI_TEST_STOP_BEFORE_FINALIZE", "1");
    let started = Instant::now();
    let running = spawn_collected(command);
    let pids = rank_pids(&running.job, np);
    let (status, stdout, stderr) = finish(running, Duration::from_secs(30));
    let took = started.elapsed();
    assert_eq!(status, Some(4), "{stderr}");
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(15),
        "{took:?}: {stderr}"
    );
    assert!(
        stderr.contains("did not finish with it (MPI_Finalize) within 3 s"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("rank 1:"),
        "the stopped rank says nothing: {stderr}"
    );
    let summary = stdout
        .lines()
        .map(json_line)
        .find_map(|l| l.get("summary").cloned())
        .unwrap_or_else(|| panic!("the results were written first: {stdout}"));
    assert_eq!(summary["generations"], 10);
    assert_all_gone(&pids, Duration::from_secs(5), "stopped before MPI_Finalize");
    eprintln!("rank 1 stopped before MPI_Finalize: the job ended with status 4 after {took:?}");
}
