//! The unbounded plane (`--edge plane`, issue 17) against Golly's own
//! `bgolly -a QuickLife`: every built-in pattern after 1000 generations on
//! 1-4 ranks, up to translation and then at the very place Golly puts it,
//! and files going both ways (Golly's extended RLE read by life-tui,
//! life-tui's output and checkpoints read by bgolly).
//!
//! How Golly 3.3 places a pattern read from a file on its unbounded plane
//! (read in gollybase/readpattern.cpp and writepattern.cpp and
//! cmdline/bgolly.cpp at the commit "updated version to 3.3", 7d9ec086 of
//! github.com/AlephAlpha/golly; readpattern.cpp did not change between
//! 3.3 and 2021; each point below also checked with Debian's bgolly
//! 3.3-1.1+b2). Coordinates: x grows rightwards, y downwards.
//!
//! - The plane is the universe whenever the rule has no `:T`/`:P` suffix;
//!   nothing is ever centred on it. Centring happens only for RLE on a
//!   bounded grid without `Pos=`: the frame's top-left goes to
//!   `-(w/2), -(h/2)` (the header's w and h, C++ int division of
//!   positives, so rounded down: 3x3 starts at -1,-1, 36x9 at -18,-4), or
//!   to the grid's own corner `-(W/2), -(H/2)` when the pattern is larger
//!   than the grid (or its header gives no size).
//! - RLE without `#CXRLE`: `readrle` sets the cell at column x, row y of the
//!   RLE body at (x, y). So (0,0) is the top-left corner of the RLE's own
//!   frame, not of the live cells: a body `$2b3o!` puts its cells at
//!   (2,1)..(4,1). The header's `x = w, y = h` is not used for placement on
//!   the plane (only to centre on a bounded grid; clipping there is by the
//!   grid's size).
//! - RLE with `#CXRLE Pos=X,Y`: the frame's top-left is (X,Y) instead
//!   (`sscanf("%d,%d")`: 32-bit ints, negative allowed). `Gen=N` sets the
//!   starting generation to N. Golly reads `#CXRLE` lines only at the very
//!   start of the file (before any other line); later ones are comments.
//! - Plaintext `.cells`: a file whose first non-blank line starts with `!`
//!   is read by `readdblife`: `!` lines are skipped and do not count as
//!   rows, every other line (blank ones too) is a row, the first at y=0,
//!   with its first character at x=0; `.` is dead, `O` alive, digits are
//!   run counts (`3.O`: a cell at x=3), anything else (`*` too!) is
//!   skipped, neither a cell nor a column (`*.O`: a cell at x=1). A file not
//!   starting with `!` (nor `#`, `x`, `[`, nor looking like headerless RLE)
//!   is read by `readtextpattern`: again the first line at y=0 and its
//!   first character at x=0, but `.`, `,` and blanks are dead, `$` is ten
//!   dead cells and any other character alive. Blank lines at the very
//!   start of any file are skipped before the format is chosen.
//! - Life 1.06 (`#Life 1.06`): every `x y` line sets the cell (x, y) as
//!   written: absolute coordinates, no normalising.
//! - Life 1.05 (`#Life 1.05`): `#P x y` puts the next row's first
//!   character at (x, y); each `.`/`*` row then goes one down, `*` alive.
//!   Rows before any `#P` start at (0,0). A blank line does not count as a
//!   row (y does not advance), nor does any line not starting with `.`/`*`.
//!   `#P` coordinates are absolute, not relative to anything. (Both Life
//!   formats share one reader: a line starting with a digit or `-` is an
//!   `x y` cell in either.)
//! - (life-tui's readers give only the cells' box: Life 1.06 and 1.05 are
//!   normalised to their bounding box and lose this offset; its plaintext
//!   reader takes `*` as alive and counts blank lines at the start of the
//!   file as rows, and its Life 1.05 reader counts blank lines as rows,
//!   where Golly does none of these.)
//!
//! What bgolly 3.3 does with the flags used here:
//! - `-a QuickLife` picks QuickLife (the default without `-h`/`-a`
//!   anyway; careful: `-h` is `--hashlife`, not help). `-m G` runs until
//!   the generation is at least G: from a file with `Gen=N` it steps G-N
//!   generations, not G. Without `-i`, bgolly steps by the lowest set bit
//!   of what remains (1000: 8, 32, 64, 128, 256, 512) and prints a line
//!   per step; `-i` only changes those steps and lines, never the final
//!   cells. `-o FILE.rle` writes the cells once the run ends.
//! - stdout: `This is bgolly 3.3 Copyright 2005-2019 The Golly Gang.`,
//!   `- bgolly ARGS...`, then `GEN: POP` for generation 0 and after each
//!   step, with thousands separators (`1,000: 258,700`). stderr: only
//!   `(->FILE.rle)` (no newline) when writing. Exit status 0. Errors
//!   exit 10: `Fatal error: ...` on stdout (a file it cannot open or
//!   read), or the usage on stderr (a bad option, no pattern given).
//! - `-o` writes plain RLE, never `#CXRLE`: neither Pos nor Gen, so the
//!   position is lost. The header is `x = W, y = H, rule = B3/S23` for the
//!   bounding box (no rule suffix on the plane), rows of at most 70
//!   characters; empty: `x = 0, y = 0, rule = B3/S23` and `!`. If FILE
//!   exists, its comment lines are copied into the new file: always write
//!   to a fresh path. (Golly's GUI saves the same RLE with a first line
//!   `#CXRLE Pos=LEFT,TOP` plus ` Gen=N` when N > 0, LEFT,TOP being the
//!   bounding box's top-left: `writerle` with `xrle` set.)
//! - So the position comes from `--exec SCRIPT` instead: a script of
//!   `step N`, `edges` and `quit` prints `GEN: POP` after the step,
//!   `Bounding box LEFT TOP .. RIGHT BOTTOM` (inclusive; `1 1 .. 0 0` when
//!   empty), `Buh-bye!`, and exits 10. Without `quit`, bgolly would go on
//!   to read the pattern a second time into the same universe.
//!
//! Run with `cargo test --profile ci --test mpi -- plane_golly:: --test-threads=2`
//! (as `make test` does; aimed at well under a minute on two cores: bgolly
//! runs once per pattern, life-tui 160 times, two launches per test
//! thread). bgolly comes from the Debian package golly, which
//! scripts/install-deps.sh (`make deps`) installs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;
use life_tui::engine::Rule;
use life_tui::pattern;

