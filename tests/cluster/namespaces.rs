//! What the simulated hosts and the Slurm cluster share: a set of network
//! namespaces made by a script (`scripts/multihost.sh`, `scripts/slurm.sh`)
//! under an id that names this test process, so that the script's
//! `clean-stale` (run once a script, first) removes the sets of a crashed
//! earlier run and nothing else; listed by the script's `pids`, and taken
//! down when dropped, pass or fail.

use std::process::{Command, Output};

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{self, run_with_timeout, stderr_of};
use crate::tui_pane::PATIENCE;

pub struct Namespaces {
    /// The script that made them.
    pub script: &'static str,
    /// `<prefix><pid>x<n>`: the script's names for them start with it.
    pub id: String,
}

impl Namespaces {
    /// `script up ID up_args...`, or `None` when the user opted out with
    /// `opt_out=1`. Without root it fails, saying why (`what` needs it).
    pub fn up(
        script: &'static str,
        prefix: &str,
        opt_out: &str,
        what: &str,
        up_args: &[&str],
    ) -> Option<Namespaces> {
        if std::env::var_os(opt_out).is_some_and(|v| v == "1") {
            eprintln!("{what} skipped: {opt_out}=1");
            return None;
        }
        assert!(
            rustix::process::geteuid().is_root(),
            "{what} need root to create network namespaces \
             (run `make test` as root, or set {opt_out}=1 to skip them)"
        );
        static CLEANED: Mutex<Vec<&str>> = Mutex::new(Vec::new());
        {
            let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
            if !cleaned.contains(&script) {
                run_script(script, &["clean-stale"]);
                cleaned.push(script);
            }
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let id = format!(
            "{prefix}{}x{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let namespaces = Namespaces { script, id };
        let mut args = vec!["up", &namespaces.id as &str];
        args.extend(up_args);
        run_script(script, &args);
        Some(namespaces)
    }

    /// `script VERB ID args...`, which must succeed.
    pub fn script(&self, verb: &str, args: &[&str]) {
        let mut all = vec![verb, &self.id as &str];
        all.extend(args);
        run_script(self.script, &all);
    }

    /// `script run ID program args...`: a command inside the namespaces.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut command = Command::new(self.script);
        command.args(["run", &self.id, program]).args(args);
        command
    }

    /// Every process in the namespaces (`script pids ID args...`).
    pub fn pids(&self, args: &[&str]) -> Vec<u32> {
        let out = Command::new(self.script)
            .args(["pids", &self.id])
            .args(args)
            .output()
            .expect("the namespace script's pids");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        let out = Command::new(self.script).args(["down", &self.id]).output();
        if let Ok(out) = out
            && !out.status.success()
        {
            eprintln!(
                "{} down {}: {}",
                self.script,
                self.id,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

fn run_script(script: &str, args: &[&str]) -> Output {
    let mut command = Command::new(script);
    command.args(args);
    let out = run_with_timeout(command, common::TIMEOUT);
    assert!(
        out.status.success(),
        "{script} {args:?} failed: {}",
        stderr_of(&out)
    );
    out
}

/// The command name of process `pid`.
pub fn comm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|c| c.trim().to_owned())
}

/// Waits until `ranks()` finds `count` ranks (`place`: where, for the
/// failure), then `settle` longer, past start-up into the generation
/// loop; returns them.
pub fn until_ranks(
    count: usize,
    settle: Duration,
    place: &str,
    ranks: impl Fn() -> Vec<u32>,
) -> Vec<u32> {
    let start = Instant::now();
    loop {
        let found = ranks();
        if found.len() == count {
            std::thread::sleep(settle);
            return found;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "{count} ranks never ran {place} (found {found:?})"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
