//! The run as resolved from the command line: grid size, rule, edges and
//! where the first generation comes from. Shared by headless and live runs.

use crate::checkpoint;
use crate::cli::{Cli, EdgeArg};
use crate::cluster::Decomposition;
use crate::engine::plane::CellRun;
use crate::engine::{BitGrid, Edge, Rule, Strip, seed};
use crate::error::Error;
use crate::pattern::{Cells, Pattern};

/// Width and height used when neither the command line, a pattern nor a
/// terminal gives one.
pub const DEFAULT_SIDE: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    pub width: usize,
    pub height: usize,
    pub rule: Rule,
    pub edge: Edge,
    /// The random soup's seed (also used by the live view's reseed).
    pub seed: u64,
    pub density: f64,
    /// When set, the first generation is this pattern instead of a soup.
    pub pattern: Option<PlacedPattern>,
    /// The generation number of the first grid: 0, or a checkpoint's.
    pub start_generation: u64,
}

/// What a bounded grid run takes from the command line (or from a tour's
/// stop, which sets some of them itself).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GridOptions {
    pub width: Option<usize>,
    pub height: Option<usize>,
    pub rule: Option<Rule>,
    /// `--edge torus|dead` (a bounded grid's edges).
    pub edge: Option<Edge>,
    pub seed: Option<u64>,
    pub density: f64,
    /// `--at X,Y`: the pattern's top-left corner.
    pub at: Option<(i64, i64)>,
    /// `--resume`: the pattern is a saved grid to continue.
    pub resume: bool,
}

impl From<&Cli> for GridOptions {
    fn from(cli: &Cli) -> GridOptions {
        GridOptions {
            width: cli.width,
            height: cli.height,
            rule: cli.rule,
            edge: cli.edge.and_then(EdgeArg::bounded),
            seed: cli.seed,
            density: cli.density,
            at: cli.at,
            resume: cli.resume.is_some(),
        }
    }
}

/// A pattern and where its top-left corner goes on the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedPattern {
    pub name: String,
    pub cells: BitGrid,
    pub x: usize,
    pub y: usize,
}

/// The empty border left around a pattern when its size sets the grid's.
pub fn margin_for(side: usize) -> usize {
    side.max(64)
}

impl RunConfig {
    /// The whole grid at `generation` as a checkpoint that reads back as
    /// this very run: full size, rule, edge, generation number, and where
    /// it started from.
    pub fn snapshot(&self, generation: u64, grid: BitGrid) -> Pattern {
        let origin = match &self.pattern {
            Some(placed) => format!("Started from pattern {}", placed.name),
            None => format!(
                "Started from seed {} at density {}",
                self.seed, self.density
            ),
        };
        let name = self.pattern.as_ref().map(|p| p.name.clone());
        checkpoint::saved_grid(grid, self.rule, self.edge, generation, name, origin)
    }

    /// A random soup on a Life torus: the plain run, as tests and benchmarks use it.
    pub fn soup(width: usize, height: usize, seed: u64, density: f64) -> RunConfig {
        RunConfig {
            width,
            height,
            rule: Rule::LIFE,
            edge: Edge::Torus,
            seed,
            density,
            pattern: None,
            start_generation: 0,
        }
    }

    /// Resolves the options for a random soup; `default_size` stands in for
    /// a missing `--width`/`--height` (the terminal's size in the live view).
    pub fn from_options(options: &GridOptions, default_size: (usize, usize)) -> RunConfig {
        RunConfig {
            width: options.width.unwrap_or(default_size.0),
            height: options.height.unwrap_or(default_size.1),
            rule: options.rule.unwrap_or_default(),
            edge: options.edge.unwrap_or_default(),
            seed: options.seed.unwrap_or_else(seed::fresh_seed),
            density: options.density,
            pattern: None,
            start_generation: 0,
        }
    }

