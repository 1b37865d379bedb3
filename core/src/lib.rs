//! life-tui's core, with no MPI and no terminal: the Game of Life engine
//! (strips of a bounded grid, the unbounded plane, rules, hashes, seeds),
//! the pattern formats and the library of built-in patterns, checkpoints
//! (Golly's extended RLE), atomic file writes, and the viewport raster the
//! live view draws from. `life-tui` re-exports these modules under its own
//! root (`life_tui::engine`, ...), so its code names them as before.

pub mod checkpoint;
pub mod engine;
pub mod files;
pub mod pattern;
pub mod view;
