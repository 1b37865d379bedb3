//! Under a real Slurm: a controller and three `slurmd` nodes on this
//! machine, each node in its own network and UTS namespace on a bridge
//! (made by `scripts/slurm.sh`), jobs started with the real `srun`,
//! `sbatch` and `salloc`. Every test makes its own cluster under a name
//! unique to this process and takes it down when it ends, pass or fail
//! (`Cluster` is a drop guard); clusters left by a crashed earlier run are
//! removed first. Every command runs under a timeout, so a hang fails.
//!
//! Needs root (namespaces, the daemons) and the Slurm packages, which
//! `make test` installs (scripts/system-deps.sh). Without root these tests
//! fail, saying so; `LIFE_TUI_NO_SLURM=1` skips them on purpose.
//! `LIFE_TUI_SLURM_KILL_RUNS` sets the kill loop's length (5 by default,
//! the 30 with `make test-slurm-kill-loop`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{
    self, BIN, Job, alone, json_line, reports, reports_of, run_with_timeout, stderr_of, stdout_of,
    wait_or_kill,
};
use crate::namespaces::{Namespaces, comm, until_ranks};
use crate::tui_pane::{PATIENCE, Pane, assert_sane_terminal, exit_code, generation, has_braille};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/slurm.sh");
const JOB_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/slurm/life.sbatch");

/// A cluster `<id>-ctl` (controller and login node) with nodes
/// `<id>-n1..n3`, taken down when dropped.
struct Cluster {
    ns: Namespaces,
}

impl Cluster {
    /// A new cluster with every node idle, or `None` when the user opted out.
    fn up() -> Option<Cluster> {
        let what = "the Slurm tests";
        let ns = Namespaces::up(SCRIPT, "ls", "LIFE_TUI_NO_SLURM", what, &[])?;
        Some(Cluster { ns })
    }

    fn node(&self, i: usize) -> String {
        format!("{}-n{i}", self.ns.id)
    }

    /// `program ARGS` on the login node, with this cluster's SLURM_CONF.
    fn command(&self, program: &str, args: &[&str]) -> Command {
        self.ns.command(program, args)
    }

    /// `srun --mpi=pmix ARGS`.
    fn srun(&self, args: &[&str]) -> Command {
        let mut command = self.command("srun", &["--mpi=pmix"]);
        command.args(args);
        command
    }

    /// Every process in this cluster's namespaces (daemons included).
    fn pids(&self, node: Option<usize>) -> Vec<u32> {
        let node = node.map(|i| i.to_string());
        let args: Vec<&str> = node.iter().map(String::as_str).collect();
        self.ns.pids(&args)
    }

    /// The `life-tui` ranks on node `i`, or anywhere in the cluster.
    fn ranks(&self, node: Option<usize>) -> Vec<u32> {
        self.pids(node)
            .into_iter()
            .filter(|pid| comm(*pid).as_deref() == Some("life-tui"))
            .collect()
    }

    /// Waits until no rank is left anywhere in the cluster; fails naming
    /// those left.
    fn assert_no_rank_left(&self, limit: Duration) -> Duration {
        let start = Instant::now();
        loop {
            let left = self.ranks(None);
            if left.is_empty() {
                return start.elapsed();
            }
            if start.elapsed() > limit {
                let named: Vec<String> = left
                    .iter()
                    .map(|p| format!("{p} (rank {:?})", slurm_rank(*p)))
                    .collect();
                panic!("ranks still running {limit:?} after the job ended: {named:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `count` ranks run over the whole cluster, then a little
    /// longer, into the generation loop.
    fn all_running(&self, count: usize) -> Vec<u32> {
        until_ranks(count, Duration::from_millis(300), "in the cluster", || {
            self.ranks(None)
        })
    }
}

/// The task number Slurm gave process `pid`.
fn slurm_rank(pid: u32) -> Option<usize> {
    let env = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    env.split(|&b| b == 0).find_map(|var| {
        std::str::from_utf8(var)
            .ok()?
            .strip_prefix("SLURM_PROCID=")?
            .parse()
            .ok()
    })
}

/// Whether rank `pid` has joined the MPI job: its peer watchdog, a thread
/// started right after `MPI_Init`, is there.
fn joined(pid: u32) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/task")).is_ok_and(|tasks| {
        tasks.flatten().any(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.trim() == "peer-watchdog")
        })
    })
}

fn kill_9(pid: u32) {
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .expect("kill -9 a rank");
}

/// The rank count in a run's summary line.
fn ranks_in(output: &Output) -> u64 {
    common::summary(output)["ranks"].as_u64().expect("ranks")
}

const SOUP: [&str; 11] = [
    "--headless",
    "--width",
    "512",
    "--height",
    "512",
    "--generations",
    "300",
    "--seed",
    "7",
    "--report-every",
    "50",
];

