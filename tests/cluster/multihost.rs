//! Several hosts over real TCP: simulated hosts on this machine (network
//! namespaces on a bridge, each with its own hostname and address, made by
//! `scripts/multihost.sh`), Open MPI's own rsh launcher reaching them
//! through a stand-in for ssh (`scripts/multihost-agent.sh`). Every test
//! makes its own hosts under a name unique to this process and takes them
//! down when it ends, pass or fail (`Hosts` is a drop guard); hosts left by
//! a crashed earlier run are removed first.
//!
//! Needs root (network namespaces). Without it these tests fail, saying so;
//! `LIFE_TUI_NO_MULTIHOST=1` skips them on purpose.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{
    self, BIN, Job, alone, reports, run_with_timeout, stderr_of, summary, wait_or_kill,
};
use crate::namespaces::{Namespaces, comm, until_ranks};
use crate::tui_pane::{PATIENCE, Pane, assert_sane_terminal, exit_code, generation, has_braille};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/multihost.sh");

/// Simulated hosts `<id>-h1` .. `<id>-hN`, taken down when dropped.
struct Hosts {
    ns: Namespaces,
}

impl Hosts {
    /// `n` new hosts, or `None` when the user opted out.
    fn up(n: usize) -> Option<Hosts> {
        let n = n.to_string();
        let what = "the multi-host tests";
        let ns = Namespaces::up(SCRIPT, "lt", "LIFE_TUI_NO_MULTIHOST", what, &[&n])?;
        Some(Hosts { ns })
    }

    fn host(&self, i: usize) -> String {
        format!("{}-h{i}", self.ns.id)
    }

    /// `--host` for `(host, slots)` pairs, and the rank count they add to.
    fn layout(&self, slots: &[(usize, usize)]) -> (String, usize) {
        let spec: Vec<String> = slots
            .iter()
            .map(|&(i, n)| format!("{}:{n}", self.host(i)))
            .collect();
        (spec.join(","), slots.iter().map(|s| s.1).sum())
    }

    /// `mpirun` on host 1 over `slots`, running `program ARGS`.
    fn mpirun_of(&self, slots: &[(usize, usize)], program: &str, args: &[&str]) -> Command {
        let (spec, np) = self.layout(slots);
        let mut command = self.ns.command("mpirun", &["-q", "--stdin", "none"]);
        command
            .args(["--bind-to", "none", "--report-bindings"])
            .args(["--host", &spec, "-np", &np.to_string(), program])
            .args(args);
        command
    }

    /// `mpirun ... life-tui ARGS` under a timeout.
    fn run(&self, slots: &[(usize, usize)], args: &[&str]) -> Output {
        let output = run_with_timeout(self.mpirun_of(slots, BIN, args), common::TIMEOUT);
        assert_spread(&stderr_of(&output), self, slots);
        output
    }

    /// The processes in the namespaces of these hosts (orphans included).
    fn pids(&self) -> Vec<u32> {
        self.ns.pids(&[])
    }

    /// The `life-tui` processes on host `i`.
    fn ranks_on(&self, i: usize) -> Vec<u32> {
        let out = Command::new("ip")
            .args(["netns", "pids", &self.host(i)])
            .output()
            .expect("ip netns pids");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .filter(|pid| comm(*pid).as_deref() == Some("life-tui"))
            .collect()
    }

