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

/// The hidden, test-only switch that makes one rank panic mid-run, to test
/// that a fault ends the whole job: `LIFE_TUI_TEST_PANIC=<rank>:<generation>`.
pub const TEST_PANIC_VAR: &str = "LIFE_TUI_TEST_PANIC";

/// The generation before which `rank` must panic, if the test-only switch
/// asks for one on this rank.
pub fn test_panic_generation(rank: usize) -> Option<u64> {
    let value = std::env::var(TEST_PANIC_VAR).ok()?;
    let (target, generation) = value.split_once(':')?;
    let target: usize = target.trim().parse().ok()?;
    (target == rank).then_some(generation.trim().parse().ok()?)
}

/// The panic the test-only switch asks for.
pub fn test_panic(rank: usize, generation: u64) -> ! {
    panic!("test-only panic on rank {rank} at generation {generation} ({TEST_PANIC_VAR})")
}
