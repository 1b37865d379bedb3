//! The live view without a terminal or MPI, in one test binary: its
//! widgets and presenter mode drawn on ratatui's TestBackend (insta
//! snapshots), and the main loop driven by scripted events, with the ranks
//! in-process through the same per-rank code as under mpirun.

mod event_loop;
mod presenter_widgets;
mod widgets;
