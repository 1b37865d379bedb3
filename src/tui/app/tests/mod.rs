//! The App's own tests, as its children (they set and read its private
//! state): its widgets and presenter mode drawn on ratatui's TestBackend
//! (insta snapshots), with the ranks in-process through the same per-rank
//! code as under mpirun. The main loop's tests are in `tui/tests`.

mod presenter_widgets;
mod widgets;