#[test]
fn srun_over_three_nodes_matches_one_rank_at_every_report() {
    let Some(cluster) = Cluster::up() else { return };
    let one = reports(&alone(&SOUP));
    assert_eq!(one.len(), 8, "reports at 0, 50, ..., 300 and the summary");

    // Where Slurm puts six tasks over three nodes: two a node.
    let out = run_with_timeout(
        cluster.srun(&["-N", "3", "-n", "6", "hostname"]),
        common::TIMEOUT,
    );
    let mut hosts: Vec<String> = stdout_of(&out).lines().map(str::to_owned).collect();
    hosts.sort();
    let wanted: Vec<String> = (1..=3)
        .flat_map(|i| [cluster.node(i), cluster.node(i)])
        .collect();
    assert_eq!(hosts, wanted, "{}", stderr_of(&out));

    let mut args = vec!["-N", "3", "-n", "6", BIN];
    args.extend(SOUP);
    let out = retry_startup_crash(|| run_with_timeout(cluster.srun(&args), common::TIMEOUT));
    assert_eq!(reports(&out), one, "{}", stderr_of(&out));
    assert_eq!(ranks_in(&out), 6);
}

/// The JSON lines in a job's output file (which also takes the job's
/// stderr: nothing else is expected there on success).
fn job_reports(path: &Path) -> Vec<(u64, u64, String)> {
    let text = std::fs::read_to_string(path).expect("the job's output file");
    let lines: Vec<serde_json::Value> = text.lines().map(json_line).collect();
    reports_of(&lines)
}

