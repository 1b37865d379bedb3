//! life-tui: Conway's Game of Life over MPI row strips, live in the terminal.

pub mod checkpoint;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod engine;
pub mod files;
pub mod headless;
pub mod launch;
pub mod pattern;
pub mod tui;
