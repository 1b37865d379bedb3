//! Headless runs on the unbounded plane: the same JSON Lines as on a
//! bounded grid, with the live cells' bounding box; the output and
//! checkpoints are Golly's extended RLE with the position and generation.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::{
    HeadlessOptions, Progress, Stopped, SummaryTail, agree, agree_after_write, check_outputs,
    drive, gather_totals, write_line, write_summary_line,
};
use crate::checkpoint;
use crate::cluster::bands::BALANCE_EVERY;
use crate::cluster::messages::RankTotals;
use crate::cluster::{Cluster, PlaneBands, StepTiming};
use crate::config::PlaneConfig;
use crate::engine::hash;
use crate::engine::plane::{self, Bbox, Plane};
use crate::error::Error;
use crate::files;

/// Generations between the ranks' checks whether all have settled.
const SETTLED_EVERY: u64 = 64;

// Batches of generations end at settled checks, so at balance checks too.
const _: () = assert!(BALANCE_EVERY.is_multiple_of(SETTLED_EVERY));

#[derive(Serialize)]
struct Report {
    generation: u64,
    population: u64,
    hash: String,
    /// `[x0, y0, x1, y1]`, corners included; `null` when nothing lives.
    bbox: Option<[i64; 4]>,
}

#[derive(Serialize)]
struct Summary {
    generations: u64,
    edge: &'static str,
    ranks: usize,
    rule: String,
    seconds: f64,
    population: u64,
    hash: String,
    bbox: Option<[i64; 4]>,
    /// Tiles held at the end, all ranks (each 64x64 cells, about 1.1 KiB).
    tiles: u64,
    #[serde(flatten)]
    tail: SummaryTail<RankTiming>,
}

#[derive(Serialize)]
struct RankTiming {
    rank: usize,
    /// Its band of tile rows at the end (`null`: open towards infinity).
    band: [Option<i64>; 2],
    compute_seconds: f64,
    exchange_seconds: f64,
    tiles_stepped: u64,
    unchanged_halos_sent: u64,
    whole_halos_sent: u64,
}

fn corners(bbox: Option<Bbox>) -> Option<[i64; 4]> {
    bbox.map(|b| [b.x0, b.y0, b.x1, b.y1])
}

/// Runs `config` on the plane for `options.generations` and writes the
/// reports to `out` (on rank 0).
pub fn run(
    cluster: &Cluster,
    config: &PlaneConfig,
    options: &HeadlessOptions,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let run = PlaneRun::start(cluster, config, options)?;
    drive(cluster, options, run, out)
}

/// A plane run in progress on this rank.
struct PlaneRun<'a> {
    cluster: &'a Cluster,
    config: &'a PlaneConfig,
    options: &'a HeadlessOptions,
    bands: PlaneBands,
    plane: Plane,
    generation: u64,
    timing: StepTiming,
    rebalances: u64,
}

/// Generations stepped per exchange of edge rows: `--halo-depth`, by
/// default and at most a tile's height (the deep ghosts are one tile row:
/// every fill wakes the tiles along the band edges for two generations, so
/// the fewer the better); 1 alone, where nothing is exchanged.
fn ghost_depth(cluster: &Cluster, options: &HeadlessOptions) -> usize {
    let tile = plane::TILE_HEIGHT as usize;
    if cluster.size() == 1 {
        1
    } else {
        options.halo_depth.unwrap_or(tile).clamp(1, tile)
    }
}

impl<'a> PlaneRun<'a> {
    /// Checks the run and places this rank's band of the pattern.
    fn start(
        cluster: &'a Cluster,
        config: &'a PlaneConfig,
        options: &'a HeadlessOptions,
    ) -> Result<PlaneRun<'a>, Error> {
        if config.start_generation > options.generations {
            return Err(Error::CheckpointPastEnd {
                name: config.name.clone(),
                at: config.start_generation,
                target: options.generations,
            });
        }
        if options.dense {
            return Err(Error::PlaneDense);
        }
        agree(cluster, check_outputs(cluster, options))?;
        let bands = PlaneBands::for_cells(&config.cells, cluster.size());
        let mut plane = Plane::new(config.rule, bands.band(cluster.rank()));
        let ghost_depth = ghost_depth(cluster, options);
        if ghost_depth > 1 {
            plane.set_ghost_depth(ghost_depth);
        }
        for &run in &config.cells {
            plane.set_run(run);
        }
        Ok(PlaneRun {
            cluster,
            config,
            options,
            bands,
            plane,
            generation: config.start_generation,
            timing: StepTiming::default(),
            rebalances: 0,
        })
    }

    fn checkpoint_every(&self) -> Option<u64> {
        self.options.checkpoint.as_ref().map(|(_, every)| *every)
    }

    /// Where something must see the plane next: a report, a checkpoint,
    /// the end, or a look for signals `until_look` generations on.
    fn next_stop(&self, until_look: u64) -> u64 {
        [self.options.report_every, self.checkpoint_every()]
            .into_iter()
            .flatten()
            .map(|every| (self.generation / every + 1) * every)
            .fold(self.options.generations, u64::min)
            .min(self.generation + until_look)
    }
}

