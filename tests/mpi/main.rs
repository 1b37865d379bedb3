//! The real binary alone and under a real `mpirun`, headless, in one test
//! binary (each binary links the crate again):
//! - `headless`: bit-identical to the serial engine for every rank count;
//! - `patterns`: placement, saving, reading back, bad files;
//! - `library`: the built-in patterns' metadata and known behaviour;
//! - `plane_golly`: the unbounded plane against bgolly's QuickLife;
//! - `reliability`: faults, checkpoints and bad input;
//! - `signals`: the scheduler's signals, `--continue`, lost peers.
//!
//! One part alone: `cargo test --profile ci --test mpi -- signals::`.

#[path = "../common/mod.rs"]
mod common;

mod headless;
mod library;
mod patterns;
mod plane_golly;
mod reliability;
mod signals;
