//! Patterns in real runs: placement, saving, reading back, and the errors
//! a user sees for bad files, under a real `mpirun`.

use crate::common::*;
use life_tui::engine::{BitGrid, Edge, Life, Rule};
use life_tui::pattern;

const GLIDER_RLE: &str = "#N Glider\nx = 3, y = 3, rule = B3/S23\nbob$2bo$3o!\n";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn read_grid(path: &std::path::Path) -> BitGrid {
    pattern::read_file(path)
        .expect("our own output reads back")
        .cells
        .into_grid()
        .expect("a torus's grid")
}

#[test]
fn a_glider_on_a_64_torus_matches_the_serial_engine_after_256_generations_on_any_rank_count() {
    let dir = temp_dir();
    let glider = write(&dir, "glider.rle", GLIDER_RLE);
    let mut start = BitGrid::new(64, 64);
    start.paste_wrapping(
        pattern::parse(GLIDER_RLE.as_bytes())
            .unwrap()
            .cells
            .grid()
            .unwrap(),
        30,
        30,
    );
    let mut serial = Life::new(&start, Rule::LIFE, Edge::Torus);
    serial.run(256);
    let expected = serial.grid();
    // 256 generations move a glider (64, 64): all the way round, home again.
    assert_eq!(expected, start);
    // The glider at (30,30) on a 64x64 torus, run on `np` ranks, saved.
    let run = |np: usize, generations: &str, out_path: &std::path::Path| {
        mpirun(
            np,
            &[
                "--headless",
                "--pattern",
                &glider,
                "--at",
                "30,30",
                "--width",
                "64",
                "--height",
                "64",
                "--generations",
                generations,
                "--output",
                out_path.to_str().unwrap(),
            ],
        )
    };
    for np in 1..=4 {
        let out_path = dir.path().join(format!("out{np}.rle"));
        let out = run(np, "256", &out_path);
        assert_eq!(summary(&out)["population"], 5);
        assert_eq!(read_grid(&out_path), expected, "np={np}");
    }
    // And half-way round, where the glider straddles no seam but is far from home.
    let out_path = dir.path().join("half.rle");
    let out = run(3, "130", &out_path);
    assert!(out.status.success());
    let mut half = Life::new(&start, Rule::LIFE, Edge::Torus);
    half.run(130);
    assert_eq!(read_grid(&out_path), half.grid());
}

#[test]
fn output_of_a_random_run_reads_back_as_the_same_grid_with_size_rule_and_edge() {
    let dir = temp_dir();
    let path = dir.path().join("soup.rle");
    let out = mpirun(
        2,
        &[
            "--headless",
            "--width",
            "150",
            "--height",
            "40",
            "--generations",
            "7",
            "--seed",
            "11",
            "--rule",
            "B36/S23",
            "--edge",
            "dead",
            "--output",
            path.to_str().unwrap(),
        ],
    );
    let s = summary(&out);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.lines().all(|l| l.len() <= 70),
        "lines of at most 70 characters"
    );
    assert!(
        text.contains("x = 150, y = 40, rule = B36/S23:P150,40"),
        "{text}"
    );
    let saved = pattern::parse(text.as_bytes()).unwrap();
    assert_eq!(saved.cells.population(), s["population"].as_u64().unwrap());
    // Resuming from the file on another rank count continues the same run.
    let path_str = path.to_str().unwrap();
    let resumed = summary(&mpirun(
        3,
        &["--headless", "--pattern", path_str, "--generations", "5"],
    ));
    let straight = summary(&mpirun(
        1,
        &[
            "--headless",
            "--width",
            "150",
            "--height",
            "40",
            "--generations",
            "12",
            "--seed",
            "11",
            "--rule",
            "B36/S23",
            "--edge",
            "dead",
        ],
    ));
    assert_eq!(resumed["hash"], straight["hash"]);
    assert_eq!(resumed["rule"], "B36/S23");
}

