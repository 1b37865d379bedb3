//! life-tui: Conway's Game of Life over MPI row strips, live in the terminal.

pub mod cli;
pub mod cluster;
pub mod config;
pub mod engine;
pub mod headless;
pub mod launch;
pub mod tui;
