//! The headless contract under a real `mpirun` with several ranks: the
//! result is bit-identical to the serial engine for every number of ranks.

use crate::common::*;
use life_tui::cluster::Decomposition;
use life_tui::config::RunConfig;
use life_tui::engine::{Edge, Life, Rule, hash};

/// The serial engine's population and hash for a random soup.
fn serial(
    width: usize,
    height: usize,
    seed: u64,
    rule: Rule,
    edge: Edge,
    generations: u64,
) -> (u64, String) {
    let config = RunConfig {
        rule,
        edge,
        ..RunConfig::soup(width, height, seed, 0.5)
    };
    let grid = config
        .initial_strip(&Decomposition::new(height, 1).unwrap(), 0, 1)
        .to_grid();
    let mut life = Life::new(&grid, rule, edge);
    life.run(generations);
    (life.population(), hash::to_hex(life.hash()))
}

#[test]
fn every_rank_count_matches_the_serial_engine() {
    for (width, height) in [(100, 37), (257, 5), (64, 64), (1, 7), (130, 4)] {
        let expected = serial(width, height, 42, Rule::LIFE, Edge::Torus, 100);
        for np in 1..=4 {
            let (w, h) = (width.to_string(), height.to_string());
            let out = mpirun(
                np,
                &[
                    "--headless",
                    "--width",
                    &w,
                    "--height",
                    &h,
                    "--generations",
                    "100",
                    "--seed",
                    "42",
                ],
            );
            let s = summary(&out);
            assert_eq!(s["ranks"], np, "{width}x{height}");
            assert_eq!(
                (
                    s["population"].as_u64().unwrap(),
                    s["hash"].as_str().unwrap().to_string()
                ),
                expected,
                "{width}x{height} at np={np}"
            );
        }
    }
}

#[test]
fn dead_edges_and_other_rules_match_the_serial_engine_on_three_ranks() {
    let highlife = Rule::parse("B36/S23").unwrap();
    let expected = serial(90, 31, 9, highlife, Edge::Dead, 60);
    let out = mpirun(
        3,
        &[
            "--headless",
            "--width",
            "90",
            "--height",
            "31",
            "--generations",
            "60",
            "--seed",
            "9",
            "--rule",
            "highlife",
            "--edge",
            "dead",
        ],
    );
    let s = summary(&out);
    assert_eq!(s["rule"], "B36/S23");
    assert_eq!(
        (
            s["population"].as_u64().unwrap(),
            s["hash"].as_str().unwrap().to_string()
        ),
        expected
    );
}

