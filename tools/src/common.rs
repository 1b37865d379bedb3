//! What the scaling study (`src/bin/scaling.rs`) and the plane study
//! (`src/bin/plane.rs`) share: the machine's description, the statistics,
//! and reading bgolly's output. A folder module, so that cargo does not take
//! it for a bench target of its own.

use std::process::{Command, Stdio};

use life_tui::engine::Isa;

/// bgolly times under this are timer and start-up noise: ratios use it as
/// the least QuickLife can take, which flatters QuickLife.
pub const GOLLY_FLOOR: f64 = 0.001;

/// The CPU model, core count, whether it is a virtual machine, and the
/// kernel variant life-tui picks on it.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let hypervisor = cpuinfo.contains(" hypervisor");
    format!(
        "{model}, {cores} cores{}, kernel variant {}",
        if hypervisor { " (virtual machine)" } else { "" },
        Isa::detect().name()
    )
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The upper median (the middle value of an odd count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

pub fn geometric_mean(values: &[f64]) -> f64 {
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len().max(1) as f64).exp()
}

pub fn bgolly_found() -> bool {
    Command::new("bgolly")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The population bgolly printed for `generation` (its lines read
/// `1,000: 213`), if it printed one.
pub fn bgolly_population(stdout: &str, generation: u64) -> Option<u64> {
    stdout
        .lines()
        .filter_map(|l| l.split_once(": "))
        .filter(|(g, _)| g.trim().replace(',', "") == generation.to_string())
        .filter_map(|(_, p)| p.trim().replace(',', "").parse().ok())
        .next_back()
}

/// Runs `program` with `args`, waits for it with `wait4` and returns
/// whether it exited with status 0, with its resource usage (peak RSS,
/// CPU time); `None` (said on stderr) when it could not be started.
pub fn run_measured(program: &str, args: &[String]) -> Option<(bool, libc::rusage)> {
    let child = match Command::new(program).args(args).spawn() {
        Ok(child) => child,
        Err(err) => {
            eprintln!("error: cannot run {program}: {err}");
            return None;
        }
    };
    let mut status = 0;
    // SAFETY: rusage is plain data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; both pointers are to live locals.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let ok = pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Some((ok, usage))
}

/// The names of the `.rle` files in `dir` (the built-in patterns), sorted.
pub fn pattern_names(dir: &std::path::Path) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "rle").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    Ok(names)
}