/// The job id in sbatch's "Submitted batch job N".
fn job_id(sbatch_stdout: &str) -> String {
    sbatch_stdout
        .split_whitespace()
        .last()
        .filter(|id| id.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no job id in {sbatch_stdout:?}"))
        .to_owned()
}

/// `scontrol show job ID`'s FIELD=value.
fn job_field(cluster: &Cluster, id: &str, field: &str) -> String {
    let out = run_with_timeout(
        cluster.command("scontrol", &["show", "job", id]),
        common::TIMEOUT,
    );
    let text = stdout_of(&out);
    text.split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{field}=")))
        .unwrap_or_else(|| panic!("no {field} in {text}"))
        .to_owned()
}

/// Waits until job `id` has ended (its state is no longer pending,
/// running, completing or requeued); its state then.
fn wait_for_job(cluster: &Cluster, id: &str, limit: Duration) -> String {
    let start = Instant::now();
    loop {
        let state = job_field(cluster, id, "JobState");
        if ![
            "PENDING",
            "RUNNING",
            "COMPLETING",
            "REQUEUED",
            "CONFIGURING",
        ]
        .contains(&state.as_str())
        {
            return state;
        }
        assert!(
            start.elapsed() < limit,
            "job {id} still {state} after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sbatch_of_the_example_script_completes_with_the_one_rank_hash() {
    let Some(cluster) = Cluster::up() else { return };
    let dir = common::temp_dir();
    let out_file = dir.path().join("job.out");
    let out_arg = format!("--output={}", out_file.display());
    let chdir = format!("--chdir={}", dir.path().display());
    // The script as shipped: its options replace the built-in soup.
    let mut args = vec![&out_arg as &str, &chdir, JOB_SCRIPT];
    args.extend(&SOUP[1..]);
    let submit = || {
        let mut command = cluster.command("sbatch", &args);
        command.env("LIFE_TUI", BIN);
        let out = run_with_timeout(command, common::TIMEOUT);
        assert!(out.status.success(), "sbatch: {out:?}");
        let id = job_id(&stdout_of(&out));
        let state = wait_for_job(&cluster, &id, common::TIMEOUT);
        (id, state)
    };
    let submitted = Instant::now();
    let (mut id, mut state) = submit();
    for _ in 0..STARTUP_RETRIES {
        let text = std::fs::read_to_string(&out_file).unwrap_or_default();
        if state == "COMPLETED" || !startup_crash(&text, false) {
            break;
        }
        let lost = STARTUP_CRASHES.fetch_add(1, Ordering::SeqCst) + 1;
        eprintln!("start-up crash #{lost} (Open MPI under PMIx), submitting again:\n{text}");
        std::fs::remove_file(&out_file).expect("remove the job's output");
        (id, state) = submit();
    }
    eprintln!(
        "sbatch of the example script: {state} in {:?}",
        submitted.elapsed()
    );
    assert_eq!(
        state,
        "COMPLETED",
        "{}",
        std::fs::read_to_string(&out_file).unwrap_or_default()
    );
    assert_eq!(job_field(&cluster, &id, "NumNodes"), "3");
    assert_eq!(job_reports(&out_file), reports(&alone(&SOUP)));
}

#[test]
fn salloc_with_mpirun_inside_matches_one_rank() {
    let Some(cluster) = Cluster::up() else { return };
    // salloc runs mpirun on the login node; mpirun reads the allocation
    // and starts its daemons on the nodes through srun.
    let mut args = vec![
        "-N",
        "3",
        "--ntasks-per-node=2",
        "mpirun",
        "-q",
        "--stdin",
        "none",
        "--bind-to",
        "none",
        "--report-bindings",
        BIN,
    ];
    args.extend(SOUP);
    let out = run_with_timeout(cluster.command("salloc", &args), common::TIMEOUT);
    assert_eq!(reports(&out), reports(&alone(&SOUP)));
    assert_eq!(ranks_in(&out), 6);
    let stderr = stderr_of(&out);
    for i in 1..=3 {
        let on = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("[{}:", cluster.node(i))) && l.contains("MCW rank"))
            .count();
        assert_eq!(on, 2, "two ranks on node {i}:\n{stderr}");
    }
}

#[test]
fn an_interactive_salloc_shell_runs_mpirun() {
    let Some(cluster) = Cluster::up() else { return };
    let pane = Pane::start(200, 50);
    // The README's interactive recipe: a shell from salloc on the login
    // node, mpirun typed there.
    pane.line(&format!(
        "clear; {SCRIPT} run {} salloc -N 3 --ntasks-per-node=2; echo EXIT=$?",
        cluster.ns.id
    ));
    pane.wait_for("the allocation", PATIENCE, |s| {
        s.contains("Granted job allocation")
    });
    let args = SOUP.join(" ");
    pane.line(&format!(
        "s=$SECONDS; mpirun -q --stdin none --bind-to none {BIN} {args} | tail -n 1 | grep -o '\"ranks\":[0-9]*,.*\"hash\":\"[0-9a-f]*\"'; echo took=$((SECONDS-s))s; exit"
    ));
    // The run's own limit, as its non-interactive twin has: 12 ranks on
    // two loaded cores (this job's and a neighbouring test's) can take far
    // longer than a screen takes to draw. Past it, what is still running
    // says where it hangs.
    let screen = std::panic::catch_unwind(|| {
        pane.wait_for("the shell back", common::TIMEOUT, |s| {
            exit_code(s).is_some()
        })
    })
    .unwrap_or_else(|_| {
        let ps = Command::new("ps")
            .args(["-eo", "pid,ppid,etime,stat,wchan:20,args"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let running: Vec<&str> = ps
            .lines()
            .filter(|l| {
                ["mpirun", "orted", "life-tui", "srun", "slurmstepd"]
                    .iter()
                    .any(|n| l.contains(n))
            })
            .collect();
        panic!(
            "the mpirun typed in the salloc shell did not end; still running:\n{}",
            running.join("\n")
        )
    });
    let one = reports(&alone(&SOUP));
    let hash = &one.last().unwrap().2;
    assert!(
        screen.contains("\"ranks\":6,") && screen.contains(&format!("\"hash\":\"{hash}\"")),
        "six ranks and the one-rank hash {hash}:\n{screen}"
    );
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
}

#[test]
fn the_live_view_through_srun_pty_draws_takes_keys_follows_a_resize_and_quits_cleanly() {
    let Some(cluster) = Cluster::up() else { return };
    let pane = Pane::start(80, 24);
    pane.line(&format!(
        "clear; {SCRIPT} run {} srun --mpi=pmix --pty -n 4 {BIN} --seed 1; echo EXIT=$?",
        cluster.ns.id
    ));
    let screen = pane.wait_for("the grid and gen N", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0) && has_braille(s)
    });
    assert!(pane.alternate_on());
    assert!(screen.contains("4 ranks"), "status bar: {screen}");
    let first = generation(&screen).unwrap();
    pane.wait_for("gen to advance", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > first)
    });

    pane.keys("o");
    pane.wait_for("every rank's strip labelled", PATIENCE, |s| {
        (0..4).all(|r| {
            let label = format!(" rank {r}");
            s.lines()
                .any(|l| l.trim_end().ends_with(&label) || l.contains(&format!("{label} ")))
        })
    });
    pane.keys(" ");
    let screen = pane.wait_for("PAUSED", PATIENCE, |s| s.contains("PAUSED"));
    let paused = generation(&screen).unwrap();
    pane.keys("n");
    pane.wait_for("one step", PATIENCE, |s| generation(s) == Some(paused + 1));

    // srun passes the new size on to the pty slurmstepd made for rank 0.
    pane.tmux(&["resize-window", "-x", "100", "-y", "30"]);
    pane.wait_for("the view to follow the resize", PATIENCE, |s| {
        s.lines().nth(28).is_some_and(|l| l.starts_with(" gen "))
    });

    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{screen}");
    assert_sane_terminal(&pane);
    cluster.assert_no_rank_left(Duration::from_secs(5));
}

/// A long headless job of 6 ranks over the 3 nodes, in the background,
/// srun's stderr kept.
fn spawn_long(cluster: &Cluster) -> Job {
    let command = cluster.srun(&[
        "-N",
        "3",
        "-n",
        "6",
        BIN,
        "--headless",
        "--width",
        "512",
        "--height",
        "512",
        "--generations",
        "1000000000",
    ]);
    common::spawn_job(command, Stdio::piped())
}