impl Progress for PlaneRun<'_> {
    fn generation(&self) -> u64 {
        self.generation
    }

    /// All the way to the next stop when settled or alone, else one batch
    /// of generations (the ghost depth, up to the next stop or check) with
    /// its exchange; then the balancer.
    fn step(&mut self, until_look: u64) {
        let cluster = self.cluster;
        // A settled plane (everything as two generations before, on every
        // rank) repeats: jump to where something must see it. Ranks ask
        // each other only now and then, as asking costs a collective.
        let settled = if cluster.size() == 1 {
            self.plane.is_settled()
        } else {
            self.generation.is_multiple_of(SETTLED_EVERY) && cluster.all_ok(self.plane.is_settled())
        };
        let stop = self.next_stop(until_look);
        if settled {
            self.plane.skip_settled(stop - self.generation);
            self.generation = stop;
        } else if cluster.size() == 1 {
            // Alone, nothing needs the generations in between: one batch,
            // timed once.
            let before = Instant::now();
            self.plane.run(stop - self.generation);
            self.timing.compute += before.elapsed();
            self.generation = stop;
        } else if self.plane.ghost_depth() > 0 {
            // Batches end where the settled and balance checks look.
            let to_check = SETTLED_EVERY - self.generation % SETTLED_EVERY;
            let batch = (self.plane.ghost_depth() as u64)
                .min(stop - self.generation)
                .min(to_check);
            self.timing += cluster.step_plane_deep(&mut self.plane, batch);
            self.generation += batch;
        } else {
            self.timing += cluster.step_plane(&mut self.plane);
            self.generation += 1;
        }
        if self.options.balance
            && cluster.size() > 1
            && self.generation.is_multiple_of(BALANCE_EVERY)
        {
            let before = Instant::now();
            let work = cluster.plane_work(&self.plane.take_work());
            if let Some(to) = self.bands.rebalanced(&work) {
                cluster.reband_plane(&mut self.plane, &to);
                self.bands = to;
                self.rebalances += 1;
            }
            self.timing.compute += before.elapsed();
        }
    }

    fn report(&self, out: &mut dyn Write) {
        let line = fingerprint(self.cluster, &self.plane, self.generation);
        if self.cluster.is_root() {
            write_line(out, &line);
        }
    }

    fn save(&self, path: &Path) -> Result<(), Error> {
        save(
            self.cluster,
            self.config,
            &self.plane,
            self.generation,
            path,
        )
    }

    fn stopped_at(&self) -> Stopped {
        let last = fingerprint(self.cluster, &self.plane, self.generation);
        Stopped {
            generation: self.generation,
            population: last.population,
            hash: last.hash,
            bbox: Some(last.bbox),
        }
    }

    fn finish(self, seconds: f64, out: &mut dyn Write) -> Result<(), Error> {
        let last = fingerprint(self.cluster, &self.plane, self.generation);
        let end = RunEnd {
            plane: &self.plane,
            bands: &self.bands,
            timing: self.timing,
            seconds,
            rebalances: self.rebalances,
            last,
        };
        write_summary(self.cluster, self.config, self.options, end, out);
        match &self.options.output {
            Some(path) => self.save(path),
            None => Ok(()),
        }
    }
}

/// What a finished run's summary is made of, on every rank.
struct RunEnd<'a> {
    plane: &'a Plane,
    bands: &'a PlaneBands,
    timing: StepTiming,
    seconds: f64,
    rebalances: u64,
    last: Report,
}

/// Gathers every rank's totals and writes the summary line (on rank 0).
fn write_summary(
    cluster: &Cluster,
    config: &PlaneConfig,
    options: &HeadlessOptions,
    end: RunEnd,
    out: &mut dyn Write,
) {
    let RunEnd {
        plane,
        bands,
        timing,
        seconds,
        rebalances,
        last,
    } = end;
    let [tiles] = cluster.sums([plane.tile_count() as u64]);
    let stepped = RankTotals {
        tiles_stepped: plane.stats().tiles_stepped,
        ..RankTotals::default()
    };
    let Some(totals) = gather_totals(cluster, timing, stepped) else {
        return;
    };
    let per_rank = |rank, totals: &RankTotals| {
        let band = bands.band(rank);
        RankTiming {
            rank,
            band: [
                (band.top != i64::MIN).then_some(band.top),
                (band.bottom != i64::MAX).then_some(band.bottom),
            ],
            compute_seconds: totals.compute_seconds,
            exchange_seconds: totals.exchange_seconds,
            tiles_stepped: totals.tiles_stepped,
            unchanged_halos_sent: totals.unchanged_halos_sent,
            whole_halos_sent: totals.whole_halos_sent,
        }
    };
    let summary = Summary {
        generations: options.generations,
        edge: "plane",
        ranks: cluster.size(),
        rule: config.rule.to_string(),
        seconds,
        population: last.population,
        hash: last.hash,
        bbox: last.bbox,
        tiles,
        tail: SummaryTail::new(options, config.seed, &totals, per_rank, rebalances),
    };
    write_summary_line(out, summary);
}

/// Population, hash and bounding box of the whole plane, on every rank.
fn fingerprint(cluster: &Cluster, plane: &Plane, generation: u64) -> Report {
    let [population, sum] = cluster.sums([plane.population(), plane.partial_hash()]);
    Report {
        generation,
        population,
        hash: hash::to_hex(hash::finish_plane(sum)),
        bbox: corners(cluster.plane_bbox(plane)),
    }
}

/// Gathers the live cells on the root and writes them atomically to
/// `path` as extended RLE; every rank learns whether that worked.
fn save(
    cluster: &Cluster,
    config: &PlaneConfig,
    plane: &Plane,
    generation: u64,
    path: &Path,
) -> Result<(), Error> {
    let mut written = Ok(());
    if let Some(tiles) = cluster.gather_plane(plane) {
        let text = checkpoint::plane_rle(&config.name, config.rule, generation, &tiles);
        written = files::write_atomically(path, text.as_bytes()).map_err(Error::from);
    }
    agree_after_write(cluster, written)
}
