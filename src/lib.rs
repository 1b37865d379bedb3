//! life-tui: Conway's Game of Life over MPI row strips, live in the terminal.
//!
//! The engine, the pattern formats, checkpoints, atomic files and the viewport raster
//! are the MPI-free `life-core` crate (`core/`), re-exported here under the
//! same names.

pub use life_core::{checkpoint, engine, files, pattern, view};

pub mod cli;
pub mod cluster;
pub mod config;
pub mod error;
pub mod exit;
pub mod headless;
pub mod input;
pub mod json_lines;
pub mod keys;
pub mod launch;
pub mod live;
pub mod memory;
pub mod playlist;
pub mod signals;
pub mod tui;

#[cfg(test)]
mod layering;
