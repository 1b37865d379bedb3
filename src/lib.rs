//! life-tui: Conway's Game of Life over MPI row strips, live in the terminal.

pub mod checkpoint;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod engine;
pub mod error;
pub mod exit;
pub mod files;
pub mod headless;
pub mod input;
pub mod keys;
pub mod launch;
pub mod live;
pub mod memory;
pub mod pattern;
pub mod signals;
pub mod tui;
pub mod view;

#[cfg(test)]
mod layering;