const GENERATIONS: u64 = 1000;
const RANKS: [usize; 4] = [1, 2, 3, 4];

/// Live cells at plane coordinates, sorted.
type Cells = Vec<(i64, i64)>;

/// Inclusive corners `[x0, y0, x1, y1]`, as Golly's `edges` prints them.
type Bbox = [i64; 4];

/// What bgolly's QuickLife holds after a run.
#[derive(Clone, Debug)]
struct Golly {
    generation: u64,
    population: u64,
    bbox: Option<Bbox>,
    rule: Rule,
    cells: Cells,
    /// The RLE bgolly wrote (`-o`): no position.
    rle: String,
}

/// What one life-tui run on the plane wrote and reported.
#[derive(Clone, Debug)]
struct LifeTui {
    population: u64,
    bbox: Option<Bbox>,
    hash: String,
    first_line: String,
    pos: Option<(i64, i64)>,
    generation: Option<u64>,
    rule: Rule,
    bounded: bool,
    cells: Cells,
}

fn patterns_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns")
}

/// Every built-in pattern, by name: the files in patterns/, each of which
/// the binary knows by its stem.
fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(patterns_dir())
        .expect("patterns/")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rle").map(str::to_string)
        })
        .collect();
    names.sort();
    let library: Vec<&str> = pattern::library::all().map(|(name, _)| name).collect();
    assert_eq!(
        names.len(),
        library.len(),
        "patterns/ and the built-in library differ: {names:?} against {library:?}"
    );
    for name in &names {
        assert!(
            pattern::library::find(name).is_some(),
            "{name} is not built in"
        );
    }
    names
}

fn parse_number(text: &str) -> Option<u64> {
    text.trim().replace(',', "").parse().ok()
}

/// Cells of a pattern's box with its top-left corner at `(x0, y0)`, sorted.
fn placed(pattern: &pattern::Cells, (x0, y0): (i64, i64)) -> Cells {
    let mut cells: Cells = pattern
        .live_cells()
        .map(|(x, y)| (x0 + x as i64, y0 + y as i64))
        .collect();
    cells.sort_unstable();
    cells
}

fn bbox_of(cells: &Cells) -> Option<Bbox> {
    let (x0, x1) = (
        cells.iter().map(|c| c.0).min()?,
        cells.iter().map(|c| c.0).max()?,
    );
    let (y0, y1) = (
        cells.iter().map(|c| c.1).min()?,
        cells.iter().map(|c| c.1).max()?,
    );
    Some([x0, y0, x1, y1])
}

/// The cells moved so that their bounding box starts at (0,0).
fn normalised(cells: &Cells) -> Cells {
    let Some([x0, y0, _, _]) = bbox_of(cells) else {
        return Vec::new();
    };
    cells.iter().map(|&(x, y)| (x - x0, y - y0)).collect()
}

fn bgolly_command() -> Command {
    let mut command = Command::new("bgolly");
    command.args(["-a", "QuickLife"]);
    command
}

