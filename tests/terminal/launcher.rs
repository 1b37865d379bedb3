//! The README's MPICH launch line, `mpiexec -n N life-tui --tty $(tty)
//! </dev/null`, in a real terminal (a tmux pane), under MPICH's Hydra in
//! `make test-mpich` (`LIFE_TUI_MPIRUN=mpiexec.mpich`): no rank has a
//! controlling terminal there, and rank 0 draws on and reads the terminal
//! it is given. In `make test` the same line runs under Open MPI's
//! `mpiexec`, which needs `--stdin none` as well: without it mpirun hands
//! rank 0 a pipe (at end of file, from /dev/null) and rank 0 reads its keys
//! from there.

use crate::common::{BIN, other_launcher};
use crate::tui_pane::{PATIENCE, Pane, assert_sane_terminal, exit_code, generation, has_braille};

#[test]
fn mpiexec_with_the_tty_option_draws_takes_keys_and_quits_cleanly() {
    let launcher = other_launcher().unwrap_or_else(|| "mpiexec --stdin none".to_owned());
    let pane = Pane::start(80, 24);
    pane.line(&format!(
        "clear; {launcher} -n 3 {BIN} --tty $(tty) --seed 4 </dev/null; echo EXIT=$?"
    ));
    let screen = pane.wait_for("the grid and gen N", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > 0) && has_braille(s)
    });
    assert!(pane.alternate_on());
    assert!(screen.contains("3 ranks"), "status bar: {screen}");
    let first = generation(&screen).unwrap();
    pane.wait_for("gen to advance", PATIENCE, |s| {
        generation(s).is_some_and(|n| n > first)
    });

    pane.keys(" ");
    let screen = pane.wait_for("PAUSED", PATIENCE, |s| s.contains("PAUSED"));
    let paused = generation(&screen).unwrap();
    pane.keys("n");
    pane.wait_for("one step", PATIENCE, |s| generation(s) == Some(paused + 1));
    pane.keys("o");
    pane.wait_for("every rank's strip labelled", PATIENCE, |s| {
        (0..3).all(|r| s.contains(&format!(" rank {r} ")))
    });

    pane.keys("q");
    let screen = pane.wait_for("the shell back", PATIENCE, |s| exit_code(s).is_some());
    assert_eq!(exit_code(&screen), Some(0), "{launcher}: {screen}");
    assert_sane_terminal(&pane);
}