/// Job starts lost to the start-up crash (see [`startup_crash`]), over
/// the whole test binary.
static STARTUP_CRASHES: AtomicUsize = AtomicUsize::new(0);

/// How many job starts in a row may be lost to it before a test fails.
const STARTUP_RETRIES: usize = 3;

/// Whether a job that ended on its own died of the start-up crash of
/// Open MPI 4.1.4 under Slurm's PMIx seen on this machine: the second task
/// on a node is still in MPI_Init's modex fence (no PML receive handler
/// registered yet) when a peer that already left MPI_Init sends it its
/// first message, and it calls a null handler in mca_btl_tcp.so; its local
/// peer, which attached to its shared-memory segment before it existed,
/// also reports "A system call failed during shared memory initialization"
/// (open(2), ENOENT). The peers' "connect() ... Operation now in progress
/// (115)" warnings follow its death (the 115 is Open MPI 4.1.4 printing
/// errno instead of the socket's error, open-mpi/ompi#10734). It happens
/// before any generation ran, in 2-7% of 6-rank starts on this loaded
/// 2-core machine; see /work/shared/SLURM.md and the README.
/// `untouched`: the job died on its own, less than a second after all its
/// ranks appeared; then the warnings may be missing (no peer of the dead
/// rank had tried TCP yet: once, rank 5, whose first message came from its
/// node-mate).
fn startup_crash(stderr: &str, untouched: bool) -> bool {
    // The survivors, still in MPI_Init when Slurm cancels the step, may
    // say so (the join watch); any other line of ours means work had begun.
    let only_joining = stderr
        .lines()
        .filter(|line| line.starts_with("life-tui: "))
        .all(|line| line.contains("while joining the MPI job"));
    stderr.contains("Segmentation fault")
        && only_joining
        && (untouched
            || stderr.contains("Operation now in progress (115)")
            || stderr.contains("during shared memory initialization"))
}

/// [`spawn_long`], returning once all 6 ranks run and are past MPI_Init
/// (the job still runs a moment after they all appeared). A start lost to
/// [`startup_crash`] is retried, at most [`STARTUP_RETRIES`] times in a
/// row; any other early end fails the test.
fn start_long(cluster: &Cluster) -> (Job, Vec<u32>) {
    for _ in 0..=STARTUP_RETRIES {
        let mut job = spawn_long(cluster);
        let ranks = cluster.all_running(6);
        // Past MPI_Init on every rank: a rank lost before then is a
        // different fault (see `joined`), and the start-up crash strikes then.
        let start = Instant::now();
        while !ranks.iter().all(|&p| joined(p))
            && matches!(job.try_wait(), Ok(None))
            && start.elapsed() < PATIENCE
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let all_there = ranks.iter().all(|&p| slurm_rank(p).is_some() && joined(p));
        match job.try_wait().expect("wait for srun") {
            None if all_there => return (job, ranks),
            _ => {
                // A rank gone: Slurm ends the step (KillOnBadExit).
                let status = wait_or_kill(&mut job, Duration::from_secs(10));
                let stderr = stderr_after(&mut job);
                assert!(
                    startup_crash(&stderr, true),
                    "the job ended ({status}) before it was touched:\n{stderr}"
                );
                let lost = STARTUP_CRASHES.fetch_add(1, Ordering::SeqCst) + 1;
                eprintln!(
                    "start-up crash #{lost} (Open MPI under PMIx), starting again:\n{stderr}"
                );
                cluster.assert_no_rank_left(Duration::from_secs(10));
            }
        }
    }
    panic!("{STARTUP_RETRIES} job starts in a row lost to the start-up crash");
}

/// `run()`'s output, run again when it was lost to [`startup_crash`] (at
/// most [`STARTUP_RETRIES`] times).
fn retry_startup_crash(run: impl Fn() -> Output) -> Output {
    let mut out = run();
    for _ in 0..STARTUP_RETRIES {
        let stderr = stderr_of(&out);
        if out.status.success() || !startup_crash(&stderr, false) {
            break;
        }
        let lost = STARTUP_CRASHES.fetch_add(1, Ordering::SeqCst) + 1;
        eprintln!("start-up crash #{lost} (Open MPI under PMIx), starting again:\n{stderr}");
        out = run();
    }
    out
}

/// Whether the requeue script's first attempt ended at generation 0 with
/// the start-up crash (its output up to the script's line about it). The
/// script's line says no report came, so the job counts as untouched.
fn first_attempt_lost_to_startup_crash(job_lines: &[String]) -> bool {
    let Some(end) = job_lines
        .iter()
        .position(|l| l.contains("attempt 1 ended with status 139 after generation 0;"))
    else {
        return false;
    };
    startup_crash(&job_lines[..=end].join("\n"), true)
}

fn stderr_after(job: &mut Job) -> String {
    let mut text = String::new();
    if let Some(mut pipe) = job.stderr.take() {
        let _ = pipe.read_to_string(&mut text);
    }
    text
}