    /// Resolves the options with an optional pattern. The grid size comes
    /// from `--width/--height`, else the pattern's bounded-grid suffix, else
    /// `default_size` (the terminal), else the pattern plus a margin.
    pub fn resolve_options(
        options: &GridOptions,
        pattern: Option<(String, Pattern)>,
        default_size: Option<(usize, usize)>,
    ) -> Result<RunConfig, Error> {
        let Some((name, pattern)) = pattern else {
            return Ok(RunConfig::from_options(
                options,
                default_size.unwrap_or((DEFAULT_SIDE, DEFAULT_SIDE)),
            ));
        };
        let Cells::Grid(grid) = pattern.cells else {
            return Err(Error::PatternNeedsPlane {
                name,
                width: pattern.cells.width(),
                height: pattern.cells.height(),
            });
        };
        let pattern = Pattern {
            cells: Cells::Grid(BitGrid::new(0, 0)),
            ..pattern
        };
        if options.resume {
            return RunConfig::from_checkpoint(options, name, pattern, grid);
        }
        let (pw, ph) = (grid.width(), grid.height());
        let fallback = default_size.unwrap_or((pw + 2 * margin_for(pw), ph + 2 * margin_for(ph)));
        let (bw, bh) = pattern.bounds.map_or(fallback, |b| (b.width, b.height));
        let width = options.width.unwrap_or(bw);
        let height = options.height.unwrap_or(bh);
        let edge = options
            .edge
            .or(pattern.bounds.map(|b| b.edge))
            .unwrap_or_default();
        if pw > width || ph > height {
            return Err(Error::PatternTooBig {
                name: name.to_string(),
                pattern_width: pw,
                pattern_height: ph,
                width,
                height,
            });
        }
        let at = options
            .at
            .map(|(x, y)| (usize::try_from(x), usize::try_from(y)));
        let (x, y) = match at {
            None => ((width - pw) / 2, (height - ph) / 2),
            Some((Ok(x), Ok(y))) if x < width && y < height => (x, y),
            Some(_) => {
                let (x, y) = options.at.unwrap_or_default();
                return Err(Error::AtOutside {
                    x,
                    y,
                    width,
                    height,
                });
            }
        };
        // Centred, it fits; placed by hand, it must fit where edges are dead.
        if options.at.is_some() && edge == Edge::Dead && (x + pw > width || y + ph > height) {
            return Err(Error::PatternOutside {
                name: name.to_string(),
                x,
                y,
                pattern_width: pw,
                pattern_height: ph,
                width,
                height,
            });
        }
        Ok(RunConfig {
            width,
            height,
            rule: options.rule.or(pattern.rule).unwrap_or_default(),
            edge,
            seed: options.seed.unwrap_or_else(seed::fresh_seed),
            density: options.density,
            start_generation: 0,
            pattern: Some(PlacedPattern {
                name: pattern.name.clone().unwrap_or(name),
                cells: grid,
                x,
                y,
            }),
        })
    }

    /// A run continuing from a saved grid: the file gives the grid size,
    /// edge, rule (unless `--rule`) and generation number.
    fn from_checkpoint(
        options: &GridOptions,
        name: String,
        pattern: Pattern,
        grid: BitGrid,
    ) -> Result<RunConfig, Error> {
        let Some(bounds) = pattern.bounds else {
            return Err(Error::NotACheckpoint(name));
        };
        if grid.width() > bounds.width || grid.height() > bounds.height {
            return Err(Error::NotACheckpoint(name));
        }
        Ok(RunConfig {
            width: bounds.width,
            height: bounds.height,
            rule: options.rule.or(pattern.rule).unwrap_or_default(),
            edge: bounds.edge,
            seed: 0,
            density: 0.0,
            start_generation: pattern.xrle.and_then(|x| x.generation).unwrap_or(0),
            pattern: Some(PlacedPattern {
                name: pattern.name.unwrap_or(name),
                cells: grid,
                x: 0,
                y: 0,
            }),
        })
    }

    /// [`RunConfig::resolve_options`] with the command line's options.
    pub fn resolve(
        cli: &Cli,
        pattern: Option<(String, Pattern)>,
        default_size: Option<(usize, usize)>,
    ) -> Result<RunConfig, Error> {
        RunConfig::resolve_options(&GridOptions::from(cli), pattern, default_size)
    }

    pub fn decomposition(&self, ranks: usize) -> Result<Decomposition, Error> {
        Ok(Decomposition::new(self.height, ranks)?)
    }

    /// This rank's strip of the first generation, with `depth` halo rows
    /// a side and room to grow as rebalancing may make it.
    pub fn initial_strip(&self, decomp: &Decomposition, rank: usize, depth: usize) -> Strip {
        let rows = decomp.rows_of(rank);
        let room = decomp.widest_allowed();
        let mut strip = Strip::with_room(self.width, rows.len(), depth, room);
        match &self.pattern {
            None => {
                let first = rows.start as u64;
                strip.fill_rows(|y, row| {
                    seed::random_row(self.seed, self.density, first + y as u64, self.width, row)
                });
            }
            Some(placed) => {
                let own = placed.cells.live_cells().filter_map(|(px, py)| {
                    let (gx, gy) = ((placed.x + px) % self.width, (placed.y + py) % self.height);
                    rows.contains(&gy).then(|| (gx, gy - rows.start))
                });
                strip.place(own);
            }
        }
        strip
    }

    pub fn cells(&self) -> u64 {
        self.width as u64 * self.height as u64
    }
}

/// A run on the unbounded plane, as Golly runs patterns.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneConfig {
    pub rule: Rule,
    /// The pattern's name, or the soup's description.
    pub name: String,
    /// The live cells of the first generation as runs along rows, in
    /// plane coordinates (y downwards, as in Golly): a pattern's runs cost
    /// what the file does, not a word a cell.
    pub cells: Vec<CellRun>,
    /// The generation number of the first generation: 0, or a checkpoint's.
    pub start_generation: u64,
    /// The soup's seed, when the run starts from one.
    pub seed: Option<u64>,
}