#[test]
fn several_generations_per_exchange_match_one_at_a_time() {
    // Reports every 7 generations cut batches short; dead edges need the
    // rows past them cleared between the generations of a batch.
    for edge in ["torus", "dead"] {
        let run = |np: usize, depth: &str| {
            let out = mpirun(
                np,
                &[
                    "--headless",
                    "--width",
                    "100",
                    "--height",
                    "37",
                    "--generations",
                    "45",
                    "--seed",
                    "5",
                    "--rule",
                    "B36/S23",
                    "--edge",
                    edge,
                    "--report-every",
                    "7",
                    "--halo-depth",
                    depth,
                ],
            );
            assert!(out.status.success(), "{}", stderr_of(&out));
            json_lines(&out)
        };
        let expected = run(1, "1");
        assert_eq!(
            expected.len(),
            8,
            "reports at 0, 7, ..., 42 and the summary"
        );
        for np in 2..=4 {
            for depth in ["2", "5", "9"] {
                let lines = run(np, depth);
                assert_eq!(lines.len(), expected.len(), "np={np}, --halo-depth {depth}");
                for (got, want) in lines.iter().zip(&expected) {
                    let fingerprint = |v: &serde_json::Value| {
                        let v = v.get("summary").unwrap_or(v);
                        (v["population"].clone(), v["hash"].clone())
                    };
                    assert_eq!(
                        fingerprint(got),
                        fingerprint(want),
                        "{edge}, np={np}, --halo-depth {depth}: {got}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_plane_at_any_halo_depth_matches_one_rank() {
    // Deep ghosts: one exchange every K generations, batches cut short by
    // reports every 7 and by the balancer's looks; bands move as the soup
    // spreads.
    let run = |np: usize, depth: Option<&str>| {
        let mut args = vec![
            "--headless",
            "--edge",
            "plane",
            "--width",
            "300",
            "--height",
            "260",
            "--generations",
            "400",
            "--seed",
            "5",
            "--rule",
            "B36/S23",
            "--report-every",
            "7",
        ];
        if let Some(depth) = depth {
            args.extend(["--halo-depth", depth]);
        }
        let out = mpirun(np, &args);
        assert!(out.status.success(), "{}", stderr_of(&out));
        json_lines(&out)
    };
    let fingerprint = |v: &serde_json::Value| {
        let v = v.get("summary").unwrap_or(v);
        (
            v["population"].clone(),
            v["hash"].clone(),
            v["bbox"].clone(),
        )
    };
    let expected: Vec<_> = run(1, None).iter().map(fingerprint).collect();
    assert_eq!(
        expected.len(),
        59,
        "reports at 0, 7, ..., 399 and the summary"
    );
    for np in 2..=4 {
        for depth in [Some("1"), Some("5"), Some("63"), None] {
            let got: Vec<_> = run(np, depth).iter().map(fingerprint).collect();
            assert_eq!(got, expected, "np={np}, --halo-depth {depth:?}");
        }
    }
}

#[test]
fn rows_move_away_from_a_slow_rank_and_the_result_stays_the_same() {
    let dir = temp_dir();
    let (balanced_rle, even_rle) = (dir.path().join("balanced.rle"), dir.path().join("even.rle"));
    let run = |extra: &[&str], output: &std::path::Path| {
        let mut args = vec![
            "--headless",
            "--width",
            "1024",
            "--height",
            "1024",
            "--generations",
            "5000",
            "--seed",
            "8",
            "--report-every",
            "1000",
            "--timing",
            "--output",
        ];
        args.push(output.to_str().unwrap());
        args.extend(extra);
        let mut command = mpirun_command(3, &args);
        // Rank 1 computes four times slower than it could.
        command.env("LIFE_TUI_TEST_SLOW", "1:4");
        let out = run_with_timeout(command, std::time::Duration::from_secs(60));
        assert!(out.status.success(), "{}", stderr_of(&out));
        json_lines(&out)
    };
    let balanced = run(&[], &balanced_rle);
    let even = run(&["--no-balance"], &even_rle);
    let s = &balanced.last().unwrap()["summary"];
    let rows: Vec<u64> = s["timing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rows"].as_u64().unwrap())
        .collect();
    assert!(s["rebalances"].as_u64().unwrap() >= 1, "{s}");
    assert_eq!(rows.iter().sum::<u64>(), 1024);
    assert!(
        rows[1] < 250 && rows[0] > 341 && rows[2] > 341,
        "rows {rows:?}"
    );
    let e = &even.last().unwrap()["summary"];
    assert_eq!(e["rebalances"], 0);
    assert!(
        e["timing"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["rows"].as_u64().unwrap() >= 341)
    );
    // Every report, the final hash and the gathered grid are the same as
    // with even strips and as the serial engine's.
    assert_eq!(balanced.len(), 7);
    assert_eq!(even.len(), 7);
    for (b, e) in balanced.iter().zip(&even).take(6) {
        assert_eq!(b, e);
    }
    let expected = serial(1024, 1024, 8, Rule::LIFE, Edge::Torus, 5000);
    assert_eq!(
        (
            s["population"].as_u64().unwrap(),
            s["hash"].as_str().unwrap().to_string()
        ),
        expected
    );
    assert_eq!(
        std::fs::read(&balanced_rle).unwrap(),
        std::fs::read(&even_rle).unwrap()
    );
}

#[test]
fn reports_follow_the_json_lines_contract() {
    let out = mpirun(
        2,
        &[
            "--headless",
            "--width",
            "50",
            "--height",
            "20",
            "--generations",
            "10",
            "--seed",
            "3",
            "--report-every",
            "4",
        ],
    );
    let lines = json_lines(&out);
    let generations: Vec<u64> = lines[..lines.len() - 1]
        .iter()
        .map(|l| l["generation"].as_u64().expect("a report line"))
        .collect();
    assert_eq!(generations, [0, 4, 8]);
    for line in &lines[..lines.len() - 1] {
        let keys: Vec<&String> = line.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["version", "generation", "population", "hash"]);
        let hash = line["hash"].as_str().unwrap();
        assert!(
            hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{hash}"
        );
    }
    let raw_last = stdout_of(&out).lines().last().unwrap().to_string();
    assert!(raw_last.starts_with(r#"{"version":1,"summary":{"generations":10,"width":50,"height":20,"ranks":2,"rule":"B3/S23","seconds":"#), "{raw_last}");
    let s = summary(&out);
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "generations",
            "width",
            "height",
            "ranks",
            "rule",
            "seconds",
            "cell_updates_per_second",
            "population",
            "hash"
        ]
    );
    assert!(s["seconds"].as_f64().unwrap() > 0.0);
    assert!(s["cell_updates_per_second"].as_f64().unwrap() > 0.0);
    // The last report is the last multiple of 4, before the summary.
    assert_eq!(lines[2]["generation"], 8);
}

#[test]
fn generation_zero_reports_the_initial_grid() {
    let expected = serial(40, 10, 5, Rule::LIFE, Edge::Torus, 0);
    let out = mpirun(
        2,
        &[
            "--headless",
            "--width",
            "40",
            "--height",
            "10",
            "--generations",
            "0",
            "--seed",
            "5",
            "--report-every",
            "1",
        ],
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["generation"], 0);
    assert_eq!(lines[0]["population"].as_u64().unwrap(), expected.0);
    assert_eq!(lines[1]["summary"]["hash"].as_str().unwrap(), expected.1);
    assert_eq!(lines[1]["summary"]["generations"], 0);
}

#[test]
fn the_same_seed_gives_the_same_grid_and_a_missing_seed_is_printed() {
    let args = [
        "--headless",
        "--width",
        "30",
        "--height",
        "30",
        "--generations",
        "0",
        "--seed",
        "77",
    ];
    let a = summary(&alone(&args));
    let b = summary(&mpirun(3, &args));
    assert_eq!(a["hash"], b["hash"]);
    let fresh = alone(&[
        "--headless",
        "--width",
        "30",
        "--height",
        "30",
        "--generations",
        "0",
    ]);
    let s = summary(&fresh);
    let seed = s["seed"]
        .as_u64()
        .expect("an unseeded run reports its seed");
    let again = summary(&alone(&[
        "--headless",
        "--width",
        "30",
        "--height",
        "30",
        "--generations",
        "0",
        "--seed",
        &seed.to_string(),
    ]));
    assert_eq!(again["hash"], s["hash"]);
}

#[test]
fn bad_input_gives_one_error_line_and_a_nonzero_exit() {
    let cases: [(usize, &[&str], &str); 6] = [
        (2, &["--headless", "--width", "0"], "--width"),
        (
            4,
            &["--headless", "--width", "10", "--height", "3"],
            "3 rows high but there are 4 ranks",
        ),
        (2, &["--headless", "--density", "1.5"], "between 0 and 1"),
        (2, &["--headless", "--rule", "B3/S2x"], "B3/S2x"),
        (1, &["--headless", "--rule", "nonsense"], "nonsense"),
        (3, &["--headless", "--generations", "-1"], "--generations"),
    ];
    for (np, args, expected) in cases {
        let out = mpirun(np, args);
        assert!(!out.status.success(), "{args:?} should fail");
        let stderr = stderr_of(&out);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "{args:?}: exactly one line expected, got:\n{stderr}"
        );
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(expected),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"));
        assert!(out.stdout.is_empty(), "nothing on stdout for a failed run");
    }
    let out = alone(&["--headless", "--width", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr_of(&out).lines().count(), 1);
}

/// `json_line`, which every test reading a report goes through, holds the
/// lines to docs/json-lines.schema.json: it refuses an undocumented field,
/// a missing one, another version and a malformed hash.
#[test]
fn the_documented_schema_refuses_what_it_does_not_say() {
    let good = r#"{"version":1,"generation":3,"population":5,"hash":"0123456789abcdef"}"#;
    assert_eq!(json_line(good)["population"], 5);
    for bad in [
        r#"{"version":1,"generation":3,"population":5,"hash":"0123456789abcdef","extra":1}"#,
        r#"{"version":1,"generation":3,"hash":"0123456789abcdef"}"#,
        r#"{"version":2,"generation":3,"population":5,"hash":"0123456789abcdef"}"#,
        r#"{"version":1,"generation":3,"population":5,"hash":"xyz"}"#,
        r#"{"version":1,"summary":{"generations":3}}"#,
    ] {
        let refused = std::panic::catch_unwind(|| json_line(bad));
        assert!(refused.is_err(), "accepted: {bad}");
    }
}
