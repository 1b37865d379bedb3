//! Past one machine, simulated on this one (root only: network
//! namespaces), in one test binary:
//! - `multihost`: hosts over real TCP under Open MPI's rsh launcher
//!   (`scripts/multihost.sh`);
//! - `slurm`: a real Slurm cluster (`scripts/slurm.sh`): srun, sbatch,
//!   salloc, the live view through `srun --pty`, faults, signals, requeue.
//!
//! One part alone: `cargo test --profile ci --test cluster -- slurm::`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../tui_pane/mod.rs"]
mod tui_pane;

mod multihost;
mod namespaces;
mod slurm;
