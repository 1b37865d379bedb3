//! Facts about how this process was launched, read before MPI starts.

/// This process's rank as the launcher announces it in the environment
/// (Open MPI, MPICH/Hydra, Slurm), or None when started without one.
pub fn env_rank() -> Option<usize> {
    [
        "OMPI_COMM_WORLD_RANK",
        "PMI_RANK",
        "PMIX_RANK",
        "SLURM_PROCID",
    ]
    .iter()
    .find_map(|name| std::env::var(name).ok()?.parse().ok())
}

/// True when Open MPI's `mpirun` (through its daemons) started this
/// process, rather than Slurm's `srun` or nobody.
pub fn under_mpirun() -> bool {
    std::env::var_os("OMPI_MCA_orte_hnp_uri").is_some()
}

/// How long a rank waits for silent peers before it gives up, unless
/// `--peer-timeout` says. Under mpirun a cut link is noticed by mpirun's
/// own connections to its daemons (10-12 s with the README's keepalive
/// settings), which then end both sides; a rank that gave up first would
/// make mpirun send its daemon behind the cut a message, and a TCP
/// connection with data in flight never runs its keepalive, so both
/// would hang. Under srun nothing ends the far side: 10 s.
pub fn default_peer_timeout() -> u64 {
    if under_mpirun() { 20 } else { 10 }
}

/// The hidden, test-only switch that makes one rank panic mid-run, to test
/// that a fault ends the whole job: `LIFE_TUI_TEST_PANIC=<rank>:<generation>`.
pub const TEST_PANIC_VAR: &str = "LIFE_TUI_TEST_PANIC";

/// The rank and the generation the test-only switch asks a panic for.
/// Every rank knows it, so that all end their batches of generations
/// where that rank stops.
pub fn test_panic_point() -> Option<(usize, u64)> {
    let value = std::env::var(TEST_PANIC_VAR).ok()?;
    let (target, generation) = value.split_once(':')?;
    Some((target.trim().parse().ok()?, generation.trim().parse().ok()?))
}

/// The generation before which `rank` must panic, if the test-only switch
/// asks for one on this rank.
pub fn test_panic_generation(rank: usize) -> Option<u64> {
    test_panic_point().and_then(|(target, generation)| (target == rank).then_some(generation))
}

/// The panic the test-only switch asks for.
pub fn test_panic(rank: usize, generation: u64) -> ! {
    panic!("test-only panic on rank {rank} at generation {generation} ({TEST_PANIC_VAR})")
}

/// The hidden, test-only switch that makes one rank compute `factor`
/// times slower, to test rebalancing: `LIFE_TUI_TEST_SLOW=<rank>:<factor>`.
pub const TEST_SLOW_VAR: &str = "LIFE_TUI_TEST_SLOW";

/// How many times slower `rank` must compute, if the test-only switch
/// asks for it on this rank.
pub fn test_slowdown(rank: usize) -> Option<f64> {
    let value = std::env::var(TEST_SLOW_VAR).ok()?;
    let (target, factor) = value.split_once(':')?;
    let target: usize = target.trim().parse().ok()?;
    let factor: f64 = factor.trim().parse().ok()?;
    (target == rank && factor > 1.0).then_some(factor)
}

/// Idles as long as computing `spent` `factor` times over would have
/// taken longer, and returns how long that was.
pub fn test_slow_down(spent: std::time::Duration, factor: f64) -> std::time::Duration {
    let started = std::time::Instant::now();
    std::thread::sleep(spent.mul_f64(factor - 1.0));
    started.elapsed()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every `LIFE_TUI_*` variable the program's source names.
    fn variables_in(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                variables_in(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                for (at, _) in text.match_indices("\"LIFE_TUI_") {
                    let name: String = text[at + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect();
                    found.insert(name);
                }
            }
        }
    }

    #[test]
    fn the_readme_names_every_variable_the_program_reads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = BTreeSet::new();
        variables_in(&root.join("src"), &mut found);
        variables_in(&root.join("core/src"), &mut found);
        // Set by build.rs for the compiler, not read at run time.
        found.remove("LIFE_TUI_COMMIT");
        assert!(found.contains("LIFE_TUI_TEST_PANIC"), "{found:?}");
        let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
        let table = &readme[readme
            .find("## Environment variables")
            .expect("the section")..];
        let table = &table[..table.find("\n## ").unwrap_or(table.len())];
        for name in &found {
            assert!(
                table.contains(&format!("| `{name}")),
                "README.md's environment table has no row for {name}"
            );
        }
    }
}
