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