/// Runs bgolly's QuickLife on `file` (at generation `from`, its `Gen=` or
/// 0) up to generation `to`: the cells from `-o`, their place from an
/// `--exec` script's `edges`, cross-checked against each other.
fn golly(file: &Path, from: u64, to: u64, scratch: &Path) -> Result<Golly, String> {
    assert!(to >= from);
    let stem = file.file_stem().unwrap().to_string_lossy();
    let out = scratch.join(format!("{stem}.{to}.bgolly.rle"));
    let _ = std::fs::remove_file(&out);
    let mut command = bgolly_command();
    command
        .args(["-m", &to.to_string(), "-o"])
        .arg(&out)
        .arg(file);
    let run = run_with_timeout(command, TIMEOUT);
    let stdout = stdout_of(&run);
    if !run.status.success() {
        return Err(format!(
            "bgolly -m {to} {} failed ({:?}; is it installed? scripts/install-deps.sh): {stdout}{}",
            file.display(),
            run.status,
            stderr_of(&run)
        ));
    }
    let last = stdout.lines().last().unwrap_or_default();
    let (generation, population) = last
        .split_once(": ")
        .and_then(|(g, p)| Some((parse_number(g)?, parse_number(p)?)))
        .ok_or_else(|| format!("bgolly's last line is not `GEN: POP`: {stdout}"))?;
    if generation != to {
        return Err(format!(
            "bgolly stopped at generation {generation}, not {to}"
        ));
    }
    let rle = std::fs::read_to_string(&out).map_err(|e| format!("bgolly's {out:?}: {e}"))?;
    let written =
        pattern::parse(rle.as_bytes()).map_err(|e| format!("bgolly's RLE: {e}\n{rle}"))?;

    let script = scratch.join(format!("{stem}.{to}.script"));
    let step = if to > from {
        format!("step {}\n", to - from)
    } else {
        String::new()
    };
    std::fs::write(&script, format!("{step}edges\nquit\n")).unwrap();
    let mut command = bgolly_command();
    command.arg("--exec").arg(&script).arg(file);
    let edges_run = run_with_timeout(command, TIMEOUT);
    let edges_out = stdout_of(&edges_run);
    let edges = edges_out
        .lines()
        .find_map(|l| l.strip_prefix("Bounding box "))
        .and_then(|b| {
            let n: Vec<i64> = b
                .split_whitespace()
                .filter(|t| *t != "..")
                // Past 999 bgolly groups digits: "-1,048,578".
                .filter_map(|t| t.replace(',', "").parse().ok())
                .collect();
            <[i64; 4]>::try_from(n).ok()
        })
        .ok_or_else(|| format!("no bounding box from bgolly --exec: {edges_out}"))?;
    if to > from {
        let stepped = edges_out
            .lines()
            .filter_map(|l| l.split_once(": "))
            .filter_map(|(g, p)| Some((parse_number(g)?, parse_number(p)?)))
            .next_back();
        if stepped != Some((to, population)) {
            return Err(format!(
                "bgolly's -m and --exec runs differ: {last} against {edges_out}"
            ));
        }
    }
    let bbox = (population > 0).then_some(edges);
    let cells = match bbox {
        Some([x0, y0, x1, y1]) => {
            let size = (written.cells.width(), written.cells.height());
            if size != ((x1 - x0 + 1) as u64, (y1 - y0 + 1) as u64) {
                return Err(format!("bgolly's RLE is {size:?}, its edges {edges:?}"));
            }
            placed(&written.cells, (x0, y0))
        }
        None => Vec::new(),
    };
    if cells.len() as u64 != population {
        return Err(format!(
            "bgolly printed population {population}, wrote {} cells",
            cells.len()
        ));
    }
    Ok(Golly {
        generation,
        population,
        bbox,
        rule: written.rule.unwrap_or(Rule::LIFE),
        cells,
        rle,
    })
}