    /// Waits until no process is left in these namespaces; fails naming them.
    fn assert_nothing_left(&self, limit: Duration) -> Duration {
        let start = Instant::now();
        loop {
            let left = self.pids();
            if left.is_empty() {
                return start.elapsed();
            }
            if start.elapsed() > limit {
                let named: Vec<String> = left
                    .iter()
                    .map(|p| format!("{p} {}", comm(*p).unwrap_or_default()))
                    .collect();
                panic!("processes left in the hosts after {limit:?}: {named:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// `--report-bindings` names each rank's host: every rank ran where the
/// layout put it, so the job really spanned the hosts.
fn assert_spread(stderr: &str, hosts: &Hosts, slots: &[(usize, usize)]) {
    let mut rank = 0;
    for &(i, n) in slots {
        for _ in 0..n {
            let wanted = format!("[{}:", hosts.host(i));
            let tag = format!("MCW rank {rank} ");
            assert!(
                stderr
                    .lines()
                    .any(|l| l.starts_with(&wanted) && l.contains(&tag)),
                "rank {rank} did not report from {}:\n{stderr}",
                hosts.host(i)
            );
            rank += 1;
        }
    }
}

#[test]
fn soups_over_two_and_three_hosts_match_one_rank() {
    let Some(hosts) = Hosts::up(3) else { return };
    let args = [
        "--headless",
        "--width",
        "700",
        "--height",
        "500",
        "--generations",
        "300",
        "--seed",
        "13",
        "--report-every",
        "100",
    ];
    let one = reports(&alone(&args));
    assert_eq!(one.len(), 5, "reports at 0, 100, 200, 300 and the summary");
    for slots in [vec![(1, 2), (2, 2)], vec![(1, 1), (2, 2), (3, 3)]] {
        let out = hosts.run(&slots, &args);
        assert_eq!(reports(&out), one, "layout {slots:?}");
        let np: usize = slots.iter().map(|s| s.1).sum();
        assert_eq!(summary(&out)["ranks"], np);
    }
}

/// A directory only host 1 sees: on the other hosts an empty read-only
/// file system covers it (the agent mounts it, see multihost-agent.sh).
fn private_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = common::temp_dir();
    let path = dir.path().to_path_buf();
    (dir, path)
}

fn with_private(mut command: Command, dir: &Path) -> Command {
    command.env("LIFE_TUI_MH_PRIVATE_DIR", dir);
    command
}

#[test]
fn a_pattern_file_only_on_rank_0s_host_gives_the_one_rank_result() {
    let Some(hosts) = Hosts::up(3) else { return };
    let (_keep, dir) = private_dir();
    let file = dir.join("only-here.rle");
    // An R-pentomino and a glider: a long, busy history.
    std::fs::write(
        &file,
        "#N only-here\nx = 12, y = 13, rule = B3/S23\n\
         b2o$2o$bo8$10bo$11bo$9b3o!\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();

    // The other hosts really cannot see it.
    let out = run_with_timeout(
        with_private(hosts.mpirun_of(&[(2, 1)], "cat", &[path]), &dir),
        common::TIMEOUT,
    );
    assert!(
        !out.status.success() && stderr_of(&out).contains("No such file"),
        "host 2 read the file: {out:?}"
    );

    let args = [
        "--headless",
        "--pattern",
        path,
        "--width",
        "256",
        "--height",
        "192",
        "--generations",
        "400",
        "--report-every",
        "200",
    ];
    let one = reports(&alone(&args));
    let slots = [(1, 1), (2, 2), (3, 2)];
    let out = run_with_timeout(
        with_private(hosts.mpirun_of(&slots, BIN, &args), &dir),
        common::TIMEOUT,
    );
    assert_spread(&stderr_of(&out), &hosts, &slots);
    assert_eq!(reports(&out), one);
}

#[test]
fn output_and_checkpoints_are_written_by_rank_0_and_resume_on_another_layout() {
    let Some(hosts) = Hosts::up(3) else { return };
    let (_keep, dir) = private_dir();
    let reference = common::temp_dir();
    let soup = [
        "--headless",
        "--width",
        "300",
        "--height",
        "200",
        "--seed",
        "5",
    ];
    // 100 generations, a checkpoint every 40 (the file holds generation 80).
    let first = |d: &Path| -> Vec<String> {
        let ck = d.join("run.rle").to_str().unwrap().to_owned();
        let out = d.join("out.rle").to_str().unwrap().to_owned();
        let extra = ["--generations", "100", "--checkpoint-every", "40"];
        soup.iter()
            .chain(&extra)
            .map(|s| s.to_string())
            .chain(["--checkpoint".into(), ck, "--output".into(), out])
            .collect()
    };
    let one_args = first(reference.path());
    let one = reports(&alone(
        &one_args.iter().map(String::as_str).collect::<Vec<_>>(),
    ));

    // Only rank 0 is on host 1; on hosts 2 and 3 the directory is read-only
    // and empty, so a write (or a check for a writable directory) from any
    // other rank would fail the job.
    let probe = dir.join("probe").to_str().unwrap().to_owned();
    let out = run_with_timeout(
        with_private(hosts.mpirun_of(&[(3, 1)], "touch", &[&probe]), &dir),
        common::TIMEOUT,
    );
    assert!(
        !out.status.success() && stderr_of(&out).contains("Read-only file system"),
        "host 3 could write there: {out:?}"
    );
    let run = |slots: &[(usize, usize)], args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_with_timeout(
            with_private(hosts.mpirun_of(slots, BIN, &args), &dir),
            common::TIMEOUT,
        );
        assert_spread(&stderr_of(&out), &hosts, slots);
        reports(&out)
    };
    assert_eq!(run(&[(1, 1), (2, 1), (3, 1)], &first(&dir)), one);
    for name in ["run.rle", "out.rle"] {
        assert_eq!(
            std::fs::read(dir.join(name)).expect("written on host 1"),
            std::fs::read(reference.path().join(name)).unwrap(),
            "{name} differs from the one-rank run's"
        );
    }

    // Resumed from generation 80 on another layout: the uninterrupted hash.
    let straight = reports(&alone(
        &soup
            .iter()
            .copied()
            .chain(["--generations", "250"])
            .collect::<Vec<_>>(),
    ));
    let ck = dir.join("run.rle").to_str().unwrap().to_owned();
    let resumed = run(
        &[(1, 1), (2, 3)],
        &["--headless", "--resume", &ck, "--generations", "250"].map(String::from),
    );
    assert_eq!(resumed.last(), straight.last());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["out.rle", "run.rle"], "no temporary files left");
}

/// A long headless job over `slots`, in the background.
fn spawn_long(hosts: &Hosts, slots: &[(usize, usize)]) -> Job {
    let command = hosts.mpirun_of(
        slots,
        BIN,
        &[
            "--headless",
            "--width",
            "512",
            "--height",
            "512",
            "--generations",
            "1000000000",
        ],
    );
    common::spawn_job(command, Stdio::null())
}

fn ranks_running(hosts: &Hosts, host: usize, count: usize) -> Vec<u32> {
    let place = format!("on host {host}");
    until_ranks(count, Duration::from_millis(500), &place, || {
        hosts.ranks_on(host)
    })
}

#[test]
fn kill_9_of_a_rank_on_a_remote_host_ends_the_job_within_5_seconds() {
    let Some(hosts) = Hosts::up(3) else { return };
    let mut job = spawn_long(&hosts, &[(1, 1), (2, 2), (3, 1)]);
    let victim = ranks_running(&hosts, 2, 2)[1];
    let killed = Instant::now();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(victim as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .expect("kill -9 a rank on host 2");
    let status = wait_or_kill(&mut job, Duration::from_secs(20));
    let took = killed.elapsed();
    eprintln!("kill -9 of a remote rank: the job ended in {took:?} ({status})");
    assert!(!status.success(), "a killed rank is a failure");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let cleared = hosts.assert_nothing_left(Duration::from_secs(5));
    eprintln!("...and the hosts were empty {cleared:?} later");
}

#[test]
fn a_cut_link_ends_the_job_within_15_seconds_and_leaves_nothing_behind() {
    let Some(hosts) = Hosts::up(2) else { return };
    let mut job = spawn_long(&hosts, &[(1, 2), (2, 2)]);
    ranks_running(&hosts, 2, 2);
    hosts.ns.script("link", &["2", "down"]);
    let cut = Instant::now();
    let status = wait_or_kill(&mut job, Duration::from_secs(40));
    let took = cut.elapsed();
    eprintln!("link of host 2 down: the job ended in {took:?} ({status})");
    assert!(!status.success(), "a partitioned job is a failure");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    // The orted and ranks on the far side find out by themselves (the
    // link stays down).
    let cleared = hosts.assert_nothing_left(Duration::from_secs(15));
    eprintln!("...and the far host was empty {cleared:?} later");
}

/// The live view with rank 0 on host 1 and workers on hosts 2 and 3.
fn live_line(hosts: &Hosts, args: &str) -> String {
    let (spec, np) = hosts.layout(&[(1, 1), (2, 1), (3, 1)]);
    format!(
        "clear; {SCRIPT} run {} mpirun --bind-to none --host {spec} -np {np} {BIN} {args}; echo EXIT=$?",
        hosts.ns.id
    )
}

#[test]
fn the_live_view_over_three_hosts_draws_takes_keys_and_quits_cleanly() {
    let Some(hosts) = Hosts::up(3) else { return };
    let pane = Pane::start(100, 30);
    pane.line(&live_line(&hosts, "--seed 1"));
    let screen = pane.wait_for("the grid and gen N", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0) && has_braille(s)
    });
    assert!(pane.alternate_on());
    assert!(screen.contains("3 ranks"), "status bar: {screen}");
    for i in 2..=3 {
        assert_eq!(hosts.ranks_on(i).len(), 1, "a worker on host {i}");
    }
    let first = generation(&screen).unwrap();
    pane.wait_for("gen to advance", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > first)
    });