/// A rank that died of a signal of its own, not the one Slurm sent: what
/// srun reports for a task ended by SIGSEGV, SIGBUS, SIGABRT or SIGFPE.
fn crashed(stderr: &str) -> Option<&str> {
    stderr.lines().find(|l| {
        [
            "Segmentation fault",
            "Bus error",
            "Aborted",
            "Floating point",
            "core dumped",
        ]
        .iter()
        .any(|s| l.contains(s))
    })
}

#[test]
// Slurm's KillOnBadExit ends the step in about 0.3 s on an idle machine;
// CI saw 1.05 s while the other core was compiling. 5 s still tells it
// from the lost-node path (11-12 s here) and Slurm's defaults (401 s).
fn kill_9_of_a_remote_rank_under_srun_ends_the_job_within_5_seconds() {
    let Some(cluster) = Cluster::up() else { return };
    let (mut job, _) = start_long(&cluster);
    let victim = cluster.ranks(Some(2))[1];
    let killed = Instant::now();
    kill_9(victim);
    let status = wait_or_kill(&mut job, Duration::from_secs(20));
    let took = killed.elapsed();
    let stderr = stderr_after(&mut job);
    eprintln!("kill -9 of a rank on node 2: srun ended in {took:?} ({status})");
    assert!(!status.success(), "a killed rank is a failure");
    assert!(took <= Duration::from_secs(5), "took {took:?}:\n{stderr}");
    assert_eq!(crashed(&stderr), None, "{stderr}");
    let cleared = cluster.assert_no_rank_left(Duration::from_secs(15));
    eprintln!("...and no rank was left {cleared:?} later");
}

#[test]
fn a_crashed_node_ends_the_job_within_15_seconds_and_leaves_no_rank() {
    let Some(cluster) = Cluster::up() else { return };
    let (mut job, _) = start_long(&cluster);
    // slurmd, slurmstepd and both ranks of node 2, all at once.
    cluster.ns.script("crash", &["2"]);
    let crashed_at = Instant::now();
    let status = wait_or_kill(&mut job, Duration::from_secs(40));
    let took = crashed_at.elapsed();
    let stderr = stderr_after(&mut job);
    eprintln!("node 2 crashed: srun ended in {took:?} ({status})");
    assert!(!status.success(), "a lost node is a failure");
    assert!(took <= Duration::from_secs(15), "took {took:?}:\n{stderr}");
    let cleared = cluster.assert_no_rank_left(Duration::from_secs(15));
    eprintln!("...and no rank was left {cleared:?} later");
}

#[test]
fn a_cut_link_ends_the_job_within_15_seconds_and_leaves_no_rank() {
    let Some(cluster) = Cluster::up() else { return };
    let (mut job, _) = start_long(&cluster);
    cluster.ns.script("link", &["2", "down"]);
    let cut = Instant::now();
    let status = wait_or_kill(&mut job, Duration::from_secs(40));
    let took = cut.elapsed();
    let stderr = stderr_after(&mut job);
    eprintln!("link of node 2 down: srun ended in {took:?} ({status})");
    assert!(!status.success(), "a partitioned job is a failure");
    assert!(took <= Duration::from_secs(15), "took {took:?}:\n{stderr}");
    // The link stays down: Slurm cannot reach node 2 to end its ranks, so
    // they must notice by themselves that their peers are gone.
    let cleared = cluster.assert_no_rank_left(Duration::from_secs(15));
    eprintln!("...and no rank was left {cleared:?} later (the far side included)");
}

/// How many times the kill loop runs: `LIFE_TUI_SLURM_KILL_RUNS`, else 5
/// (about 2.5 s a run; `make test-slurm-kill-loop` runs the 30).
fn kill_runs() -> usize {
    std::env::var("LIFE_TUI_SLURM_KILL_RUNS")
        .ok()
        .map(|v| v.parse().expect("LIFE_TUI_SLURM_KILL_RUNS: a count"))
        .unwrap_or(5)
}