/// `mpirun -np NP life-tui --headless ARGS --output OUT`, read back.
fn life_tui(np: usize, args: &[&str], out: &Path) -> Result<LifeTui, String> {
    let _ = std::fs::remove_file(out);
    let mut all: Vec<&str> = vec!["--headless"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--output", out.to_str().unwrap()]);
    let run = mpirun(np, &all);
    if !run.status.success() {
        return Err(format!(
            "np={np} life-tui {} failed ({:?}): {}",
            all.join(" "),
            run.status,
            stderr_of(&run).trim()
        ));
    }
    let s = summary(&run);
    let population = s["population"]
        .as_u64()
        .ok_or_else(|| format!("no population in {s}"))?;
    let bbox = match &s["bbox"] {
        serde_json::Value::Null => None,
        b => Some(
            serde_json::from_value::<Bbox>(b.clone())
                .map_err(|e| format!("bbox {b} is not [x0,y0,x1,y1]: {e}"))?,
        ),
    };
    let hash = s["hash"].as_str().unwrap_or_default().to_string();
    let text = std::fs::read_to_string(out).map_err(|e| format!("{out:?}: {e}"))?;
    let file = pattern::parse(text.as_bytes()).map_err(|e| format!("{out:?}: {e}\n{text}"))?;
    let xrle = file.xrle.unwrap_or_default();
    let cells = placed(&file.cells, xrle.pos.unwrap_or((0, 0)));
    Ok(LifeTui {
        population,
        bbox,
        hash,
        first_line: text.lines().next().unwrap_or_default().to_string(),
        pos: xrle.pos,
        generation: xrle.generation,
        rule: file.rule.unwrap_or(Rule::LIFE),
        bounded: file.bounds.is_some(),
        cells,
    })
}

/// bgolly on every built-in pattern, once for the whole binary.
fn golly_runs() -> &'static [(String, Result<Golly, String>)] {
    static RUNS: OnceLock<Vec<(String, Result<Golly, String>)>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let scratch = temp_dir();
        builtin_names()
            .into_iter()
            .map(|name| {
                let file = patterns_dir().join(format!("{name}.rle"));
                let golly = golly(&file, 0, GENERATIONS, scratch.path());
                (name, golly)
            })
            .collect()
    })
}

/// life-tui on every built-in pattern on `np` ranks, once for the binary.
fn life_tui_runs(np: usize) -> &'static [(String, Result<LifeTui, String>)] {
    type Runs = OnceLock<Vec<(String, Result<LifeTui, String>)>>;
    static RUNS: [Runs; 4] = [const { OnceLock::new() }; 4];
    RUNS[np - 1].get_or_init(|| {
        let scratch = temp_dir();
        let generations = GENERATIONS.to_string();
        in_parallel(&builtin_names(), |name| {
            let out = scratch.path().join(format!("{name}.rle"));
            let args = [
                "--pattern",
                name,
                "--edge",
                "plane",
                "--generations",
                &generations,
            ];
            (name.clone(), life_tui(np, &args, &out))
        })
    })
}