impl PlaneConfig {
    /// Whether the command line asks for the unbounded plane: `--edge
    /// plane`, or a pattern whose rule has no bounded-grid suffix, with no
    /// `--width`, `--height`, `--edge` or `--tour` (whose stops are
    /// bounded grids), or a plane checkpoint to resume.
    pub fn wanted(cli: &Cli, pattern: Option<&Pattern>) -> bool {
        match cli.edge {
            Some(edge) => edge == EdgeArg::Plane,
            // A saved plane: no suffix, and the generation it was saved at.
            None if cli.resume.is_some() => pattern
                .is_some_and(|p| p.bounds.is_none() && p.xrle.and_then(|x| x.generation).is_some()),
            None => {
                cli.tour.is_none()
                    && cli.width.is_none()
                    && cli.height.is_none()
                    && pattern.is_some_and(|p| p.bounds.is_none())
            }
        }
    }

    /// The plane run the command line asks for, from `pattern` or, without
    /// one, a soup of `--width` x `--height` (256 x 256) cells whose
    /// top-left cell is (0, 0).
    pub fn resolve(cli: &Cli, pattern: Option<(String, Pattern)>) -> Result<PlaneConfig, Error> {
        PlaneConfig::resolve_seeded(cli, pattern, cli.seed.unwrap_or_else(seed::fresh_seed))
    }

    /// As [`PlaneConfig::resolve`], a soup taking `seed` (every rank of a
    /// live view takes rank 0's).
    pub fn resolve_seeded(
        cli: &Cli,
        pattern: Option<(String, Pattern)>,
        seed: u64,
    ) -> Result<PlaneConfig, Error> {
        let rule = cli
            .rule
            .or(pattern.as_ref().and_then(|(_, p)| p.rule))
            .unwrap_or_default();
        if rule.born(0) {
            return Err(Error::PlaneB0(rule.to_string()));
        }
        let Some((name, pattern)) = pattern else {
            let (width, height) = (
                cli.width.unwrap_or(DEFAULT_SIDE),
                cli.height.unwrap_or(DEFAULT_SIDE),
            );
            let mut soup = BitGrid::new(width, height);
            for y in 0..height {
                seed::random_row(seed, cli.density, y as u64, width, soup.row_mut(y));
            }
            let cells = placed_runs(&Cells::Grid(soup), (0, 0)).unwrap_or_default();
            return Ok(PlaneConfig {
                rule,
                name: format!("a {width}x{height} soup of seed {seed}"),
                cells,
                start_generation: 0,
                seed: Some(seed),
            });
        };
        // As Golly 3.3 places a file on its plane: at `#CXRLE Pos`, at the
        // absolute coordinates of Life 1.06/1.05, else with the top-left of
        // the file's frame at (0, 0) (it centres only on bounded grids).
        let (x0, y0) = match cli.at {
            Some(at) => at,
            None => pattern
                .xrle
                .and_then(|x| x.pos)
                .or(pattern.origin)
                .unwrap_or((0, 0)),
        };
        let start_generation = if cli.resume.is_some() {
            pattern.xrle.and_then(|x| x.generation).unwrap_or(0)
        } else {
            0
        };
        let cells = placed_runs(&pattern.cells, (x0, y0))
            .ok_or_else(|| Error::PatternOffPlane(name.clone()))?;
        Ok(PlaneConfig {
            rule,
            name: pattern.name.clone().unwrap_or(name),
            cells,
            start_generation,
            seed: None,
        })
    }
}

/// A pattern's live runs with its box's top-left cell at `(x0, y0)`;
/// `None` when one would reach past `i64::MAX`.
fn placed_runs(cells: &Cells, (x0, y0): (i64, i64)) -> Option<Vec<CellRun>> {
    let mut runs = Vec::new();
    for (y, row) in cells.rows() {
        let y = y0.checked_add_unsigned(y)?;
        for (alive, x, len) in row {
            if alive {
                let x = x0.checked_add_unsigned(x)?;
                x.checked_add_unsigned(len - 1)?;
                runs.push(CellRun { x, y, len });
            }
        }
    }
    Some(runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern;

    #[test]
    fn a_snapshot_reads_back_as_the_run_and_says_where_it_started() {
        let config = RunConfig {
            edge: Edge::Dead,
            ..RunConfig::soup(70, 5, 9, 0.5)
        };
        let mut grid = BitGrid::new(70, 5);
        grid.set(69, 4, true);
        let text = pattern::write_rle(&config.snapshot(1234, grid.clone()));
        assert!(text.starts_with("#CXRLE Pos=-35,-2 Gen=1234\n"), "{text}");
        assert!(
            text.contains("#C Started from seed 9 at density 0.5\n"),
            "{text}"
        );
        let back = pattern::parse(text.as_bytes()).unwrap();
        assert_eq!(checkpoint::generation_of(&back), Some(1234));
        assert_eq!(back.cells, grid);
        assert_eq!(
            back.bounds.map(|b| (b.width, b.height, b.edge)),
            Some((70, 5, Edge::Dead))
        );
    }
}