    pane.keys("o");
    pane.wait_for("every rank's strip labelled", PATIENCE, |s| {
        (0..3).all(|r| s.contains(&format!(" rank {r} ")))
    });

    pane.keys(" ");
    let screen = pane.wait_for("PAUSED", PATIENCE, |s| s.contains("PAUSED"));
    let paused = generation(&screen).unwrap();
    pane.keys("n");
    pane.wait_for("one step", PATIENCE, |s| generation(s) == Some(paused + 1));

    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
    hosts.assert_nothing_left(Duration::from_secs(5));
}

#[test]
fn killing_a_remote_worker_in_the_live_view_gives_a_sane_shell_within_5_seconds() {
    let Some(hosts) = Hosts::up(3) else { return };
    let pane = Pane::start(80, 24);
    pane.line(&live_line(&hosts, "--seed 2"));
    pane.wait_for("the view", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0)
    });
    let victim = ranks_running(&hosts, 3, 1)[0];
    let killed = Instant::now();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(victim as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .expect("kill -9 the worker on host 3");
    let screen = pane.wait_for("the shell back", Duration::from_secs(5), |s| {
        exit_code(s).is_some()
    });
    eprintln!(
        "live view, remote worker killed: shell back in {:?}",
        killed.elapsed()
    );
    assert_ne!(
        exit_code(&screen),
        Some(0),
        "a dead rank is a failure: {screen}"
    );
    assert_sane_terminal(&pane);
    hosts.assert_nothing_left(Duration::from_secs(5));
}

#[test]
fn a_cut_link_in_the_live_view_gives_a_sane_shell_within_15_seconds() {
    let Some(hosts) = Hosts::up(3) else { return };
    let pane = Pane::start(80, 24);
    pane.line(&live_line(&hosts, "--seed 3"));
    pane.wait_for("the view", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0)
    });
    ranks_running(&hosts, 3, 1);
    hosts.ns.script("link", &["3", "down"]);
    let cut = Instant::now();
    let screen = pane.wait_for("the shell back", Duration::from_secs(15), |s| {
        exit_code(s).is_some()
    });
    eprintln!(
        "live view, link of host 3 down: shell back in {:?}",
        cut.elapsed()
    );
    assert_ne!(
        exit_code(&screen),
        Some(0),
        "a lost host is a failure: {screen}"
    );
    assert_sane_terminal(&pane);
    hosts.assert_nothing_left(Duration::from_secs(15));
}