#[test]
fn kill_9_of_a_rank_in_a_loop_no_segfault_no_hang_no_orphan() {
    let Some(cluster) = Cluster::up() else { return };
    let runs = kill_runs();
    // This test's own starts only: other tests' crashes are theirs.
    let crashes_before = STARTUP_CRASHES.load(Ordering::SeqCst);
    let mut times = Vec::new();
    let mut run = 0;
    while run < runs {
        let (mut job, ranks) = start_long(&cluster);
        // Each rank in turn, at a different moment of its generation loop.
        let victim = ranks
            .iter()
            .copied()
            .find(|&p| slurm_rank(p) == Some(run % 6))
            .unwrap_or_else(|| panic!("run {run}: no rank {} in {ranks:?}", run % 6));
        std::thread::sleep(Duration::from_millis(37 * (run as u64 % 11)));
        let killed = Instant::now();
        if rustix::process::kill_process(
            rustix::process::Pid::from_raw(victim as i32).unwrap(),
            rustix::process::Signal::KILL,
        )
        .is_err()
        {
            let status = wait_or_kill(&mut job, Duration::from_secs(10));
            let stderr = stderr_after(&mut job);
            assert!(
                startup_crash(&stderr, true),
                "run {run}: the job ended ({status}) before its rank was killed:\n{stderr}"
            );
            let lost = STARTUP_CRASHES.fetch_add(1, Ordering::SeqCst) + 1;
            eprintln!(
                "run {run}: start-up crash #{lost} (Open MPI under PMIx), run again:\n{stderr}"
            );
            cluster.assert_no_rank_left(Duration::from_secs(10));
            continue;
        }
        // A hang: srun still there long after a killed rank ended its step
        // in 0.3 s.
        let status = wait_or_kill(&mut job, Duration::from_secs(10));
        let took = killed.elapsed();
        let stderr = stderr_after(&mut job);
        assert!(!status.success(), "run {run}: a killed rank is a failure");
        assert_eq!(crashed(&stderr), None, "run {run}: {stderr}");
        // An orphan: a rank still running once its job is over.
        cluster.assert_no_rank_left(Duration::from_secs(5));
        times.push(took);
        run += 1;
    }
    // At 2-7% of starts, two lost in a short loop happen (CI saw it):
    // more than one in five, and one more, is not that bug's rate.
    let lost = STARTUP_CRASHES.load(Ordering::SeqCst) - crashes_before;
    assert!(
        lost <= runs.div_ceil(5) + 1,
        "{lost} job starts of {runs} runs lost to the start-up crash: more than one in five, and one more"
    );
    times.sort();
    eprintln!(
        "kill loop: {runs} runs, 0 segfaults, 0 hangs, 0 orphans; srun ended in {:?} .. {:?} (median {:?}); job starts lost to the start-up crash and retried (whole test binary): {}",
        times[0],
        times[times.len() - 1],
        times[times.len() / 2],
        STARTUP_CRASHES.load(Ordering::SeqCst)
    );
}

const REQUEUE_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/slurm/life-requeue.sbatch"
);

/// A soup long enough to be stopped half-way on 6 ranks here.
const LONG_SOUP: [&str; 10] = [
    "--width",
    "256",
    "--height",
    "256",
    "--generations",
    "3000",
    "--seed",
    "11",
    "--report-every",
    "100",
];

/// The requeue-safe example script submitted with a checkpoint every
/// `every` generations in `dir`, running [`LONG_SOUP`]; its job id.
fn submit_requeue_job(cluster: &Cluster, dir: &Path, every: u64, extra: &[&str]) -> String {
    submit_requeue_run(
        cluster,
        Path::new(REQUEUE_SCRIPT),
        dir,
        every,
        extra,
        &LONG_SOUP,
    )
}

/// [`submit_requeue_job`] of `script` running life-tui with `run`.
fn submit_requeue_run(
    cluster: &Cluster,
    script: &Path,
    dir: &Path,
    every: u64,
    extra: &[&str],
    run: &[&str],
) -> String {
    let out_arg = format!("--output={}", dir.join("job.out").display());
    let chdir = format!("--chdir={}", dir.display());
    let mut args = vec![&out_arg as &str, &chdir];
    args.extend(extra);
    let script = script.to_str().unwrap();
    args.push(script);
    args.extend(run);
    let mut command = cluster.command("sbatch", &args);
    command
        .env("LIFE_TUI", BIN)
        .env("LIFE_TUI_CHECKPOINT", dir.join("run.rle"))
        .env("LIFE_TUI_CHECKPOINT_EVERY", every.to_string());
    let out = run_with_timeout(command, common::TIMEOUT);
    assert!(out.status.success(), "sbatch: {out:?}");
    job_id(&stdout_of(&out))
}

/// The job's output so far: its JSON lines and its other lines.
fn job_output(dir: &Path) -> (Vec<serde_json::Value>, Vec<String>) {
    let text = std::fs::read_to_string(dir.join("job.out")).unwrap_or_default();
    let (json, other): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with('{'));
    (
        json.iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
        other.into_iter().map(str::to_owned).collect(),
    )
}

