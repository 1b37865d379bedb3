//! life-tui: Conway's Game of Life over MPI row strips, live in the terminal.

pub mod engine;
pub mod pattern;
