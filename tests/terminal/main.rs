//! The live view in a real terminal (a tmux pane on a private server),
//! under a real `mpirun`, in one test binary:
//! - `tmux`: frames, keys, mouse, resizes, signals and a sane terminal on
//!   every way out, on the torus and the plane;
//! - `presenter`: `--tour`, `--record`, step back and the charts;
//! - `launcher`: the README's MPICH launch line (`make test-mpich`).
//!
//! The soak (`tests/soak.rs`) is a binary of its own, run after these.
//!
//! One part alone: `cargo test --profile ci --test terminal -- tmux::`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../tui_pane/mod.rs"]
mod tui_pane;

mod launcher;
mod presenter;
mod tmux;
