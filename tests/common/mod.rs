//! Running the real binary, alone or under a real `mpirun`, with a timeout
//! so that a hung rank fails the test instead of stalling the suite.
#![allow(dead_code)]

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_life-tui");

/// How long any one launched job may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Open MPI's settings for this machine: root only when we are root (real
/// users are not), more ranks than cores, containers without ptrace.
pub fn mpi_env(command: &mut Command) -> &mut Command {
    if rustix::process::geteuid().is_root() {
        command
            .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }
    command
        .env("OMPI_MCA_rmaps_base_oversubscribe", "1")
        .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
}

/// mpirun's flags for a job that reads no keyboard: no banner on a failed
/// rank, no stdin forwarding, ranks not pinned (more ranks than cores).
pub const MPIRUN_FLAGS: [&str; 5] = ["-q", "--stdin", "none", "--bind-to", "none"];

/// The MPI launcher the tests use: Open MPI's `mpirun`, unless
/// `LIFE_TUI_MPIRUN` names another (`make test-mpich` sets `mpiexec.mpich`,
/// MPICH's Hydra, which takes only `-n N`).
pub fn other_launcher() -> Option<String> {
    std::env::var("LIFE_TUI_MPIRUN")
        .ok()
        .filter(|l| !l.is_empty() && l != "mpirun")
}

/// `mpirun -q --stdin none -np N life-tui ARGS` (or `$LIFE_TUI_MPIRUN -n N
/// life-tui ARGS`).
pub fn mpirun_command(np: usize, args: &[&str]) -> Command {
    launch_command(np, BIN, args)
}

/// [`mpirun_command`] of any `program`, such as a shell that starts
/// life-tui later on some ranks.
pub fn launch_command(np: usize, program: &str, args: &[&str]) -> Command {
    if let Some(launcher) = other_launcher() {
        let mut command = Command::new(launcher);
        command.args(["-n", &np.to_string(), program]).args(args);
        return command;
    }
    let mut command = Command::new("mpirun");
    mpi_env(&mut command);
    command
        .args(MPIRUN_FLAGS)
        .args(["-np", &np.to_string(), program])
        .args(args);
    command
}

pub fn mpirun(np: usize, args: &[&str]) -> Output {
    run_with_timeout(mpirun_command(np, args), TIMEOUT)
}

/// `life-tui ARGS` without mpirun (a one-rank singleton job).
pub fn alone(args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    mpi_env(&mut command);
    command.args(args);
    run_with_timeout(command, TIMEOUT)
}

/// Runs `command` to completion, failing the test if it outlives `limit`.
pub fn run_with_timeout(mut command: Command, limit: Duration) -> Output {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .expect("spawn (is Open MPI installed? run `make deps`)");
    let stdout = drain(child.stdout.take().expect("piped"));
    let stderr = drain(child.stderr.take().expect("piped"));
    let status = wait_or_kill(&mut child, limit);
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for `child` to end by itself, failing the test after `limit`.
pub fn wait_or_kill(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if start.elapsed() > limit {
            take_down(child);
            panic!("timed out after {limit:?}: the job hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGTERM lets mpirun take its ranks down with it; then make sure.
fn take_down(child: &mut Child) {
    let pid = rustix::process::Pid::from_child(child);
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    std::thread::sleep(Duration::from_secs(2));
    let _ = child.kill();
    let _ = child.wait();
}

/// A job running in the background, taken down when dropped: a test that
/// fails half-way must not leave its job running (dropping a plain
/// `Child` leaves the process alone).
pub struct Job(pub Child);

impl std::ops::Deref for Job {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Job {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            take_down(&mut self.0);
        }
    }
}

pub fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The parsed JSON lines of a headless run; fails unless it succeeded.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    assert!(
        output.status.success(),
        "run failed: {:?}\nstderr: {}",
        output.status,
        stderr_of(output)
    );
    stdout_of(output).lines().map(json_line).collect()
}

/// One line of a headless run's stdout, parsed and checked against the
/// documented format, `docs/json-lines.schema.json`: every test that reads
/// a report checks the documentation too.
pub fn json_line(line: &str) -> serde_json::Value {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json-lines.schema.json");
        let text = std::fs::read_to_string(path).expect("docs/json-lines.schema.json");
        let schema = serde_json::from_str(&text).expect("the schema is JSON");
        jsonschema::validator_for(&schema).expect("the schema is a JSON Schema")
    });
    let value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    let errors: Vec<String> = schema
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not as docs/json-lines.schema.json says: {line}\n{}",
        errors.join("\n")
    );
    value
}

/// The `summary` object of a successful headless run.
pub fn summary(output: &Output) -> serde_json::Value {
    let lines = json_lines(output);
    let last = lines.last().expect("at least the summary line");
    last.get("summary")
        .unwrap_or_else(|| panic!("the last line is not the summary: {last}"))
        .clone()
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Pids of the processes below `pid`.
pub fn descendants(pid: u32) -> Vec<u32> {
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

/// The pid of the life-tui process of MPI rank `rank` below `ancestor`.
pub fn rank_pid_below(ancestor: u32, rank: usize) -> Option<u32> {
    let wanted = format!("OMPI_COMM_WORLD_RANK={rank}");
    descendants(ancestor).into_iter().find(|pid| {
        std::fs::read(format!("/proc/{pid}/environ"))
            .is_ok_and(|env| env.split(|&b| b == 0).any(|var| var == wanted.as_bytes()))
            && std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "life-tui")
    })
}

/// Starts `command` in the background with no stdin and stdout discarded,
/// stderr as given; the job is taken down if the test ends first.
pub fn spawn_job(mut command: Command, stderr: Stdio) -> Job {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn mpirun");
    Job(child)
}

/// (generation, population, hash) of every report: the JSON lines minus
/// the run's own timing, which differs run to run.
pub fn reports_of(lines: &[serde_json::Value]) -> Vec<(u64, u64, String)> {
    lines
        .iter()
        .map(|line| {
            let line = line.get("summary").unwrap_or(line);
            (
                line["generation"]
                    .as_u64()
                    .or(line["generations"].as_u64())
                    .expect("a generation"),
                line["population"].as_u64().expect("a population"),
                line["hash"].as_str().expect("a hash").to_owned(),
            )
        })
        .collect()
}

pub fn reports(output: &Output) -> Vec<(u64, u64, String)> {
    reports_of(&json_lines(output))
}
