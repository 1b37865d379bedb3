//! The engine against hand-checked patterns and the naive reference.

use life_core::engine::{BitGrid, DeadSides, Edge, Isa, Life, Rule, Stepping, Strip, reference};
use proptest::prelude::*;

fn grid_from(width: usize, height: usize, cells: &[(usize, usize)]) -> BitGrid {
    let mut grid = BitGrid::new(width, height);
    for &(x, y) in cells {
        grid.set(x, y, true);
    }
    grid
}

fn run(grid: &BitGrid, rule: Rule, edge: Edge, generations: u64) -> BitGrid {
    let mut life = Life::new(grid, rule, edge);
    life.run(generations);
    life.grid()
}

const GLIDER: [(usize, usize); 5] = [(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)];

#[test]
fn blinker_oscillates_with_period_two() {
    let horizontal = grid_from(5, 5, &[(1, 2), (2, 2), (3, 2)]);
    let vertical = grid_from(5, 5, &[(2, 1), (2, 2), (2, 3)]);
    assert_eq!(run(&horizontal, Rule::LIFE, Edge::Torus, 1), vertical);
    assert_eq!(run(&horizontal, Rule::LIFE, Edge::Torus, 2), horizontal);
    assert_eq!(run(&horizontal, Rule::LIFE, Edge::Dead, 1), vertical);
}

#[test]
fn block_is_still() {
    let block = grid_from(4, 4, &[(1, 1), (2, 1), (1, 2), (2, 2)]);
    assert_eq!(run(&block, Rule::LIFE, Edge::Torus, 7), block);
}

#[test]
fn glider_moves_one_cell_diagonally_every_four_generations() {
    let glider = grid_from(10, 10, &GLIDER);
    let moved: Vec<_> = GLIDER.iter().map(|&(x, y)| (x + 1, y + 1)).collect();
    assert_eq!(
        run(&glider, Rule::LIFE, Edge::Torus, 4),
        grid_from(10, 10, &moved)
    );
}

#[test]
fn glider_crosses_the_torus_seam_in_both_axes() {
    for width in [10, 64, 65, 127, 128, 130] {
        let height = 9;
        let glider = grid_from(width, height, &GLIDER);
        // After 4*k generations the glider has moved (k, k), wrapping.
        let k = width.max(height) + 3;
        let expected: Vec<_> = GLIDER
            .iter()
            .map(|&(x, y)| ((x + k) % width, (y + k) % height))
            .collect();
        let after = run(&glider, Rule::LIFE, Edge::Torus, 4 * k as u64);
        assert_eq!(after, grid_from(width, height, &expected), "width {width}");
        assert_eq!(after.population(), 5);
    }
}

#[test]
fn glider_dies_against_dead_edges() {
    let glider = grid_from(12, 12, &GLIDER);
    let after = run(&glider, Rule::LIFE, Edge::Dead, 60);
    // A glider hitting a dead corner becomes a block.
    assert_eq!(after.population(), 4);
    assert_eq!(after, reference_run(&glider, Rule::LIFE, Edge::Dead, 60));
}

#[test]
fn every_width_from_1_to_130_matches_the_reference() {
    for width in 1..=130 {
        for edge in [Edge::Torus, Edge::Dead] {
            let grid = pseudo_random_grid(width, 7, width as u64);
            let fast = run(&grid, Rule::LIFE, edge, 6);
            let slow = reference_run(&grid, Rule::LIFE, edge, 6);
            assert_eq!(fast, slow, "width {width}, {edge}");
        }
    }
}

#[test]
fn b0_rule_flips_empty_space_and_respects_the_width() {
    let rule = Rule::parse("B0/S").unwrap();
    for width in [1, 3, 63, 64, 65, 100] {
        let empty = BitGrid::new(width, 4);
        let all = run(&empty, rule, Edge::Torus, 1);
        assert_eq!(all.population(), (width * 4) as u64, "width {width}");
        assert_eq!(run(&empty, rule, Edge::Torus, 2), empty);
        assert_eq!(
            run(&empty, rule, Edge::Dead, 3),
            reference_run(&empty, rule, Edge::Dead, 3)
        );
    }
}

fn reference_run(grid: &BitGrid, rule: Rule, edge: Edge, generations: u64) -> BitGrid {
    (0..generations).fold(grid.clone(), |g, _| reference::step(&g, &rule, edge))
}

fn pseudo_random_grid(width: usize, height: usize, seed: u64) -> BitGrid {
    let mut grid = BitGrid::new(width, height);
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for y in 0..height {
        for x in 0..width {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            grid.set(x, y, state >> 62 == 0 || state >> 63 == 1 && x % 3 == 0);
        }
    }
    grid
}

fn arbitrary_grid() -> impl Strategy<Value = BitGrid> {
    (1usize..=140, 1usize..=12).prop_flat_map(|(w, h)| {
        proptest::collection::vec(any::<bool>(), w * h).prop_map(move |cells| {
            let mut grid = BitGrid::new(w, h);
            for (i, alive) in cells.into_iter().enumerate() {
                grid.set(i % w, i / w, alive);
            }
            grid
        })
    })
}

