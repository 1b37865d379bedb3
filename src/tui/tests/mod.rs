//! The main loop without a terminal or MPI: driven by scripted events on
//! ratatui's TestBackend, with the ranks in-process through the same
//! per-rank code as under mpirun. It sees the App as the loop does,
//! through its methods.

mod event_loop;