/// Waits until the job has reported generation `generation` or later.
fn wait_for_generation(dir: &Path, generation: u64) {
    let start = Instant::now();
    loop {
        let (json, _) = job_output(dir);
        if json
            .iter()
            .any(|l| l["generation"].as_u64().is_some_and(|g| g >= generation))
        {
            return;
        }
        assert!(
            start.elapsed() < common::TIMEOUT,
            "generation {generation} never reported: {:?}",
            job_output(dir)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The uninterrupted run's final (generation, population, hash).
fn uninterrupted() -> (u64, u64, String) {
    uninterrupted_run(&LONG_SOUP)
}

fn uninterrupted_run(run: &[&str]) -> (u64, u64, String) {
    let mut args = vec!["--headless"];
    args.extend(run);
    reports(&alone(&args)).pop().unwrap()
}

/// A 512² soup to `generations`, reporting every 500.
fn endless_soup(generations: u64) -> Vec<String> {
    let generations = generations.to_string();
    [
        "--width",
        "512",
        "--height",
        "512",
        "--seed",
        "11",
        "--generations",
        &generations,
        "--report-every",
        "500",
    ]
    .map(String::from)
    .to_vec()
}

/// A job of `script_in(dir)` given one minute (and `extra`), running a
/// soup far longer than that, stopped by Slurm itself: waits until its
/// ranks have stopped, the script has requeued it and the next start has
/// reported past the stop, then cancels it. The stop, requeued and
/// resumed, must be the uninterrupted run's, and it must be by `signal`.
fn stopped_by_slurm_requeued_and_resumed(
    script_in: impl Fn(&Path) -> PathBuf,
    extra: &[&str],
    signal: &str,
) {
    let Some(cluster) = Cluster::up() else { return };
    let endless = endless_soup(1_000_000_000);
    let endless: Vec<&str> = endless.iter().map(String::as_str).collect();
    let mut options = vec!["--time=1"];
    options.extend(extra);
    let submit = |dir: &Path| {
        let script = script_in(dir);
        submit_requeue_run(&cluster, &script, dir, 1000, &options, &endless)
    };
    let mut dir = common::temp_dir();
    let mut id = submit(dir.path());
    let mut tries = 0;
    let mut started = Instant::now();
    let (stop, resumed_report) = loop {
        let (json, other) = job_output(dir.path());
        // Slurm's one signal may fall between the script's attempts, and
        // a job ended by its time limit is not requeued: a first attempt
        // lost to the start-up crash loses the test's point, so the job
        // is submitted again.
        if json.iter().all(|l| l.get("stopped").is_none())
            && first_attempt_lost_to_startup_crash(&other)
            && tries < STARTUP_RETRIES
        {
            tries += 1;
            let lost = STARTUP_CRASHES.fetch_add(1, Ordering::SeqCst) + 1;
            eprintln!(
                "start-up crash #{lost} (Open MPI under PMIx), submitting again:\n{}",
                other.join("\n")
            );
            let out = run_with_timeout(cluster.command("scancel", &[&id]), common::TIMEOUT);
            assert!(out.status.success(), "scancel: {out:?}");
            wait_for_job(&cluster, &id, common::TIMEOUT);
            dir = common::temp_dir();
            id = submit(dir.path());
            started = Instant::now();
            continue;
        }
        let stop = json.iter().find_map(|l| l.get("stopped")).cloned();
        if let Some(stop) = stop {
            let at = stop["generation"].as_u64().unwrap();
            let resumed = other
                .iter()
                .any(|l| l.contains(&format!("resuming from generation {at}")));
            let after = json
                .iter()
                .skip_while(|l| l.get("stopped").is_none())
                .filter(|l| l["generation"].as_u64().is_some_and(|g| g > at))
                .map(|l| {
                    (
                        l["generation"].as_u64().unwrap(),
                        l["population"].as_u64().unwrap(),
                        l["hash"].as_str().unwrap().to_owned(),
                    )
                })
                .next();
            if let (true, Some(after)) = (resumed, after) {
                break (stop, after);
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "no stop and resume within 3 minutes: {:#?}",
            job_output(dir.path())
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let restarts = job_field(&cluster, &id, "Restarts");
    let out = run_with_timeout(cluster.command("scancel", &[&id]), common::TIMEOUT);
    assert!(out.status.success(), "scancel: {out:?}");
    eprintln!(
        "time limit 1 min {extra:?}: stopped by Slurm after {:?} at {stop}, requeued (Restarts={restarts}), resumed to {resumed_report:?}",
        started.elapsed()
    );
    assert_eq!(stop["signal"], signal, "{stop}");
    assert_ne!(restarts, "0");
    assert_stop_is_the_soup_alone(&stop);
    assert_eq!(resumed_report, soup_alone_to(resumed_report.0));
}

/// The [`endless_soup`] run by one rank to `generation`: its last report.
fn soup_alone_to(generation: u64) -> (u64, u64, String) {
    let args = endless_soup(generation);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    uninterrupted_run(&args)
}

/// A `stopped` line's generation, population and hash are one rank's at
/// that generation.
fn assert_stop_is_the_soup_alone(stop: &serde_json::Value) {
    let at = stop["generation"].as_u64().unwrap();
    assert_eq!(
        (
            at,
            stop["population"].as_u64().unwrap(),
            stop["hash"].as_str().unwrap().to_owned()
        ),
        soup_alone_to(at),
        "the stop is the uninterrupted run's generation {at}"
    );
}

/// Slurm's own signal ahead of a time limit, not one sent by hand: a job
/// given one minute and `--signal=USR1@40` is signalled by slurmctld's
/// timer some 20-45 s in (its resolution lets it fire early). The run is
/// far longer than the limit, so the signal always finds it running: the
/// ranks stop at a generation they agree on and write the checkpoint, the
/// script requeues the job, and the next start resumes from there.
#[test]
fn a_job_signalled_by_slurm_ahead_of_its_time_limit_stops_requeues_and_resumes_exactly() {
    stopped_by_slurm_requeued_and_resumed(
        |_| PathBuf::from(REQUEUE_SCRIPT),
        &["--signal=USR1@40"],
        "SIGUSR1",
    );
}

/// The hard time limit, with no `--signal` ahead of it: the example
/// script with its `#SBATCH --signal` line taken out, given one minute.
/// At the limit Slurm sends SIGTERM to every process of the job, the
/// script's own shell and its `tee` included, and SIGKILL KillWait
/// seconds later: the ranks stop and write the checkpoint, the script
/// (kept alive by its trap) requeues the job, which Slurm does not do for
/// a job ended by its time limit, and the next start resumes exactly.
#[test]
fn a_job_that_reaches_its_hard_time_limit_stops_requeues_and_resumes_exactly() {
    let without_signal = |dir: &Path| {
        let text = std::fs::read_to_string(REQUEUE_SCRIPT).unwrap();
        assert!(
            text.contains("#SBATCH --signal="),
            "the script has a --signal line"
        );
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("#SBATCH --signal="))
            .collect();
        let script = dir.join("life-requeue-no-signal.sbatch");
        std::fs::write(&script, kept.join("\n") + "\n").unwrap();
        script
    };
    stopped_by_slurm_requeued_and_resumed(without_signal, &[], "SIGTERM");
}

/// A plain `scancel` sends SIGTERM to the script's shell as the time
/// limit does: the ranks still stop at an agreed generation with the
/// checkpoint written there, but the script must tell the two apart
/// (Slurm's reason for ending the job) and leave a cancelled job
/// cancelled, not requeue it.
#[test]
fn scancel_of_the_requeue_script_stops_it_with_its_checkpoint_and_does_not_requeue_it() {
    let Some(cluster) = Cluster::up() else { return };
    let dir = common::temp_dir();
    let endless = endless_soup(1_000_000_000);
    let endless: Vec<&str> = endless.iter().map(String::as_str).collect();
    let script = Path::new(REQUEUE_SCRIPT);
    let id = submit_requeue_run(&cluster, script, dir.path(), 1000, &[], &endless);
    wait_for_generation(dir.path(), 1000);
    let out = run_with_timeout(cluster.command("scancel", &[&id]), common::TIMEOUT);
    assert!(out.status.success(), "scancel: {out:?}");
    let state = wait_for_job(&cluster, &id, common::TIMEOUT);
    let (json, other) = job_output(dir.path());
    assert_eq!(state, "CANCELLED", "{other:#?}");
    assert_eq!(job_field(&cluster, &id, "Restarts"), "0", "{other:#?}");
    assert!(
        other.iter().any(|l| l.contains("not requeued")),
        "{other:#?}"
    );
    let stop = json
        .iter()
        .find_map(|l| l.get("stopped"))
        .unwrap_or_else(|| panic!("no stop line: {other:#?}"));
    assert_eq!(stop["signal"], "SIGTERM", "{stop}");
    let at = stop["generation"].as_u64().unwrap();
    let saved = std::fs::read_to_string(dir.path().join("run.rle")).unwrap();
    let first = saved.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("#CXRLE") && first.ends_with(&format!("Gen={at}")),
        "the checkpoint is the stop's: {first}"
    );
    assert_stop_is_the_soup_alone(stop);
}

#[test]
fn a_job_that_loses_a_node_goes_on_from_its_last_checkpoint_with_the_same_hash() {
    let Some(cluster) = Cluster::up() else { return };
    let dir = common::temp_dir();
    let every = 500;
    let id = submit_requeue_job(&cluster, dir.path(), every, &[]);
    wait_for_generation(dir.path(), every + 200);
    cluster.ns.script("crash", &["2"]);
    let crashed_at = Instant::now();
    let state = std::panic::catch_unwind(|| wait_for_job(&cluster, &id, Duration::from_secs(80)))
        .unwrap_or_else(|_| panic!("the job's output: {:#?}", job_output(dir.path()).1));
    let (json, other) = job_output(dir.path());
    assert_eq!(state, "COMPLETED", "{other:#?}");
    eprintln!(
        "node 2 crashed: the job completed {:?} later",
        crashed_at.elapsed()
    );
    // The last such line: Open MPI 4.1.4 now and then segfaults in
    // MPI_Init under srun (status 139 at generation 0), and the script
    // goes on from there too, before the node is lost (seen in CI).
    let line = other
        .iter()
        .rev()
        .find(|l| l.contains("generations lost"))
        .unwrap_or_else(|| panic!("no generations lost line: {other:#?}"));
    eprintln!("{line}");
    let lost: u64 = line
        .split(": ")
        .last()
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line}"));
    assert!(
        lost <= every,
        "{lost} generations lost, more than one interval"
    );
    assert!(
        line.contains(&cluster.node(1)) && !line.contains(&cluster.node(2)),
        "went on without node 2: {line}"
    );
    assert_eq!(
        reports_of(&json[json.len() - 1..]).pop().unwrap(),
        uninterrupted()
    );
}