/// `f` of every item, in order, two jobs at a time: a launch is mostly
/// waiting (mpirun starting its ranks), so two per test thread keep two
/// cores busy and halve the file's time.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(k) else { break mine };
                        mine.push((k, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    done.sort_by_key(|(k, _)| *k);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Fails listing every problem (the first few in full), not just the first.
fn report(what: &str, problems: &[String]) {
    if problems.is_empty() {
        return;
    }
    let shown: Vec<&str> = problems.iter().take(12).map(String::as_str).collect();
    panic!(
        "{what}: {} problem(s):\n{}{}",
        problems.len(),
        shown.join("\n"),
        if problems.len() > shown.len() {
            format!("\n... and {} more", problems.len() - shown.len())
        } else {
            String::new()
        }
    );
}

/// The checks that hold whatever the translation: the file's form, the
/// population, the shape, the bbox against the file's own cells.
fn shape_problems(name: &str, np: usize, golly: &Golly, ours: &LifeTui) -> Vec<String> {
    let mut problems = Vec::new();
    let at = format!("{name} np={np}");
    // An empty plane has no place: `#CXRLE Gen=N` alone is fine then.
    let pos_needed = golly.population > 0;
    if !ours.first_line.starts_with("#CXRLE ")
        || (pos_needed && !ours.first_line.starts_with("#CXRLE Pos="))
        || !ours.first_line.contains(" Gen=")
    {
        problems.push(format!(
            "{at}: first line {:?}, not `#CXRLE Pos=X,Y Gen=N`",
            ours.first_line
        ));
    }
    if ours.generation != Some(golly.generation) {
        problems.push(format!(
            "{at}: Gen={:?} in the file, not {}",
            ours.generation, golly.generation
        ));
    }
    if ours.bounded {
        problems.push(format!("{at}: the file's rule has a bounded-grid suffix"));
    }
    if ours.rule != golly.rule {
        problems.push(format!(
            "{at}: rule {} against bgolly's {}",
            ours.rule, golly.rule
        ));
    }
    if ours.population != golly.population || ours.cells.len() as u64 != golly.population {
        problems.push(format!(
            "{at}: population {} (file: {} cells), bgolly {}",
            ours.population,
            ours.cells.len(),
            golly.population
        ));
    }
    if ours.bbox != bbox_of(&ours.cells) {
        problems.push(format!(
            "{at}: summary bbox {:?}, but the file's cells span {:?}",
            ours.bbox,
            bbox_of(&ours.cells)
        ));
    }
    let (mine, theirs) = (normalised(&ours.cells), normalised(&golly.cells));
    if mine != theirs {
        let only_ours = mine
            .iter()
            .filter(|c| theirs.binary_search(c).is_err())
            .count();
        let only_golly = theirs
            .iter()
            .filter(|c| mine.binary_search(c).is_err())
            .count();
        problems.push(format!(
            "{at}: cells differ up to translation (box {:?} against bgolly's {:?}): \
             {only_ours} only in life-tui's, {only_golly} only in bgolly's",
            bbox_of(&ours.cells),
            golly.bbox
        ));
    }
    problems
}

fn matches_bgolly_up_to_translation(np: usize) {
    let golly = golly_runs();
    let ours = life_tui_runs(np);
    let mut problems = Vec::new();
    for ((name, golly), (_, ours)) in golly.iter().zip(ours) {
        match (golly, ours) {
            (Err(e), _) => problems.push(format!("{name}: bgolly: {e}")),
            (_, Err(e)) => problems.push(format!("{name}: {e}")),
            (Ok(golly), Ok(ours)) => problems.extend(shape_problems(name, np, golly, ours)),
        }
    }
    report(
        &format!(
            "built-in patterns after {GENERATIONS} generations on the plane, np={np}, against bgolly"
        ),
        &problems,
    );
}

#[test]
fn builtin_patterns_match_bgolly_up_to_translation_on_1_rank() {
    matches_bgolly_up_to_translation(1);
}

#[test]
fn builtin_patterns_match_bgolly_up_to_translation_on_2_ranks() {
    matches_bgolly_up_to_translation(2);
}

#[test]
fn builtin_patterns_match_bgolly_up_to_translation_on_3_ranks() {
    matches_bgolly_up_to_translation(3);
}

#[test]
fn builtin_patterns_match_bgolly_up_to_translation_on_4_ranks() {
    matches_bgolly_up_to_translation(4);
}

/// Beyond the shape: the same cells at the same plane coordinates as
/// Golly (a pattern without `#CXRLE` starts at (0,0)), `Pos` being the
/// bounding box's top-left as Golly's writer puts it, the summary's bbox
/// Golly's edges, and the same hash on every rank count.
#[test]
fn builtin_patterns_land_exactly_where_bgolly_has_them_on_every_rank_count() {
    let golly = golly_runs();
    let mut problems = Vec::new();
    let mut hashes: Vec<Vec<String>> = vec![Vec::new(); golly.len()];
    for np in RANKS {
        for (k, ((name, golly), (_, ours))) in golly.iter().zip(life_tui_runs(np)).enumerate() {
            let (Ok(golly), Ok(ours)) = (golly, ours) else {
                problems.push(format!(
                    "{name} np={np}: a run failed (see the other tests)"
                ));
                continue;
            };
            hashes[k].push(ours.hash.clone());
            let at = format!("{name} np={np}");
            if ours.cells != golly.cells {
                problems.push(format!(
                    "{at}: cells at {:?} (Pos {:?}), bgolly's at {:?}{}",
                    bbox_of(&ours.cells),
                    ours.pos,
                    golly.bbox,
                    if normalised(&ours.cells) == normalised(&golly.cells) {
                        " (the same shape, translated)"
                    } else {
                        " (not even the same shape)"
                    }
                ));
            }
            if let Some([x0, y0, _, _]) = golly.bbox {
                if ours.pos != Some((x0, y0)) {
                    problems.push(format!(
                        "{at}: Pos {:?}, bgolly's bounding box starts at {:?}",
                        ours.pos,
                        (x0, y0)
                    ));
                }
                if ours.bbox != golly.bbox {
                    problems.push(format!(
                        "{at}: summary bbox {:?}, bgolly's edges {:?}",
                        ours.bbox, golly.bbox
                    ));
                }
            }
        }
    }
    for ((name, _), hashes) in golly.iter().zip(&hashes) {
        if hashes.windows(2).any(|w| w[0] != w[1]) {
            problems.push(format!("{name}: hashes differ across np 1-4: {hashes:?}"));
        }
    }
    report(
        "built-in patterns on the plane at Golly's coordinates",
        &problems,
    );
}

fn assert_same_place(what: &str, ours: &LifeTui, golly: &Golly) {
    assert_eq!(ours.population, golly.population, "{what}: population");
    // Not assert_eq: the cell lists can be long.
    assert!(
        ours.cells == golly.cells,
        "{what}: life-tui's cells span {:?} (Pos {:?}), bgolly's {:?}{}",
        bbox_of(&ours.cells),
        ours.pos,
        golly.bbox,
        if normalised(&ours.cells) == normalised(&golly.cells) {
            " (the same shape, translated)"
        } else {
            " (not even the same shape)"
        }
    );
}

/// Extended RLE both ways, with the gun (whose stream crosses the band
/// edges of every rank count): life-tui's output read back by bgolly and
/// by `--resume` lands where life-tui's uninterrupted run is, and Golly's
/// save (bgolly's cells with the `#CXRLE` line Golly's GUI writes first)
/// read by `--resume` and `--pattern` lands where Golly's run is. Neither
/// depends on where a file without `Pos` is placed, which is checked last
/// (and for every pattern by the test above).
#[test]
fn extended_rle_with_pos_reads_back_at_the_same_place_both_ways() {
    let dir = temp_dir();
    let scratch = dir.path();
    let gun = patterns_dir().join("gosper-glider-gun.rle");
    let golly_500 = golly(&gun, 0, 500, scratch).unwrap();
    let golly_1000 = golly(&gun, 0, 1000, scratch).unwrap();
    let [x0, y0, _, _] = golly_500.bbox.unwrap();
    assert!(golly_500.population > 36 && golly_1000.population > golly_500.population);

    // life-tui's own file at generation 500, and its straight run to 1000.
    let half = scratch.join("half.rle");
    let args = |g: &'static str| {
        [
            "--pattern",
            "gosper-glider-gun",
            "--edge",
            "plane",
            "--generations",
            g,
        ]
    };
    let ours_500 = life_tui(2, &args("500"), &half).unwrap();
    assert!(
        ours_500.first_line.starts_with("#CXRLE Pos="),
        "{}",
        ours_500.first_line
    );
    assert_eq!(ours_500.generation, Some(500));
    assert!(!ours_500.bounded, "no bounded-grid suffix on the plane");
    let ours_1000 = life_tui(1, &args("1000"), &scratch.join("straight.rle")).unwrap();
    assert_eq!(ours_1000.population, golly_1000.population);

    // bgolly reads it at the same place and generation and goes on as
    // life-tui does.
    let golly_from_ours = golly(&half, 500, 1000, scratch).unwrap();
    assert_eq!(
        golly_from_ours.cells, ours_1000.cells,
        "bgolly from life-tui's file at 500 against life-tui's straight run"
    );

    // --resume of it, on another rank count, goes on in place.
    let resumed = life_tui(
        3,
        &["--resume", half.to_str().unwrap(), "--generations", "1000"],
        &scratch.join("resumed.rle"),
    )
    .unwrap();
    assert_eq!(resumed.generation, Some(1000));
    assert_eq!(
        resumed.population, ours_1000.population,
        "--resume of life-tui's file"
    );
    assert_eq!(
        resumed.cells, ours_1000.cells,
        "--resume of life-tui's file"
    );

    // Golly's save at generation 500: as Golly writes it, then --resume.
    let saved = scratch.join("golly-saved.rle");
    std::fs::write(
        &saved,
        format!("#CXRLE Pos={x0},{y0} Gen=500\n{}", golly_500.rle),
    )
    .unwrap();
    let reread = golly(&saved, 500, 500, scratch).unwrap();
    assert_eq!(
        reread.cells, golly_500.cells,
        "bgolly reads its own save back in place"
    );
    let resumed = life_tui(
        4,
        &["--resume", saved.to_str().unwrap(), "--generations", "1000"],
        &scratch.join("resumed-golly.rle"),
    )
    .unwrap();
    assert_same_place("--resume of Golly's save", &resumed, &golly_1000);

    // The same cells saved at generation 0 (Golly then writes no Gen):
    // --pattern places them at Pos and runs them 500 generations on.
    let saved0 = scratch.join("golly-saved-gen0.rle");
    std::fs::write(&saved0, format!("#CXRLE Pos={x0},{y0}\n{}", golly_500.rle)).unwrap();
    let golly_0_500 = golly(&saved0, 0, 500, scratch).unwrap();
    assert_eq!(golly_0_500.cells, golly_1000.cells);
    let args = [
        "--pattern",
        saved0.to_str().unwrap(),
        "--edge",
        "plane",
        "--generations",
        "500",
    ];
    let from_pattern = life_tui(1, &args, &scratch.join("from-pattern.rle")).unwrap();
    assert_same_place("--pattern of Golly's save", &from_pattern, &golly_1000);

    // Last, what depends on the placement of a file without Pos.
    assert_same_place(
        "life-tui's gun at 500 (no Pos: top-left at 0,0)",
        &ours_500,
        &golly_500,
    );
}

/// Four gliders 2^21 cells apart, flying away from each other: their box,
/// about 2^42 cells, is far past what a grid can hold (2^32 cells), as the
/// save of a long run is (the gun's at a million generations spans about
/// 2^36). Saved as life-tui saves a plane, it is read back by bgolly and
/// by `--resume` on every rank count, and each runs it on to the same
/// cells at the same place; a Life 1.06 list of the same cells too. A
/// bounded grid refuses it in one line.
#[test]
fn a_plane_save_too_large_for_a_grid_resumes_in_place_on_every_rank_count() {
    let dir = temp_dir();
    let scratch = dir.path();
    let far = 1i64 << 20;
    // The glider flying south-east, and its mirror images at the other corners.
    let glider = [(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)];
    let mut cells: Cells = [(1, 1), (-1, 1), (1, -1), (-1, -1)]
        .iter()
        .flat_map(|&(sx, sy)| glider.map(|(x, y)| (sx * (far + x), sy * (far + y))))
        .collect();
    cells.sort_unstable();
    let [x0, y0, x1, y1] = bbox_of(&cells).unwrap();
    assert!((x1 - x0 + 1) * (y1 - y0 + 1) > 1 << 40);
    let mut saved = pattern::Pattern::from_cells(life_tui::engine::BitGrid::new(0, 0));
    saved.xrle = Some(pattern::Xrle {
        pos: Some((x0, y0)),
        generation: Some(100),
    });
    let file = scratch.join("far.rle");
    std::fs::write(
        &file,
        pattern::rle::write_sparse(&saved, &mut cells.clone()),
    )
    .unwrap();

    let golly_100 = golly(&file, 100, 100, scratch).unwrap();
    assert_eq!(golly_100.cells, cells, "bgolly reads the save in place");
    let golly_500 = golly(&file, 100, 500, scratch).unwrap();
    assert_eq!(golly_500.population, 20, "{golly_500:?}");
    // 400 generations: each glider 100 cells further out, its own way.
    let [gx0, gy0, gx1, gy1] = golly_500.bbox.unwrap();
    assert_eq!(
        [gx0, gy0, gx1, gy1],
        [x0 - 100, y0 - 100, x1 + 100, y1 + 100]
    );

    let mut problems = Vec::new();
    for np in RANKS {
        let args = ["--resume", file.to_str().unwrap(), "--generations", "500"];
        match life_tui(np, &args, &scratch.join(format!("resumed.{np}.rle"))) {
            Err(e) => problems.push(e),
            Ok(ours) => {
                if ours.generation != Some(500) || ours.cells != golly_500.cells {
                    problems.push(format!(
                        "np={np}: --resume gives generation {:?}, cells spanning {:?}; bgolly {:?}",
                        ours.generation,
                        bbox_of(&ours.cells),
                        golly_500.bbox
                    ));
                }
                if ours.bbox != golly_500.bbox {
                    problems.push(format!("np={np}: reported bbox {:?}", ours.bbox));
                }
            }
        }
    }
    let lif = scratch.join("far.lif");
    let points: String = cells.iter().map(|(x, y)| format!("{x} {y}\n")).collect();
    std::fs::write(&lif, format!("#Life 1.06\n{points}")).unwrap();
    let args = ["--pattern", lif.to_str().unwrap(), "--generations", "400"];
    match life_tui(3, &args, &scratch.join("from-lif.rle")) {
        Err(e) => problems.push(e),
        Ok(ours) if ours.cells != golly_500.cells => problems.push(format!(
            "Life 1.06 --pattern: cells spanning {:?}",
            bbox_of(&ours.cells)
        )),
        Ok(_) => {}
    }
    report("a plane save past the grid limit", &problems);

    let torus = mpirun(
        1,
        &[
            "--headless",
            "--pattern",
            file.to_str().unwrap(),
            "--edge",
            "torus",
            "--generations",
            "1",
        ],
    );
    let stderr = stderr_of(&torus);
    assert_eq!(torus.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("too large for a bounded grid"),
        "{stderr}"
    );
}

/// `--at X,Y` puts the top-left of the pattern's frame at X,Y on the plane,
/// negative coordinates included (a bounded grid takes 0 and up), on any
/// rank count: the glider's frame is its bounding box.
#[test]
fn at_places_the_frame_anywhere_on_the_plane() {
    let dir = temp_dir();
    for (np, at, pos) in [(1, "-5,-7", (-5, -7)), (3, "-1000000,20", (-1_000_000, 20))] {
        let args = ["--pattern", "glider", "--at", at, "--generations", "0"];
        let ours = life_tui(np, &args, &dir.path().join(format!("at.{np}.rle"))).unwrap();
        assert_eq!(ours.pos, Some(pos), "--at {at}");
        let [x0, y0] = [pos.0, pos.1];
        assert_eq!(ours.bbox, Some([x0, y0, x0 + 2, y0 + 2]), "--at {at}");
    }
}

/// Every format life-tui reads, placed where Golly places it (see the top
/// of this file), then stepped: RLE frames with blank leading rows and
/// columns, a negative `Pos`, `.cells` with and without `!` lines, Life
/// 1.06 and Life 1.05 at absolute, negative coordinates.
#[test]
fn every_format_lands_where_golly_puts_it() {
    let dir = temp_dir();
    let scratch = dir.path();
    let files = [
        // The frame's top-left at (0,0): cells from (2,1), a block further.
        (
            "frame.rle",
            "x = 12, y = 10, rule = B3/S23\n$3bo$4bo$2b3o5$10b2o$10b2o!\n",
        ),
        (
            "pos.rle",
            "#CXRLE Pos=-41,-17\n#N moved\nx = 12, y = 10, rule = B3/S23\n$3bo$4bo$2b3o5$10b2o$10b2o!\n",
        ),
        ("named.cells", "!Name: glider\n!\n\n...O\n....O\n..OOO\n"),
        ("bare.cells", ".O\n..O\nOOO\n"),
        (
            "cells.lif",
            "#Life 1.06\n-20 -31\n-19 -30\n-21 -29\n-20 -29\n-19 -29\n7 5\n8 5\n7 6\n8 6\n",
        ),
        (
            "blocks.lif",
            "#Life 1.05\n#D two blocks of rows\n#N\n#P -13 -6\n.*\n..*\n***\n#P 9 14\n**\n**\n",
        ),
    ];
    let mut problems = Vec::new();
    for (np, (name, text)) in [1, 2, 3, 4, 2, 3].into_iter().zip(files) {
        let file = scratch.join(name);
        std::fs::write(&file, text).unwrap();
        let golly_0 = golly(&file, 0, 0, scratch).unwrap();
        let golly_8 = golly(&file, 0, 8, scratch).unwrap();
        assert!(golly_0.population >= 5, "{name}: bgolly read {golly_0:?}");
        for (golly, generations) in [(golly_0, "0"), (golly_8, "8")] {
            let args = [
                "--pattern",
                file.to_str().unwrap(),
                "--edge",
                "plane",
                "--generations",
                generations,
            ];
            let out = scratch.join(format!("{name}.{generations}.out.rle"));
            match life_tui(np, &args, &out) {
                Err(e) => problems.push(format!("{name}: {e}")),
                Ok(ours) if ours.cells != golly.cells => problems.push(format!(
                    "{name} np={np} generation {generations}: life-tui's cells span {:?} (Pos {:?}), \
                     bgolly's {:?}",
                    bbox_of(&ours.cells),
                    ours.pos,
                    golly.bbox
                )),
                Ok(_) => {}
            }
        }
    }
    report("placement of every format on the plane", &problems);
}

/// The bgolly side alone, so that a broken or missing bgolly is told
/// apart from a broken life-tui: Golly's placement as this file states it.
#[test]
fn bgolly_places_files_as_stated_at_the_top_of_this_file() {
    let dir = temp_dir();
    let scratch = dir.path();
    let cases: [(&str, &str, Bbox); 6] = [
        (
            "frame.rle",
            "x = 5, y = 5, rule = B3/S23\n$2b3o!\n",
            [2, 1, 4, 1],
        ),
        (
            "pos.rle",
            "#CXRLE Pos=-7,12 Gen=33\nx = 3, y = 3\nbo$2bo$3o!\n",
            [-7, 12, -5, 14],
        ),
        ("named.cells", "!Name: x\n\n..O\n...O\n.OOO\n", [1, 1, 3, 3]),
        ("bare.cells", "\n\n.O\n..O\nOOO\n", [0, 0, 2, 2]),
        (
            "cells.lif",
            "#Life 1.06\n0 -1\n1 0\n-1 1\n0 1\n1 1\n",
            [-1, -1, 1, 1],
        ),
        (
            "blocks.lif",
            "#Life 1.05\n#P -1 -1\n.*\n..*\n***\n#P 10 20\n**\n\n**\n",
            [-1, -1, 11, 21],
        ),
    ];
    for (name, text, bbox) in cases {
        let file = scratch.join(name);
        std::fs::write(&file, text).unwrap();
        let from = if name == "pos.rle" { 33 } else { 0 };
        let golly = golly(&file, from, from, scratch).unwrap();
        assert_eq!(golly.bbox, Some(bbox), "{name}");
        assert_eq!(golly.generation, from, "{name}");
    }
    // The 3x3 glider in the built-in file starts at (0,0), not (-1,-1).
    let glider = golly(&patterns_dir().join("glider.rle"), 0, 0, scratch).unwrap();
    assert_eq!(glider.cells, vec![(0, 2), (1, 0), (1, 2), (2, 1), (2, 2)]);
    // Gen=33 then -m 1000: 967 generations, ending at generation 1000.
    let pos = golly(&scratch.join("pos.rle"), 33, 1000, scratch).unwrap();
    let no_gen = scratch.join("pos-gen0.rle");
    std::fs::write(&no_gen, "#CXRLE Pos=-7,12\nx = 3, y = 3\nbo$2bo$3o!\n").unwrap();
    assert_eq!(pos.cells, golly(&no_gen, 0, 967, scratch).unwrap().cells);
}