fn arbitrary_rule() -> impl Strategy<Value = Rule> {
    prop_oneof![
        Just(Rule::LIFE),
        Just(Rule::HIGHLIFE),
        (0u16..512, 0u16..512).prop_map(|(birth, survival)| Rule { birth, survival }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn bit_packed_kernel_equals_the_reference(
        grid in arbitrary_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        generations in 1u64..11,
    ) {
        // `Life` steps up to four generations per pass: this covers whole
        // batches, a shorter last batch, and grids thinner than a batch.
        let edge = if torus { Edge::Torus } else { Edge::Dead };
        prop_assert_eq!(run(&grid, rule, edge, generations), reference_run(&grid, rule, edge, generations));
    }
}

/// `grid` cut into strips, each stepped `generations` at once between
/// halo exchanges done by hand, `depth` deep, as ranks do over MPI.
fn run_in_strips(
    grid: &BitGrid,
    rule: Rule,
    edge: Edge,
    strips: usize,
    depth: usize,
    generations: usize,
) -> BitGrid {
    run_in_strips_with(grid, rule, edge, strips, depth, generations, Stepping::Auto)
}

/// [`run_in_strips`], every strip stepping as `stepping` says.
fn run_in_strips_with(
    grid: &BitGrid,
    rule: Rule,
    edge: Edge,
    strips: usize,
    depth: usize,
    generations: usize,
    stepping: Stepping,
) -> BitGrid {
    let (width, height) = (grid.width(), grid.height());
    let bounds: Vec<usize> = (0..=strips).map(|i| i * height / strips).collect();
    let mut parts: Vec<Strip> = (0..strips)
        .map(|i| {
            let mut strip = Strip::with_depth(width, bounds[i + 1] - bounds[i], depth);
            if stepping == Stepping::Sparse && i % 2 == 0 {
                // Cell by cell, as patterns are placed: only the tiles
                // around the cells set are stepped at first (the other
                // strips are written row by row: every tile at first).
                for y in 0..strip.rows() {
                    for x in (0..width).filter(|&x| grid.get(x, bounds[i] + y)) {
                        strip.set(x, y, true);
                    }
                }
            } else {
                strip.fill_rows(|y, row| row.copy_from_slice(grid.row(bounds[i] + y)));
            }
            strip.set_stepping(stepping);
            strip
        })
        .collect();
    let mut left = generations;
    while left > 0 {
        let k = left.min(depth);
        let rows_of = |p: &Strip, range: std::ops::Range<usize>| -> Vec<u64> {
            range.flat_map(|y| p.row(y).to_vec()).collect()
        };
        let firsts: Vec<Vec<u64>> = parts.iter().map(|p| rows_of(p, 0..k)).collect();
        let lasts: Vec<Vec<u64>> = parts
            .iter()
            .map(|p| rows_of(p, p.rows() - k..p.rows()))
            .collect();
        for (i, part) in parts.iter_mut().enumerate() {
            let dead = DeadSides {
                above: edge == Edge::Dead && i == 0,
                below: edge == Edge::Dead && i == strips - 1,
            };
            let (above, below) = ((i + strips - 1) % strips, (i + 1) % strips);
            part.advance(&rule, edge, k, dead, |halos, compute_interior| {
                compute_interior();
                if !dead.above {
                    halos.above.copy_from_slice(&lasts[above]);
                }
                if !dead.below {
                    halos.below.copy_from_slice(&firsts[below]);
                }
            });
        }
        left -= k;
    }
    let mut out = BitGrid::new(width, height);
    for (i, part) in parts.iter().enumerate() {
        for y in 0..part.rows() {
            out.row_mut(bounds[i] + y).copy_from_slice(part.row(y));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn strips_stepping_several_generations_per_exchange_equal_the_reference(
        grid in arbitrary_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        strips in 1usize..=3,
        depth in 1usize..=6,
        generations in 1usize..=13,
    ) {
        let edge = if torus { Edge::Torus } else { Edge::Dead };
        let strips = strips.min(grid.height());
        // No strip may be thinner than the halo (as headless runs ensure).
        let depth = depth.min(grid.height() / strips);
        let expected = reference_run(&grid, rule, edge, generations as u64);
        prop_assert_eq!(run_in_strips(&grid, rule, edge, strips, depth, generations), expected);
    }
}

#[test]
fn several_generations_per_pass_match_the_reference_across_bands() {
    // Tall enough for several bands of a multi-generation step at each
    // width (bands are up to 256 rows), with B0 to test dead edges.
    let b0 = Rule::parse("B01/S3").unwrap();
    for (width, height) in [(64, 700), (4100, 90), (200, 300)] {
        let grid = pseudo_random_grid(width, height, (width * height) as u64);
        for edge in [Edge::Torus, Edge::Dead] {
            for rule in [Rule::LIFE, b0] {
                let expected = reference_run(&grid, rule, edge, 7);
                for depth in [2, 4, 7] {
                    let fast = run_in_strips(&grid, rule, edge, 2, depth, 7);
                    assert!(
                        fast == expected,
                        "{width}x{height}, {edge}, {rule}, depth {depth}"
                    );
                }
            }
        }
    }
}

/// Steps `grid` with the kernel compiled for `isa`, `depth` generations
/// per pass.
fn run_with(grid: &BitGrid, rule: Rule, edge: Edge, generations: u64, isa: Isa) -> BitGrid {
    let mut strip = Strip::from_grid(grid);
    strip.set_isa(isa);
    for _ in 0..generations {
        strip.fill_halos_alone(edge);
        strip.step(&rule, edge);
    }
    let single = strip.to_grid();
    let depth = grid.height().min(3);
    let mut strip = Strip::from_grid_with_depth(grid, depth);
    strip.set_isa(isa);
    let mut left = generations as usize;
    while left > 0 {
        strip.advance_alone(&rule, edge, left.min(depth));
        left -= left.min(depth);
    }
    assert!(
        strip.to_grid() == single,
        "{isa:?}: one pass of several generations differs"
    );
    single
}

#[test]
fn the_cpu_has_the_kernel_variants_it_reports() {
    let available = Isa::available();
    assert_eq!(available[0], Isa::Portable);
    assert!(available.contains(&Isa::detect()));
}

#[test]
fn every_kernel_variant_matches_the_reference_across_bands_and_tiles() {
    // Wide rows make short bands (a few rows each): 21 rows span several
    // bands, and the widths exercise whole tiles, an overlapping last tile
    // and a partial last word.
    let highlife = Rule::parse("B36/S23").unwrap();
    for width in [16384, 16383, 8256 + 37] {
        let grid = pseudo_random_grid(width, 21, width as u64);
        for edge in [Edge::Torus, Edge::Dead] {
            for rule in [Rule::LIFE, highlife] {
                let slow = reference_run(&grid, rule, edge, 2);
                for isa in Isa::available() {
                    let fast = run_with(&grid, rule, edge, 2, isa);
                    assert!(fast == slow, "width {width}, {edge}, {rule}, {isa:?}");
                }
            }
        }
    }
}

fn wide_grid() -> impl Strategy<Value = BitGrid> {
    // Up to 22 words a row: every tile layout of both variants (4 and 8
    // words a tile, overlapping or not) and rows too short for any tile.
    (1usize..=1400, 1usize..=5).prop_flat_map(|(w, h)| {
        proptest::collection::vec(any::<u64>(), h * w.div_ceil(64))
            .prop_map(move |words| BitGrid::from_words(w, h, words))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn every_kernel_variant_equals_the_reference(
        grid in wide_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        generations in 1u64..3,
    ) {
        let edge = if torus { Edge::Torus } else { Edge::Dead };
        let expected = reference_run(&grid, rule, edge, generations);
        for isa in Isa::available() {
            prop_assert!(run_with(&grid, rule, edge, generations, isa) == expected, "{:?}", isa);
        }
    }
}

// The sparse path: tiles stepped only next to changes. Tiles are 256
// cells by 16 rows; these grids span several of them both ways.

fn run_stepping(
    grid: &BitGrid,
    rule: Rule,
    edge: Edge,
    generations: u64,
    stepping: Stepping,
) -> BitGrid {
    let mut life = Life::new(grid, rule, edge);
    life.set_stepping(stepping);
    life.run(generations);
    life.grid()
}

/// `grid` run in `strips` strips exchanging halos `depth` rows deep (as
/// many as its height allows) equals the reference.
fn strips_equal_the_reference(
    grid: &BitGrid,
    rule: Rule,
    torus: bool,
    (strips, depth): (usize, usize),
    generations: usize,
    stepping: Stepping,
) -> Result<(), TestCaseError> {
    let edge = if torus { Edge::Torus } else { Edge::Dead };
    let strips = strips.min(grid.height());
    let depth = depth.min(grid.height() / strips);
    let expected = reference_run(grid, rule, edge, generations as u64);
    let got = run_in_strips_with(grid, rule, edge, strips, depth, generations, stepping);
    prop_assert_eq!(got, expected);
    Ok(())
}

/// A grid of up to 700x70 cells with a few small clusters of random cells
/// in it: mostly empty tiles, some active, some still.
fn sparse_grid() -> impl Strategy<Value = BitGrid> {
    (1usize..=700, 1usize..=70).prop_flat_map(|(w, h)| {
        proptest::collection::vec((0..w, 0..h, any::<u16>()), 0..6).prop_map(move |clusters| {
            let mut grid = BitGrid::new(w, h);
            for (x, y, bits) in clusters {
                // A 4x4 blob of random cells at (x, y).
                for k in 0..16 {
                    if bits >> k & 1 == 1 {
                        grid.set((x + k % 4) % w, (y + k / 4) % h, true);
                    }
                }
            }
            grid
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    #[test]
    fn sparse_stepping_equals_the_reference(
        grid in sparse_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        generations in 1u64..60,
    ) {
        let edge = if torus { Edge::Torus } else { Edge::Dead };
        let expected = reference_run(&grid, rule, edge, generations);
        prop_assert_eq!(run_stepping(&grid, rule, edge, generations, Stepping::Sparse), expected.clone());
        prop_assert_eq!(run_stepping(&grid, rule, edge, generations, Stepping::Auto), expected);
    }

    #[test]
    fn sparse_strips_with_exchanges_equal_the_reference(
        grid in sparse_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        strips in 1usize..=3,
        depth in 1usize..=6,
        generations in 1usize..=50,
    ) {
        strips_equal_the_reference(&grid, rule, torus, (strips, depth), generations, Stepping::Sparse)?;
    }

    #[test]
    fn sparse_stepping_of_dense_grids_equals_the_reference(
        grid in arbitrary_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        strips in 1usize..=3,
        depth in 1usize..=4,
        generations in 1usize..=9,
    ) {
        let edge = if torus { Edge::Torus } else { Edge::Dead };
        let strips = strips.min(grid.height());
        let depth = depth.min(grid.height() / strips);
        let expected = reference_run(&grid, rule, edge, generations as u64);
        prop_assert_eq!(run_stepping(&grid, rule, edge, generations as u64, Stepping::Sparse), expected.clone());
        let sparse = run_in_strips_with(&grid, rule, edge, strips, depth, generations, Stepping::Sparse);
        prop_assert_eq!(sparse, expected);
    }
}

/// Gliders flying every way, placed across tile corners and strip seams.
fn gliders(width: usize, height: usize) -> BitGrid {
    let mut grid = BitGrid::new(width, height);
    // (x, y, flip x, flip y): the four directions.
    let at = [
        (254, 14, false, false),
        (510, 30, true, false),
        (60, 46, false, true),
        (300, 2, true, true),
        (width - 2, height - 2, false, false),
    ];
    for (x0, y0, fx, fy) in at {
        for &(x, y) in &GLIDER {
            let (x, y) = (if fx { 2 - x } else { x }, if fy { 2 - y } else { y });
            grid.set((x0 + x) % width, (y0 + y) % height, true);
        }
    }
    grid
}

#[test]
fn gliders_crossing_tiles_and_strips_match_the_dense_path() {
    // Long enough for every glider to cross several tile edges each way
    // and (on the torus) the seams, and, with dead edges, to die there.
    // Widths of whole words step the tiles at the rows' ends from padded
    // copies: 512 has two such tiles a row, 256 one that is both.
    for (width, height) in [(600, 80), (640, 64), (513, 47), (512, 64), (256, 48)] {
        let grid = gliders(width, height);
        for edge in [Edge::Torus, Edge::Dead] {
            let dense = reference_run(&grid, Rule::LIFE, edge, 300);
            assert!(
                run_stepping(&grid, Rule::LIFE, edge, 300, Stepping::Sparse) == dense,
                "{width}x{height} {edge}, one strip"
            );
            for isa in Isa::available() {
                let mut strip = Strip::from_grid_with_depth(&grid, 3);
                strip.set_isa(isa);
                strip.set_stepping(Stepping::Sparse);
                for _ in 0..100 {
                    strip.advance_alone(&Rule::LIFE, edge, 3);
                }
                assert!(strip.to_grid() == dense, "{width}x{height} {edge}, {isa:?}");
            }
            for (strips, depth) in [(2, 1), (3, 4), (4, 6)] {
                let sparse = run_in_strips_with(
                    &grid,
                    Rule::LIFE,
                    edge,
                    strips,
                    depth,
                    300,
                    Stepping::Sparse,
                );
                assert!(
                    sparse == dense,
                    "{width}x{height} {edge}, {strips} strips, depth {depth}"
                );
            }
        }
    }
}

#[test]
fn a_still_life_on_a_huge_grid_costs_almost_nothing_per_generation() {
    // Two blocks and a beehive on 8192x8192: 16 384 tiles. The first
    // generation steps the tiles around them; none changes, so none is
    // stepped again.
    let side = 8192;
    let mut grid = BitGrid::new(side, side);
    let still = [
        (100, 100),
        (101, 100),
        (100, 101),
        (101, 101),
        (5000, 7000),
        (5001, 7000),
        (5000, 7001),
        (5001, 7001),
        (4096, 255),
        (4097, 254),
        (4097, 256),
        (4098, 254),
        (4098, 256),
        (4099, 255),
    ];
    for &(x, y) in &still {
        grid.set(x, y, true);
    }
    let mut life = Life::new(&grid, Rule::LIFE, Edge::Torus);
    life.run(1);
    let first = life.activity();
    assert_eq!(first.tiles, (side / 256 * side / 16) as u64);
    // Each still life's tiles (the beehive straddles two rows of tiles)
    // and their neighbours.
    assert!(first.tiles_stepped <= 4 * 9, "{first:?}");
    life.run(1000);
    let after = life.activity();
    assert_eq!(after.dense_generations, 0);
    assert_eq!(after.sparse_generations, 1001);
    assert_eq!(
        after.tiles_stepped, first.tiles_stepped,
        "tiles stepped after the first generation"
    );
    assert_eq!(life.grid(), grid);
    // Placed cell by cell, as patterns are, the strip steps only the tiles
    // around them from the first generation on.
    let mut strip = Strip::with_depth(side, side, 4);
    for &(x, y) in &still {
        strip.set(x, y, true);
    }
    strip.advance_alone(&Rule::LIFE, Edge::Torus, 1);
    let first = strip.activity().tiles_stepped;
    // Each still life's tiles (the beehive straddles two rows of tiles)
    // and their neighbours.
    assert!(first <= 4 * 9, "{first} tiles at the first generation");
    for _ in 0..100 {
        strip.advance_alone(&Rule::LIFE, Edge::Torus, 4);
    }
    let stats = strip.activity();
    assert_eq!(stats.sparse_generations, 401);
    assert_eq!(stats.tiles_stepped, first, "{stats:?}");
    assert_eq!(strip.to_grid(), grid);
    // Placed all at once, as the headless runs place patterns: the same.
    let mut strip = Strip::with_depth(side, side, 4);
    strip.place(still.iter().copied());
    assert_eq!(strip.to_grid(), grid);
    strip.advance_alone(&Rule::LIFE, Edge::Torus, 1);
    assert_eq!(strip.activity().tiles_stepped, first);
    for _ in 0..100 {
        strip.advance_alone(&Rule::LIFE, Edge::Torus, 4);
    }
    assert_eq!(strip.activity().tiles_stepped, first);
    assert_eq!(strip.to_grid(), grid);
}

#[test]
fn a_glider_on_a_huge_grid_steps_a_few_tiles_per_generation() {
    let side = 8192;
    let mut grid = BitGrid::new(side, side);
    for &(x, y) in &GLIDER {
        grid.set(x + 4000, y + 4000, true);
    }
    let mut life = Life::new(&grid, Rule::LIFE, Edge::Torus);
    life.run(1);
    let first = life.activity().tiles_stepped;
    life.run(400);
    let per_generation = (life.activity().tiles_stepped - first) as f64 / 400.0;
    assert!(per_generation <= 4.0, "{per_generation} tiles a generation");
    assert_eq!(life.population(), 5);
}

#[test]
fn a_soup_steps_densely_and_b0_rules_always_do() {
    let grid = pseudo_random_grid(1024, 256, 7);
    let mut life = Life::new(&grid, Rule::LIFE, Edge::Torus);
    life.run(200);
    let stats = life.activity();
    assert!(stats.dense_generations > 100, "{stats:?}");
    assert_eq!(
        life.grid(),
        run_stepping(&grid, Rule::LIFE, Edge::Torus, 200, Stepping::Sparse)
    );
    let b0 = Rule::parse("B0123/S4").unwrap();
    let mut life = Life::new(&BitGrid::new(300, 40), b0, Edge::Dead);
    life.run(20);
    assert_eq!(life.activity().sparse_generations, 0);
    assert_eq!(
        life.grid(),
        run_stepping(&BitGrid::new(300, 40), b0, Edge::Dead, 20, Stepping::Sparse)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// The live view's cheap count (only the tiles changed since the last
    /// count) must always equal a count of every cell: through sparse and
    /// dense steps, cells set one by one and rows written whole.
    #[test]
    fn counting_only_changed_tiles_equals_counting_every_cell(
        grid in sparse_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        dense in any::<bool>(),
        rounds in proptest::collection::vec((1usize..6, any::<(u16, u16, bool)>(), 0u8..8), 1..8),
    ) {
        let edge = if torus { Edge::Torus } else { Edge::Dead };
        let mut strip = Strip::from_grid_with_depth(&grid, 1);
        strip.set_stepping(if dense { Stepping::Auto } else { Stepping::Sparse });
        prop_assert_eq!(strip.count_population(), strip.population());
        for (generations, (x, y, alive), what) in rounds {
            strip.advance_alone(&rule, edge, generations.min(strip.depth()));
            prop_assert_eq!(strip.count_population(), strip.population());
            let (x, y) = (usize::from(x) % grid.width(), usize::from(y) % grid.height());
            match what {
                0 => strip.row_mut(y).fill(u64::MAX >> (64 - grid.width().min(64))),
                1 | 2 => strip.set(x, y, alive),
                _ => {}
            }
            prop_assert_eq!(strip.count_population(), strip.population());
        }
    }
}

// The unbounded plane against the reference on a dead-edged grid wide
// enough that nothing reaches its edges.

mod plane {
    use life_core::engine::plane::{self, Band, Bbox, Plane};
    use life_core::engine::{BitGrid, Edge, Isa, Rule, reference};
    use proptest::prelude::*;

    fn reference_run(cells: &[(i64, i64)], generations: u64, rule: &Rule) -> Vec<(i64, i64)> {
        if cells.is_empty() {
            return Vec::new();
        }
        let margin = generations as i64 + 2;
        let x0 = cells.iter().map(|c| c.0).min().unwrap() - margin;
        let y0 = cells.iter().map(|c| c.1).min().unwrap() - margin;
        let x1 = cells.iter().map(|c| c.0).max().unwrap() + margin;
        let y1 = cells.iter().map(|c| c.1).max().unwrap() + margin;
        let mut grid = BitGrid::new((x1 - x0 + 1) as usize, (y1 - y0 + 1) as usize);
        for &(x, y) in cells {
            grid.set((x - x0) as usize, (y - y0) as usize, true);
        }
        for _ in 0..generations {
            grid = reference::step(&grid, rule, Edge::Dead);
        }
        let mut out: Vec<_> = grid
            .live_cells()
            .map(|(x, y)| (x as i64 + x0, y as i64 + y0))
            .collect();
        out.sort();
        out
    }

    /// The population and bounding box of `cells`, counted one by one.
    fn counted(cells: impl Iterator<Item = (i64, i64)>) -> (u64, Option<Bbox>) {
        cells.fold((0, None), |(n, bbox), (x, y)| {
            let cell = Bbox {
                x0: x,
                y0: y,
                x1: x,
                y1: y,
            };
            (n + 1, Some(bbox.map_or(cell, |b: Bbox| b.union(cell))))
        })
    }

    /// What the bands say of their population and bounding box (kept
    /// between steps while a tile sleeps).
    fn summed(bands: &[Plane]) -> (u64, Option<Bbox>) {
        let population = bands.iter().map(Plane::population).sum();
        let bbox = bands.iter().filter_map(Plane::bbox).reduce(Bbox::union);
        (population, bbox)
    }

    fn sorted(cells: impl Iterator<Item = (i64, i64)>) -> Vec<(i64, i64)> {
        let mut cells: Vec<_> = cells.collect();
        cells.sort();
        cells
    }

    /// Up to 400 cells in a box of up to 160 cells a side, anywhere near
    /// the origin (tile edges and negative coordinates included).
    fn cells() -> impl Strategy<Value = Vec<(i64, i64)>> {
        (-200i64..200, -200i64..200, 1i64..160, 1i64..160).prop_flat_map(|(x0, y0, w, h)| {
            proptest::collection::vec((x0..x0 + w, y0..y0 + h), 0..400)
        })
    }

    /// Rules without B0 (which the plane refuses).
    fn rule() -> impl Strategy<Value = Rule> {
        prop_oneof![
            3 => Just(Rule::LIFE),
            1 => Just(Rule::HIGHLIFE),
            1 => (0u16..512, 0u16..512).prop_map(|(birth, survival)| Rule { birth: birth & !1, survival }),
        ]
    }

    fn banded(cells: &[(i64, i64)], rule: Rule, edges: &[i64]) -> Vec<Plane> {
        (0..edges.len() - 1)
            .map(|i| {
                let mut band = Plane::new(
                    rule,
                    Band {
                        top: edges[i],
                        bottom: edges[i + 1],
                    },
                );
                for &(x, y) in cells {
                    band.set(x, y, true);
                }
                band
            })
            .collect()
    }

    /// Band edges in tile rows: `i64::MIN`, `inner` sorted and distinct, `i64::MAX`.
    fn edges(mut inner: Vec<i64>) -> Vec<i64> {
        inner.sort();
        inner.dedup();
        let mut edges = vec![i64::MIN];
        edges.extend(inner);
        edges.push(i64::MAX);
        edges
    }

    /// Edges for `bands` bands from `inner` (as [`edges`] takes them): the
    /// number of bands stays, so the new edges are padded or trimmed.
    fn edges_for(inner: &[i64], bands: usize) -> Vec<i64> {
        let mut edges = edges(inner.to_vec());
        while edges.len() < bands + 1 {
            let last = edges[edges.len() - 2];
            edges.insert(edges.len() - 1, last.saturating_add(1).max(-1000));
        }
        edges.truncate(bands);
        edges.push(i64::MAX);
        edges
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn the_plane_equals_the_reference(cells in cells(), rule in rule(), generations in 0u64..80) {
            for isa in Isa::available() {
                let mut life = Plane::new(rule, Band::ALL);
                life.set_isa(isa);
                for &(x, y) in &cells {
                    life.set(x, y, true);
                }
                // Asked halfway too, so that what is kept must follow the steps.
                life.run(generations / 2);
                prop_assert_eq!(summed(std::slice::from_ref(&life)), counted(life.live_cells()));
                life.run(generations - generations / 2);
                prop_assert_eq!(sorted(life.live_cells()), reference_run(&cells, generations, &rule));
                prop_assert_eq!(summed(std::slice::from_ref(&life)), counted(life.live_cells()));
            }
        }

        #[test]
        fn bands_with_moving_edges_equal_the_reference(
            cells in cells(),
            rule in rule(),
            generations in 0u64..60,
            first in proptest::collection::vec(-5i64..5, 0..4),
            moves in proptest::collection::vec((0u64..60, proptest::collection::vec(-5i64..5, 0..4)), 0..3),
        ) {
            let mut bands = banded(&cells, rule, &edges(first));
            for generation in 0..generations {
                for (at, inner) in &moves {
                    if *at == generation {
                        let to = edges_for(inner, bands.len());
                        plane::reband(&mut bands, &to);
                    }
                }
                plane::step_bands(&mut bands);
                prop_assert_eq!(summed(&bands), counted(bands.iter().flat_map(|b| b.live_cells())));
            }
            let all = sorted(bands.iter().flat_map(|b| b.live_cells()));
            prop_assert_eq!(all, reference_run(&cells, generations, &rule));
        }

        #[test]
        fn bands_with_deep_ghosts_and_moving_edges_equal_the_reference(
            cells in cells(),
            rule in rule(),
            depth in prop_oneof![1usize..8, Just(63usize), Just(64usize)],
            batches in proptest::collection::vec(1usize..=64, 0..6),
            first in proptest::collection::vec(-5i64..5, 0..4),
            moves in proptest::collection::vec((0usize..6, proptest::collection::vec(-5i64..5, 0..4)), 0..3),
        ) {
            let mut bands = banded(&cells, rule, &edges(first));
            for band in &mut bands {
                band.set_ghost_depth(depth);
            }
            let mut generations = 0u64;
            for (batch, &length) in batches.iter().enumerate() {
                for (at, inner) in &moves {
                    if *at == batch {
                        let to = edges_for(inner, bands.len());
                        plane::reband(&mut bands, &to);
                    }
                }
                // Up to the depth: the most the band's rows stay exact for.
                let length = length.min(depth);
                plane::step_bands_deep(&mut bands, length);
                generations += length as u64;
                prop_assert_eq!(summed(&bands), counted(bands.iter().flat_map(|b| b.live_cells())));
            }
            let all = sorted(bands.iter().flat_map(|b| b.live_cells()));
            prop_assert_eq!(all, reference_run(&cells, generations, &rule));
        }
    }

    #[test]
    fn deep_ghosts_step_a_gun_across_bands_as_one_plane_does() {
        // Gosper's gun, its stream crossing two band edges, 64 rows a batch.
        let text = life_core::pattern::library::find("gosper-glider-gun").expect("built in");
        let gun: Vec<(i64, i64)> = life_core::pattern::parse(text.as_bytes())
            .expect("parses")
            .cells
            .live_cells()
            .map(|(x, y)| (x as i64, y as i64))
            .collect();
        let mut whole = Plane::from_cells(Rule::LIFE, gun.iter().copied());
        let mut bands = banded(&gun, Rule::LIFE, &edges(vec![1, 3]));
        for band in &mut bands {
            band.set_ghost_depth(64);
        }
        for _ in 0..10 {
            whole.run(64);
            plane::step_bands_deep(&mut bands, 64);
        }
        let all = sorted(bands.iter().flat_map(|b| b.live_cells()));
        assert_eq!(all, sorted(whole.live_cells()));
        assert!(
            bands[2].population() > 0,
            "the stream reached the last band"
        );
    }

    #[test]
    fn a_glider_crosses_tiles_and_the_origin_in_a_few_tiles() {
        let glider = [(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)].map(|(x, y)| (x - 70, y - 70));
        let mut plane = Plane::from_cells(Rule::LIFE, glider);
        plane.run(300);
        assert_eq!(
            sorted(plane.live_cells()),
            reference_run(&glider, 300, &Rule::LIFE)
        );
        assert!(plane.tile_count() <= 9, "{} tiles", plane.tile_count());
    }

    #[test]
    fn a_blinker_and_a_far_block_sleep() {
        let cells = [
            (0, 0),
            (1, 0),
            (2, 0),
            (500, 500),
            (501, 500),
            (500, 501),
            (501, 501),
        ];
        let mut plane = Plane::from_cells(Rule::LIFE, cells);
        for _ in 0..10 {
            plane.step();
        }
        let before = plane.stats().tiles_stepped;
        for _ in 0..100 {
            plane.step();
        }
        assert_eq!(plane.stats().tiles_stepped, before, "period-2 tiles sleep");
        assert!(plane.is_settled());
        assert_eq!(
            sorted(plane.live_cells()),
            reference_run(&cells, 110, &Rule::LIFE)
        );
        // And a settled plane jumps: a million generations, no tile stepped.
        plane.run(1_000_001);
        assert_eq!(plane.stats().tiles_stepped, before);
        assert_eq!(
            sorted(plane.live_cells()),
            reference_run(&cells, 111, &Rule::LIFE)
        );
    }

    #[test]
    fn two_moves_of_the_band_edges_in_a_row_lose_nothing() {
        // Found by the proptest: a tile listed for the next step was
        // handed to another band, its slot reused and then stepped twice.
        let rule = Rule {
            birth: 314,
            survival: 234,
        };
        let cells = [(0, 33)];
        let mut bands = banded(&cells, rule, &edges(vec![0]));
        for generation in 0..46 {
            match generation {
                21 => plane::reband(&mut bands, &edges(vec![-3])),
                31 => plane::reband(&mut bands, &edges(vec![2])),
                _ => {}
            }
            plane::step_bands(&mut bands);
        }
        let all = sorted(bands.iter().flat_map(|b| b.live_cells()));
        assert_eq!(all, reference_run(&cells, 46, &rule));
    }

    #[test]
    fn the_hash_and_population_do_not_depend_on_the_bands() {
        // An R-pentomino across the origin's tile corner: it grows for 1103 generations.
        let cells = vec![(0, -1), (1, -1), (-1, 0), (0, 0), (0, 1)];
        let mut whole = Plane::from_cells(Rule::LIFE, cells.iter().copied());
        let mut bands = banded(&cells, Rule::LIFE, &edges(vec![-1, 0, 2]));
        for _ in 0..200 {
            whole.step();
            plane::step_bands(&mut bands);
        }
        let sum = bands
            .iter()
            .fold(0u64, |s, b| s.wrapping_add(b.partial_hash()));
        assert_eq!(sum, whole.partial_hash());
        let population: u64 = bands.iter().map(Plane::population).sum();
        assert_eq!(population, whole.population());
        assert!(population > 0);
    }
}

/// Plants `rle`'s cells (a `b`/`o`/`$` body, no header) at (x, y).
fn plant(grid: &mut BitGrid, rle: &str, x: usize, y: usize) {
    let (mut cx, mut cy, mut count) = (0, 0, 0);
    for c in rle.chars() {
        match c {
            '0'..='9' => count = count * 10 + c.to_digit(10).unwrap() as usize,
            'b' | 'o' | '$' => {
                let n = count.max(1);
                match c {
                    'b' => cx += n,
                    'o' => {
                        for i in 0..n {
                            grid.set(x + cx + i, y + cy, true);
                        }
                        cx += n
                    }
                    _ => (cx, cy) = (0, cy + n),
                }
                count = 0;
            }
            _ => {}
        }
    }
}

/// The tracking compares each tile with two generations back, which holds
/// only while the buffer a step writes into holds the generation before.
/// After dense batches of k generations it holds the generation k back: an
/// oscillator whose period divides k + 1 (a pulsar, p3, after batches of 2;
/// octagon 2, p5, after the default batches of 4) would look unchanged
/// there. A busy soup beside them sends the strip dense and back again and
/// again.
#[test]
fn oscillators_stay_in_step_when_a_strip_turns_sparse_after_dense_batches() {
    const PULSAR: &str = "2b3o3b3o2$o4bobo4bo$o4bobo4bo$o4bobo4bo$2b3o3b3o2$2b3o3b3o$o4bobo4bo$o4bobo4bo$o4bobo4bo2$2b3o3b3o";
    const OCTAGON_2: &str = "3b2o3b$2bo2bo2b$bo4bo$o6bo$o6bo$bo4bo$2bo2bo2b$3b2o";
    let (width, height) = (1024, 256);
    // Clear of the torus seam at x = 0 too, whose tile wraps to theirs.
    let soup = pseudo_random_grid(512, height, 11);
    let mut grid = BitGrid::new(width, height);
    for y in 0..height {
        for x in (0..512).filter(|&x| soup.get(x, y)) {
            grid.set(x + 128, y, true);
        }
    }
    plant(&mut grid, PULSAR, 850, 40);
    plant(&mut grid, OCTAGON_2, 850, 120);
    plant(&mut grid, OCTAGON_2, 900, 200);
    let generations = 600;
    let expected = reference_run(&grid, Rule::LIFE, Edge::Torus, generations);
    for depth in [2, 4, 8] {
        let mut strip = Strip::from_grid_with_depth(&grid, depth);
        let mut left = generations;
        while left > 0 {
            let batch = left.min(depth as u64);
            strip.advance_alone(&Rule::LIFE, Edge::Torus, batch as usize);
            left -= batch;
        }
        let stats = strip.activity();
        assert!(
            stats.dense_generations > 0 && stats.sparse_generations > 0,
            "depth {depth}: the strip must go dense and back: {stats:?}"
        );
        assert!(
            strip.to_grid() == expected,
            "depth {depth}: cells differ from the reference"
        );
    }
}

/// Period-3 oscillators keep their tiles awake while a strip compares
/// with two generations back. Once the strip has stepped the same tiles
/// for a while, its ring widens to six buffers and pulsars sleep as still
/// lifes do, while a period-5 oscillator stays awake; cells set then are
/// stepped until the ring comes round to their buffer.
#[test]
fn pulsars_sleep_once_the_ring_widens() {
    const PULSAR: &str = "2b3o3b3o2$o4bobo4bo$o4bobo4bo$o4bobo4bo$2b3o3b3o2$2b3o3b3o$o4bobo4bo$o4bobo4bo$o4bobo4bo2$2b3o3b3o";
    const OCTAGON_2: &str = "3b2o3b$2bo2bo2b$bo4bo$o6bo$o6bo$bo4bo$2bo2bo2b$3b2o";
    let (width, height) = (2048, 512);
    let mut octagon = BitGrid::new(width, height);
    plant(&mut octagon, OCTAGON_2, 1500, 300);
    let mut grid = octagon.clone();
    // In a tile's middle, across two rows of tiles, across two columns.
    plant(&mut grid, PULSAR, 300, 100);
    plant(&mut grid, PULSAR, 700, 9);
    plant(&mut grid, PULSAR, 1020, 200);
    let tiles_a_generation = |grid: &BitGrid| {
        let mut strip = Strip::from_grid_with_depth(grid, 4);
        for _ in 0..100 {
            strip.advance_alone(&Rule::LIFE, Edge::Torus, 4);
        }
        let before = strip.activity();
        for _ in 0..150 {
            strip.advance_alone(&Rule::LIFE, Edge::Torus, 4);
        }
        let after = strip.activity();
        assert_eq!(
            after.dense_generations, before.dense_generations,
            "{after:?}"
        );
        let per_generation = (after.tiles_stepped - before.tiles_stepped) / 600;
        (strip, per_generation)
    };
    let (_, octagon_alone) = tiles_a_generation(&octagon);
    let (mut strip, with_pulsars) = tiles_a_generation(&grid);
    assert!(octagon_alone > 0);
    assert_eq!(with_pulsars, octagon_alone, "the pulsars' tiles must sleep");
    // The dense kernel, checked against the reference elsewhere, is the
    // quicker reference at this size.
    let mut expected = run_stepping(&grid, Rule::LIFE, Edge::Torus, 1000, Stepping::Dense);
    assert!(strip.to_grid() == expected);
    // A blinker started in empty space and a pulsar's cell removed.
    for (x, y, alive) in [
        (100, 400, true),
        (101, 400, true),
        (102, 400, true),
        (302, 100, false),
    ] {
        strip.set(x, y, alive);
        expected.set(x, y, alive);
    }
    for _ in 0..30 {
        strip.advance_alone(&Rule::LIFE, Edge::Torus, 4);
    }
    expected = run_stepping(&expected, Rule::LIFE, Edge::Torus, 120, Stepping::Dense);
    assert!(strip.to_grid() == expected);
    assert_eq!(strip.count_population(), strip.population());
}

/// Widening the ring copies the history a sleeping tile has instead of
/// stepping every tile: over a torus of blinkers with one pulsar, the
/// generations around the widening step about the pulsar's tiles, no cell
/// densely, and the result stays the reference's.
#[test]
fn widening_the_ring_steps_only_the_tiles_near_activity() {
    const PULSAR: &str = "2b3o3b3o2$o4bobo4bo$o4bobo4bo$o4bobo4bo$2b3o3b3o2$2b3o3b3o$o4bobo4bo$o4bobo4bo$o4bobo4bo2$2b3o3b3o";
    let (width, height) = (2048, 1024);
    let mut grid = BitGrid::new(width, height);
    for y in (5..height - 5).step_by(40) {
        for x in (5..width - 5).step_by(100) {
            plant(&mut grid, "3o", x, y);
        }
    }
    plant(&mut grid, PULSAR, 1000, 500);
    let mut strip = Strip::from_grid_with_depth(&grid, 1);
    let mut generations = 0;
    while strip.activity().ring_widenings == 0 {
        strip.advance_alone(&Rule::LIFE, Edge::Torus, 1);
        generations += 1;
        assert!(generations < 1000, "the ring never widened");
    }
    let at_widening = strip.activity();
    for _ in 0..10 {
        strip.advance_alone(&Rule::LIFE, Edge::Torus, 1);
    }
    let after = strip.activity();
    assert_eq!(after.dense_generations, 0, "{after:?}");
    let stepped = after.tiles_stepped - at_widening.tiles_stepped;
    assert!(
        stepped <= 10 * 12,
        "{stepped} tiles stepped in 10 generations of {} tiles: {after:?}",
        after.tiles
    );
    let expected = run_stepping(
        &grid,
        Rule::LIFE,
        Edge::Torus,
        generations + 10,
        Stepping::Dense,
    );
    assert!(strip.to_grid() == expected);
}

/// What widens the ring is activity that stays where it is. Spaceships
/// only pass through their tiles: on a torus of three gliders, two flying
/// down and one up across the tile rows, the ring stays at two buffers,
/// while the same torus with a pulsar beside them widens it.
#[test]
fn passing_spaceships_leave_the_ring_narrow() {
    const GLIDER: &str = "bo$2bo$3o";
    const GLIDER_UP: &str = "3o$o$bo";
    const PULSAR: &str = "2b3o3b3o2$o4bobo4bo$o4bobo4bo$o4bobo4bo$2b3o3b3o2$2b3o3b3o$o4bobo4bo$o4bobo4bo$o4bobo4bo2$2b3o3b3o";
    let (width, height) = (2048, 512);
    let mut ships = BitGrid::new(width, height);
    plant(&mut ships, GLIDER, 100, 100);
    plant(&mut ships, GLIDER, 900, 7);
    plant(&mut ships, GLIDER_UP, 1500, 400);
    let mut with_pulsar = ships.clone();
    plant(&mut with_pulsar, PULSAR, 600, 300);
    let widenings = |grid: &BitGrid| {
        let mut strip = Strip::from_grid_with_depth(grid, 4);
        strip.advance_alone(&Rule::LIFE, Edge::Torus, 4);
        let start = strip.activity().ring_widenings;
        for _ in 0..500 {
            strip.advance_alone(&Rule::LIFE, Edge::Torus, 4);
        }
        strip.activity().ring_widenings - start
    };
    assert_eq!(widenings(&ships), 0, "spaceships passing widened the ring");
    assert_eq!(widenings(&with_pulsar), 1, "a pulsar among them did not");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    /// The same through every change of footing the tracking has: dense
    /// spells of several generations, switches of the stepping, cells set
    /// one by one between steps, and the period-2 oscillators it lets sleep.
    #[test]
    fn tracking_through_dense_spells_and_edits_equals_the_reference(
        grid in sparse_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        depth in 1usize..=6,
        rounds in proptest::collection::vec(
            (1usize..=6, 0usize..3, any::<(u16, u16, bool)>(), any::<bool>()),
            1..16,
        ),
    ) {
        let edge = if torus { Edge::Torus } else { Edge::Dead };
        let depth = depth.min(grid.height());
        let mut strip = Strip::from_grid_with_depth(&grid, depth);
        let mut expected = grid.clone();
        for (generations, mode, (x, y, alive), edit) in rounds {
            let k = generations.min(depth);
            strip.set_stepping([Stepping::Auto, Stepping::Dense, Stepping::Sparse][mode]);
            strip.advance_alone(&rule, edge, k);
            expected = reference_run(&expected, rule, edge, k as u64);
            prop_assert!(strip.to_grid() == expected);
            prop_assert_eq!(strip.count_population(), strip.population());
            if edit {
                let (x, y) = (usize::from(x) % grid.width(), usize::from(y) % grid.height());
                strip.set(x, y, alive);
                expected.set(x, y, alive);
            }
        }
    }

    #[test]
    fn auto_strips_with_exchanges_equal_the_reference(
        grid in arbitrary_grid(),
        rule in arbitrary_rule(),
        torus in any::<bool>(),
        strips in 1usize..=3,
        depth in 1usize..=4,
        generations in 1usize..=40,
    ) {
        strips_equal_the_reference(&grid, rule, torus, (strips, depth), generations, Stepping::Auto)?;
    }
}

/// A soup's ash is mostly still lifes and blinkers: once settled, a strip
/// steps only the tiles around what still moves, not every blinker's.
#[test]
fn blinkers_sleep_like_still_lifes() {
    let side = 2048;
    let mut grid = BitGrid::new(side, side);
    // A blinker in every tile.
    for ty in 0..side / 16 {
        for tx in 0..side / 256 {
            let (x, y) = (tx * 256 + 100, ty * 16 + 7);
            for dx in 0..3 {
                grid.set(x + dx, y, true);
            }
        }
    }
    let mut life = Life::new(&grid, Rule::LIFE, Edge::Torus);
    life.run(8);
    let before = life.activity();
    life.run(1000);
    let after = life.activity();
    assert_eq!(
        after.dense_generations, before.dense_generations,
        "{after:?}"
    );
    assert_eq!(after.tiles_stepped, before.tiles_stepped, "{after:?}");
    assert!(
        life.grid() == grid,
        "an even number of generations: as it started"
    );
}