#[test]
fn rule_on_the_command_line_overrides_the_file() {
    let dir = temp_dir();
    let file = write(&dir, "r.rle", "x = 3, y = 1, rule = B36/S23\n3o!\n");
    let from_file = summary(&alone(&[
        "--headless",
        "--pattern",
        &file,
        "--generations",
        "1",
    ]));
    assert_eq!(from_file["rule"], "B36/S23");
    let overridden = summary(&alone(&[
        "--headless",
        "--pattern",
        &file,
        "--generations",
        "1",
        "--rule",
        "S23/B3",
    ]));
    assert_eq!(overridden["rule"], "B3/S23");
}

#[test]
fn pattern_errors_name_file_line_and_column_and_exit_2() {
    let dir = temp_dir();
    let bad = write(&dir, "bad.rle", "#C fine\nx = 3, y = 3\nbo$2b\n3Q!\n");
    let out = mpirun(2, &["--headless", "--pattern", &bad]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {bad}:4:2: ")),
        "{stderr}"
    );

    let big = write(&dir, "big.rle", "x = 10, y = 10\n10o!\n");
    let out = alone(&[
        "--headless",
        "--pattern",
        &big,
        "--width",
        "5",
        "--height",
        "50",
    ]);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("10x10") && stderr.contains("5x50"),
        "{stderr}"
    );

    for (args, expected) in [
        (
            vec!["--headless", "--pattern", "no-such-pattern"],
            "neither a pattern file nor a built-in",
        ),
        (
            vec!["--headless", "--pattern", dir.path().to_str().unwrap()],
            "is a directory",
        ),
        (vec!["--headless", "--at", "1,2"], "--pattern"),
        (
            vec!["--headless", "--pattern", &big, "--at", "x"],
            "is not a position",
        ),
    ] {
        let out = alone(&args);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn output_to_a_missing_directory_fails_before_running() {
    let out = mpirun(
        2,
        &[
            "--headless",
            "--generations",
            "1000000000",
            "--output",
            "/nonexistent-dir/x.rle",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("/nonexistent-dir does not exist"));
    assert!(out.stdout.is_empty());
}

/// Sparse patterns stepped tile by tile on several ranks (gliders crossing
/// the strips' seams, a gun, still lifes whose halo rows never change and
/// travel as "unchanged" messages) give what the dense path gives on one
/// rank, for both edges, one and several generations per exchange.
#[test]
fn sparse_patterns_on_several_ranks_match_the_dense_path() {
    let run = |np: usize, pattern: &str, edge: &str, depth: &str, dense: bool| {
        let mut args = vec![
            "--headless",
            "--timing",
            "--pattern",
            pattern,
            "--width",
            "600",
            "--height",
            "300",
            "--edge",
            edge,
            "--halo-depth",
            depth,
            "--generations",
            "700",
        ];
        if dense {
            args.push("--dense");
        }
        let out = mpirun(np, &args);
        assert!(out.status.success(), "{}", stderr_of(&out));
        summary(&out)
    };
    for pattern in ["gosper-glider-gun", "acorn", "pond"] {
        for edge in ["torus", "dead"] {
            let dense = run(1, pattern, edge, "4", true);
            assert_eq!(dense["timing"][0]["sparse_generations"], 0);
            for (np, depth) in [(1, "4"), (2, "1"), (3, "4"), (4, "3")] {
                let sparse = run(np, pattern, edge, depth, false);
                let what = format!("{pattern} {edge} np={np} depth {depth}");
                assert_eq!(sparse["hash"], dense["hash"], "{what}");
                assert_eq!(sparse["population"], dense["population"], "{what}");
                let ranks = sparse["timing"].as_array().unwrap();
                assert!(
                    ranks
                        .iter()
                        .all(|r| r["sparse_generations"].as_u64() > Some(0)),
                    "{what}: {ranks:?}"
                );
                if pattern == "pond" && np > 1 {
                    // A still life in the middle: most edge rows never change.
                    let unchanged: u64 = ranks
                        .iter()
                        .map(|r| r["unchanged_halos_sent"].as_u64().unwrap())
                        .sum();
                    assert!(unchanged > 0, "{what}: {ranks:?}");
                }
            }
        }
    }
}

/// A gun in one strip, that rank made far slower (a gun alone costs
/// microseconds a generation: rows only move for more work than that):
/// rows move away from it while it steps tile by tile (every move starts
/// the activity tracking again from the cells), and the result is the
/// dense path's. Without the slowdown, nothing moves.
#[test]
fn rows_move_away_from_a_busy_slow_rank_and_the_sparse_result_stays_the_same() {
    let run = |slow: bool, extra: &[&str]| {
        let mut args = vec![
            "--headless",
            "--timing",
            "--pattern",
            "gosper-glider-gun",
            "--width",
            "2048",
            "--height",
            "2048",
            "--generations",
            "3000",
        ];
        args.extend(extra);
        let mut command = mpirun_command(3, &args);
        if slow {
            command.env("LIFE_TUI_TEST_SLOW", "1:200");
        }
        let out = run_with_timeout(command, std::time::Duration::from_secs(60));
        assert!(out.status.success(), "{}", stderr_of(&out));
        summary(&out)
    };
    let sparse = run(true, &[]);
    let dense = run(false, &["--dense", "--no-balance"]);
    assert_eq!(sparse["hash"], dense["hash"]);
    assert_eq!(sparse["population"], dense["population"]);
    assert!(sparse["rebalances"].as_u64().unwrap() >= 1, "{sparse}");
    let ranks = sparse["timing"].as_array().unwrap();
    assert!(ranks[1]["rows"].as_u64().unwrap() < 2048 / 3, "{sparse}");
    // Tile by tile throughout: no dense spell, not even where a strip
    // widens its ring of buffers (the gun's).
    assert!(
        ranks
            .iter()
            .all(|r| r["dense_generations"].as_u64().unwrap() == 0),
        "{sparse}"
    );
    let quick = run(false, &[]);
    assert_eq!(quick["rebalances"], 0, "{quick}");
    assert_eq!(quick["hash"], dense["hash"]);
}

// The unbounded plane (issue 17): the default for patterns without a
// bounded-grid suffix; every rank count gives the same cells.

fn plane_run(np: usize, args: &[&str]) -> serde_json::Value {
    let out = mpirun(np, args);
    assert!(out.status.success(), "np={np}: {}", stderr_of(&out));
    summary(&out)
}

#[test]
fn a_plane_checkpoint_resumes_on_another_rank_count_with_the_uninterrupted_hash() {
    let dir = temp_dir();
    let checkpoint = dir.path().join("gun.rle");
    let checkpoint = checkpoint.to_str().unwrap();
    let whole = plane_run(
        1,
        &[
            "--headless",
            "--pattern",
            "gosper-glider-gun",
            "--generations",
            "1500",
        ],
    );
    assert_eq!(whole["edge"], "plane");
    let first = plane_run(
        2,
        &[
            "--headless",
            "--pattern",
            "gosper-glider-gun",
            "--generations",
            "700",
            "--checkpoint",
            checkpoint,
            "--checkpoint-every",
            "350",
        ],
    );
    let text = std::fs::read_to_string(checkpoint).unwrap();
    assert!(text.starts_with("#CXRLE Pos="), "{text}");
    assert!(text.lines().next().unwrap().ends_with(" Gen=700"), "{text}");
    assert!(!text.contains(":T") && !text.contains(":P"), "{text}");
    let bbox = first["bbox"].as_array().unwrap();
    let pos = format!("#CXRLE Pos={},{} Gen=700", bbox[0], bbox[1]);
    assert!(text.starts_with(&pos), "{pos} vs {text}");
    for np in [1, 3, 4] {
        let resumed = plane_run(
            np,
            &[
                "--headless",
                "--resume",
                checkpoint,
                "--generations",
                "1500",
            ],
        );
        assert_eq!(resumed["edge"], "plane");
        assert_eq!(resumed["hash"], whole["hash"], "np={np}");
        assert_eq!(resumed["population"], whole["population"], "np={np}");
        assert_eq!(resumed["bbox"], whole["bbox"], "np={np}");
    }
}

#[test]
fn plane_reports_carry_the_bounding_box_and_agree_on_every_rank_count() {
    let args = [
        "--headless",
        "--pattern",
        "glider",
        "--edge",
        "plane",
        "--generations",
        "400",
        "--report-every",
        "200",
    ];
    // The reports, without the summary (which names the rank count).
    let reports = |np: usize| {
        let out = mpirun(np, &args);
        assert!(out.status.success(), "{}", stderr_of(&out));
        let mut lines = json_lines(&out);
        lines.pop();
        lines
    };
    let one = reports(1);
    // A glider moves (1, 1) every 4 generations: 50 cells down and right
    // every 200, across tile and band edges alike.
    assert_eq!(one[0]["bbox"], serde_json::json!([0, 0, 2, 2]));
    assert_eq!(one[1]["bbox"], serde_json::json!([50, 50, 52, 52]));
    assert_eq!(one[2]["bbox"], serde_json::json!([100, 100, 102, 102]));
    for np in 2..=4 {
        assert_eq!(reports(np), one, "np={np}");
    }
}

#[test]
fn a_gun_on_the_plane_moves_work_between_bands_and_keeps_the_serial_hash() {
    let args = |g: &'static str| {
        vec![
            "--headless",
            "--pattern",
            "gosper-glider-gun",
            "--generations",
            g,
            "--timing",
        ]
    };
    // Long enough for the stream's work to be worth moving edges for.
    let serial = plane_run(1, &args("20000"));
    let parallel = plane_run(3, &args("20000"));
    assert_eq!(parallel["hash"], serial["hash"]);
    assert!(
        parallel["rebalances"].as_u64().unwrap() > 0,
        "the stream grows into other bands: {parallel}"
    );
    // The bands stay ordered, the first and last open.
    let timing = parallel["timing"].as_array().unwrap();
    assert!(timing[0]["band"][0].is_null() && timing[2]["band"][1].is_null());
    assert_eq!(timing[0]["band"][1], timing[1]["band"][0]);
    assert_eq!(timing[1]["band"][1], timing[2]["band"][0]);
    // By default the bands trade edge tiles every 64 generations (some
    // batches end sooner, where the run looks for signals)...
    let messages: u64 = timing
        .iter()
        .map(|t| t["whole_halos_sent"].as_u64().unwrap())
        .sum();
    assert!(messages <= 4 * 20000 / 32, "{parallel}");
    // ...and at --halo-depth 1 a row every generation, those that did not
    // change travelling empty.
    let mut every_generation = args("20000");
    every_generation.extend(["--halo-depth", "1"]);
    let every_generation = plane_run(3, &every_generation);
    assert_eq!(every_generation["hash"], serial["hash"]);
    let unchanged: u64 = every_generation["timing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["unchanged_halos_sent"].as_u64().unwrap())
        .sum();
    assert!(unchanged > 0, "{every_generation}");
}

#[test]
fn the_plane_refuses_b0_rules_and_dense_stepping_in_one_line() {
    for (args, says) in [
        (
            vec![
                "--headless",
                "--pattern",
                "glider",
                "--edge",
                "plane",
                "--rule",
                "B03/S23",
            ],
            "cannot run on the unbounded plane",
        ),
        (
            vec!["--headless", "--pattern", "glider", "--dense"],
            "--dense",
        ),
    ] {
        let out = mpirun(2, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(says), "{err}");
        assert!(stdout_of(&out).is_empty());
    }
}

#[test]
fn a_soup_on_the_plane_is_the_same_on_every_rank_count() {
    let args = [
        "--headless",
        "--edge",
        "plane",
        "--width",
        "200",
        "--height",
        "150",
        "--seed",
        "7",
        "--generations",
        "300",
    ];
    let one = plane_run(1, &args);
    assert!(one["population"].as_u64().unwrap() > 0);
    for np in 2..=4 {
        let many = plane_run(np, &args);
        assert_eq!(many["hash"], one["hash"], "np={np}");
        assert_eq!(many["bbox"], one["bbox"], "np={np}");
    }
}
