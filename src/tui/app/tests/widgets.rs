//! The live view's widgets on ratatui's TestBackend, as insta snapshots:
//! each render mode, zoomed out, the rank overlay and panel, the status bar
//! and the help overlay. The ranks run in-process (no MPI) through the same
//! per-rank code as under mpirun.

use crate::config::RunConfig;
use crate::engine::BitGrid;
use crate::live::{Command, Control, Edit};
use crate::live::{LocalRanks, Ranks};
use crate::tui::app::{App, Phase, RankPanel, RenderMode, RunInfo};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

const SEED: u64 = 7;

fn config(width: usize, height: usize) -> RunConfig {
    RunConfig::soup(width, height, SEED, 0.3)
}

/// An app over `ranks` in-process ranks on a screen, after one round.
fn app_after_round(
    screen: (u16, u16),
    grid: (usize, usize),
    ranks: usize,
    set: impl FnOnce(&mut App),
) -> (App, LocalRanks) {
    let screen = Rect::new(0, 0, screen.0, screen.1);
    let config = config(grid.0, grid.1);
    let mut engine = LocalRanks::new(&config, ranks);
    let info = RunInfo::of(&config, engine.decomposition());
    let mut app = App::new(info, SEED, screen);
    set(&mut app);
    app.areas = app.layout(screen);
    let control = app.control(0);
    let result = engine.round(&control);
    app.absorb(&control, result);
    // Times and rates vary from run to run: pin them for the snapshot.
    app.generation = 1234;
    app.gens_per_second = 30.0;
    app.frames_per_second = 30.0;
    for (rank, panel) in app.ranks.iter_mut().enumerate() {
        *panel = RankPanel {
            compute: 40e-6 + 10e-6 * rank as f64,
            wait: 5e-6 * (ranks - rank) as f64,
            ..panel.clone()
        };
    }
    (app, engine)
}

fn draw(app: &App) -> TestBackend {
    let area = app.areas.grid.union(app.areas.hint);
    let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .unwrap();
    terminal.backend().clone()
}

#[test]
fn braille_fills_the_screen_one_cell_per_dot() {
    let screen = Rect::new(0, 0, 60, 16);
    let grid = App::initial_grid_dots(screen);
    assert_eq!(grid, (120, 56));
    let (app, _) = app_after_round((60, 16), grid, 1, |_| {});
    assert_eq!(app.view.x0, 0);
    assert_eq!(app.view.y0, 0);
    insta::assert_snapshot!(draw(&app));
}

#[test]
fn half_blocks() {
    let (app, _) = app_after_round((60, 16), (60, 28), 2, |app| {
        app.mode = RenderMode::HalfBlock
    });
    insta::assert_snapshot!(draw(&app));
}

#[test]
fn blocks_show_one_cell_per_two_characters() {
    let (app, _) = app_after_round((60, 16), (30, 14), 2, |app| app.mode = RenderMode::Blocks);
    insta::assert_snapshot!(draw(&app));
}

#[test]
fn zoomed_out_blocks_are_shaded_by_density() {
    let (app, _) = app_after_round((60, 16), (240, 112), 3, |app| {
        app.mode = RenderMode::Blocks;
        app.scale = 8;
    });
    assert_eq!(app.view.scale, 8);
    let text = draw(&app).to_string();
    assert!(text.contains('░') || text.contains('▒'), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn zoomed_out_braille_shows_any_live_cell() {
    let (app, _) = app_after_round((60, 16), (960, 448), 4, |app| app.scale = 8);
    insta::assert_snapshot!(draw(&app));
}

#[test]
fn rank_overlay_and_side_panel() {
    let (app, _) = app_after_round((110, 24), (160, 88), 4, |app| {
        app.overlay = true;
        app.panel = true;
    });
    assert!(app.areas.panel.is_some());
    let backend = draw(&app);
    let text = backend.to_string();
    for rank in 0..4 {
        assert!(text.contains(&format!("rank {rank}")), "{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn status_bar_when_paused_and_hint_message() {
    let (mut app, _) = app_after_round((100, 6), (40, 16), 4, |app| {
        app.paused = true;
        app.panel = false;
    });
    app.message = Some("saved life-1234.rle (321 live cells)".into());
    let backend = draw(&app);
    let text = backend.to_string();
    assert!(
        text.contains("gen 1234") && text.contains("PAUSED"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn help_overlay_lists_the_keys() {
    let (app, _) = app_after_round((80, 24), (160, 88), 2, |app| app.phase = Phase::Help);
    let text = draw(&app).to_string();
    for key in ["space", "save", "quit", "zoom", "overlay"] {
        assert!(text.contains(key), "{key} missing:\n{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn edits_land_on_the_owning_rank_and_save_gathers_the_grid() {
    let config = config(20, 12);
    let mut engine = LocalRanks::new(&config, 3);
    let clear = Control {
        command: Command::Clear,
        steps: 0,
        view: crate::view::Viewport::EMPTY,
        edits: [(1, 3), (2, 4), (0, 5), (1, 5), (2, 5)]
            .iter()
            .map(|&(x, y)| Edit { x, y, alive: true })
            .collect(),
        checkpoint: false,
        hash: false,
    };
    engine.round(&clear);
    let saved = engine
        .round(&Control {
            command: Command::Save,
            steps: 4,
            ..clear.clone()
        })
        .grid
        .expect("save gathers the grid");
    let mut expected = BitGrid::new(20, 12);
    for (x, y) in [(2, 4), (3, 5), (1, 6), (2, 6), (3, 6)] {
        expected.set(x, y, true);
    }
    assert_eq!(saved, expected, "a glider across rank seams moves by (1,1)");
}

/// The status bar row of a drawn app.
fn status_line(app: &App) -> String {
    let backend = draw(app);
    let buffer = backend.buffer();
    let row = app.areas.status.y;
    (0..buffer.area.width)
        .map(|x| buffer[(x, row)].symbol().to_string())
        .collect()
}

#[test]
fn status_bar_drops_whole_fields_least_important_first() {
    // A 20-digit seed, as `r` picks them, is the hardest case.
    let seed = 18_446_744_073_709_551_557u64;
    let fields = [
        "30/max gen/s",
        "30 fps",
        "4 ranks",
        "40x16",
        "B3/S23 torus",
        "seed 18446744073709551557",
        "braille 1:1",
    ];
    let mut dropped_before = 0;
    for width in (27..=130).rev() {
        let (app, _) = app_after_round((width, 6), (40, 16), 4, |app| {
            app.paused = true;
            app.panel = false;
            app.speed = crate::tui::app::SPEEDS.len() - 1;
        });
        let mut app = app;
        app.seed = seed;
        let line = status_line(&app);
        assert!(
            line.starts_with(" gen 1234  PAUSED  pop "),
            "{width}: {line}"
        );
        let shown: Vec<bool> = fields.iter().map(|f| line.contains(f)).collect();
        // Whole fields or none: the bar ends with a complete one.
        let end = line.trim_end();
        assert!(
            end.ends_with("pop 190") || fields.iter().any(|f| end.ends_with(f)),
            "{width}: a field is cut: {line}"
        );
        let dropped = shown.iter().filter(|s| !**s).count();
        assert!(
            dropped >= dropped_before,
            "{width}: fields came back: {line}"
        );
        dropped_before = dropped;
        if width >= 80 {
            assert!(
                shown[0] && shown[2] && shown[5],
                "{width}: rate, ranks and the seed fit in 80 columns: {line}"
            );
        }
        if width >= 55 {
            assert!(shown[5], "{width}: the seed goes last: {line}");
        }
        if width == 130 {
            assert!(shown.iter().all(|s| *s), "{width}: {line}");
        }
        if width == 80 {
            insta::assert_snapshot!("status_bar_at_80_columns", line);
        }
    }
    // With a short seed, 80 columns keep the mode too; fps goes first.
    let (app, _) = app_after_round((80, 6), (40, 16), 4, |app| app.panel = false);
    let line = status_line(&app);
    assert!(
        line.contains("seed 7") && line.contains("braille 1:1") && !line.contains("fps"),
        "{line}"
    );
}

#[test]
fn status_bar_shows_the_pattern_name() {
    let (app, _) = app_after_round((80, 12), (40, 32), 2, |app| {
        app.pattern = Some("gosper_glider_gun".into());
        app.panel = false;
    });
    let text = draw(&app).to_string();
    assert!(status_line(&app).contains("gosper_glider_gun"), "{text}");
    assert!(!text.contains("seed"), "the name replaces the seed: {text}");
    insta::assert_snapshot!(text);
}

/// The live view on the unbounded plane, in-process: the same rounds and
/// the same widgets as under mpirun, over bands of tiles.
mod plane {
    use super::*;
    use crate::cli;
    use crate::config::PlaneConfig;
    use crate::live::plane::LocalPlaneRanks;
    use crate::pattern::{self, library};
    use termina::event::{KeyCode, KeyEvent, Modifiers, MouseButton, MouseEvent, MouseEventKind};

    fn gun() -> PlaneConfig {
        let cli = cli::parse(["life-tui", "--pattern", "gosper-glider-gun"])
            .unwrap()
            .unwrap();
        let text = library::find("gosper-glider-gun").unwrap();
        let pattern = pattern::parse(text.as_bytes()).unwrap();
        PlaneConfig::resolve(&cli, Some(("gosper-glider-gun".into(), pattern))).unwrap()
    }

    fn round(app: &mut App, ranks: &mut LocalPlaneRanks, steps: u64) {
        let control = app.control(steps);
        let result = ranks.round(&control);
        app.absorb(&control, result);
    }

    fn press(app: &mut App, c: char) {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), Modifiers::NONE));
    }

    fn plane_app(ranks: usize) -> (App, LocalPlaneRanks) {
        let config = gun();
        let screen = Rect::new(0, 0, 100, 30);
        let mut app = App::new(RunInfo::of_plane(&config, ranks), 0, screen);
        app.center = crate::live::plane::middle(&config);
        (app, LocalPlaneRanks::new(&config, ranks))
    }

    /// Rows and columns of the grid area holding any braille dot.
    fn inked(backend: &TestBackend, app: &App) -> (Vec<u16>, Vec<u16>) {
        let grid = app.areas.grid;
        let buffer = backend.buffer();
        let mut rows = Vec::new();
        let mut columns = Vec::new();
        for y in grid.top()..grid.bottom() {
            for x in grid.left()..grid.right() {
                let symbol = buffer[(x, y)].symbol();
                if symbol
                    .chars()
                    .any(|c| ('\u{2801}'..='\u{28ff}').contains(&c))
                {
                    rows.push(y);
                    columns.push(x);
                }
            }
        }
        rows.sort();
        rows.dedup();
        columns.sort();
        columns.dedup();
        (rows, columns)
    }

    #[test]
    fn f_fits_the_gun_and_keeps_fitting_as_its_stream_grows() {
        let (mut app, mut ranks) = plane_app(3);
        round(&mut app, &mut ranks, 0);
        press(&mut app, 'f');
        for generation in [500u64, 3000, 6000] {
            let steps = generation - app.generation;
            round(&mut app, &mut ranks, steps);
            // The next round's viewport fits this round's box.
            round(&mut app, &mut ranks, 0);
            let bbox = app.bbox.expect("the gun lives");
            let view = app.view;
            let span = |dots: usize| dots as i64 * view.scale as i64;
            assert!(
                view.x0 <= bbox.x0 && bbox.x1 < view.x0 + span(view.dots_w),
                "{view:?} {bbox:?}"
            );
            assert!(
                view.y0 <= bbox.y0 && bbox.y1 < view.y0 + span(view.dots_h),
                "{view:?} {bbox:?}"
            );
            // Fitted, not lost in a corner (a whole scale may leave up to half).
            let backend = draw(&app);
            let (rows, columns) = inked(&backend, &app);
            let grid = app.areas.grid;
            assert!(
                rows.len() * 10 >= usize::from(grid.height) * 4,
                "rows {rows:?} at {generation}"
            );
            assert!(
                columns.len() * 10 >= usize::from(grid.width) * 4,
                "columns at {generation}"
            );
            // Golly's plane: the stream never wraps into the gun.
            let population: u64 = app.population;
            let want = [(500, 134), (3000, 536), (6000, 1036)];
            if let Some(&(_, pop)) = want.iter().find(|(g, _)| *g == generation) {
                assert_eq!(population, pop, "population at {generation}");
            }
            let text = format!("{backend:?}");
            assert!(
                text.contains(&format!("bbox {},{}", bbox.x0, bbox.y0)),
                "{text}"
            );
        }
        // Panning ends the fitting; the view then stays where it was put.
        press(&mut app, 'l');
        let x0 = app.view.x0;
        round(&mut app, &mut ranks, 300);
        round(&mut app, &mut ranks, 0);
        assert!(!app.fitting);
        assert!(app.view.x0 > x0);
    }

    #[test]
    fn clicks_draw_anywhere_on_the_plane_in_every_band() {
        let (mut app, mut ranks) = plane_app(2);
        app.mode = RenderMode::Blocks;
        app.paused = true;
        round(&mut app, &mut ranks, 0);
        // Far up and to the left, where no grid would reach.
        app.center = (-1_000_000_000_000, -5_000_000_000);
        round(&mut app, &mut ranks, 0);
        let before = app.population;
        let click = |app: &mut App, column: u16, row: u16| {
            for kind in [
                MouseEventKind::Down(MouseButton::Left),
                MouseEventKind::Up(MouseButton::Left),
            ] {
                app.handle_mouse(MouseEvent {
                    kind,
                    column,
                    row,
                    modifiers: Modifiers::NONE,
                });
            }
        };
        click(&mut app, 10, 3);
        click(&mut app, 20, 5);
        let cell = app.cell_at(10, 3).unwrap();
        assert!(
            cell.0 < -999_999_999_000 && cell.1 < -4_999_999_000,
            "{cell:?}"
        );
        round(&mut app, &mut ranks, 0);
        assert_eq!(app.population, before + 2);
        let bbox = app.bbox.unwrap();
        assert_eq!((bbox.x0, bbox.y0), cell);
        // Saved with its place and generation, as Golly reads it.
        app.pending.command = Command::Save;
        let control = app.control(0);
        let result = ranks.round(&control);
        let tiles = result.tiles.expect("the save gathers the tiles");
        let text = crate::checkpoint::plane_rle("gun", app.info.rule, 0, &tiles);
        assert!(
            text.starts_with(&format!("#CXRLE Pos={},{} Gen=0", cell.0, cell.1)),
            "{text}"
        );
    }

    #[test]
    fn the_overlay_labels_every_band_and_the_panel_shows_open_ends() {
        let (mut app, mut ranks) = plane_app(3);
        app.overlay = true;
        app.panel = true;
        app.areas = app.layout(Rect::new(0, 0, 100, 30));
        round(&mut app, &mut ranks, 0);
        press(&mut app, 'f');
        round(&mut app, &mut ranks, 0);
        let text = format!("{:?}", draw(&app));
        let rows: Vec<_> = app.ranks.iter().map(|r| r.rows.clone()).collect();
        assert_eq!(rows[0].start, i64::MIN);
        assert_eq!(rows[2].end, i64::MAX);
        assert!(
            text.contains(&format!("rows ..{}", rows[0].end - 1)),
            "{text}"
        );
        assert!(
            text.contains(&format!("rows {}..", rows[2].start)),
            "{text}"
        );
        // What only a bounded grid has says so instead of acting.
        press(&mut app, 'b');
        assert!(
            app.message
                .as_deref()
                .unwrap_or("")
                .contains("bounded grid only")
        );
    }
}

/// A launcher that leaves rank 0 no keyboard input: the view says so for
/// good instead of ignoring keys in silence.
#[test]
fn closed_keyboard_input_is_said_on_the_hint_line() {
    let (mut app, _) = app_after_round((100, 20), (64, 32), 1, |_| {});
    // What the main loop does with the input thread's last event.
    app.input_closed();
    assert!(app.input_closed);
    let text = format!("{:?}", draw(&app));
    assert!(text.contains("keyboard input closed"), "{text}");
}
