//! Headless runs on the unbounded plane: the same JSON Lines as on a
//! bounded grid, with the live cells' bounding box; the output and
//! checkpoints are Golly's extended RLE with the position and generation.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{
    HeadlessOptions, Stopped, Stops, agree, agree_after_write, check_outputs, stopped, write_line,
};
use crate::checkpoint;
use crate::cluster::bands::BALANCE_EVERY;
use crate::cluster::messages::RankTotals;
use crate::cluster::{Cluster, PlaneBands, StepTiming};
use crate::config::PlaneConfig;
use crate::engine::hash;
use crate::engine::plane::{Bbox, Plane};
use crate::error::Error;
use crate::files;

/// Generations between the ranks' checks whether all have settled.
const SETTLED_EVERY: u64 = 64;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timing: Option<Vec<RankTiming>>,
    /// Times band edges moved (with `timing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    rebalances: Option<u64>,
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
    if config.start_generation > options.generations {
        return Err(Error::CheckpointPastEnd {
            name: config.name.clone(),
            at: config.start_generation,
            target: options.generations,
        });
    }
    if options.dense {
        return Err(Error::PlaneOption(
            "--dense steps every cell of a bounded grid; the unbounded plane has none (use --edge torus)"
                .into(),
        ));
    }
    agree(cluster, check_outputs(cluster, options))?;

    let rank = cluster.rank();
    let mut bands = PlaneBands::for_cells(&config.cells, cluster.size());
    let mut plane = Plane::new(config.rule, bands.band(rank));
    for &run in &config.cells {
        plane.set_run(run);
    }

    let report = |generation: u64, plane: &Plane, out: &mut dyn Write| {
        let line = fingerprint(cluster, plane, generation);
        if cluster.is_root() {
            write_line(out, &line);
        }
    };
    cluster.barrier();
    let start = Instant::now();
    let mut timing = StepTiming::default();
    let mut reporting = Duration::ZERO;
    let mut rebalances = 0u64;
    if options.report_every.is_some() {
        report(config.start_generation, &plane, out);
    }
    let due =
        |every: Option<u64>, generation: u64| every.is_some_and(|n| generation.is_multiple_of(n));
    let checkpoint_every = options.checkpoint.as_ref().map(|(_, every)| *every);
    let mut generation = config.start_generation;
    let mut stops = Stops::new(generation);
    let mut saved_at = None;
    while generation < options.generations {
        // A settled plane (everything as two generations before, on every
        // rank) repeats: jump to where something must see it. Ranks ask
        // each other only now and then, as asking costs a collective.
        let settled = if cluster.size() == 1 {
            plane.is_settled()
        } else {
            generation.is_multiple_of(SETTLED_EVERY) && cluster.all_ok(plane.is_settled())
        };
        // Where something must see the plane next: a report, a checkpoint,
        // a look for signals, the end.
        let stop = [options.report_every, checkpoint_every]
            .into_iter()
            .flatten()
            .map(|every| (generation / every + 1) * every)
            .fold(options.generations, u64::min)
            .min(generation + stops.until_look(generation));
        if settled {
            plane.skip_settled(stop - generation);
            generation = stop;
        } else if cluster.size() == 1 {
            // Alone, nothing needs the generations in between: one batch,
            // timed once.
            let before = Instant::now();
            plane.run(stop - generation);
            timing.compute += before.elapsed();
            generation = stop;
        } else {
            timing += cluster.step_plane(&mut plane);
            generation += 1;
        }
        if options.balance && cluster.size() > 1 && generation.is_multiple_of(BALANCE_EVERY) {
            let before = Instant::now();
            if let Some(to) = bands.rebalanced(&cluster.plane_work(&plane.take_work())) {
                cluster.reband_plane(&mut plane, &to);
                bands = to;
                rebalances += 1;
            }
            timing.compute += before.elapsed();
        }
        if due(options.report_every, generation) {
            let before = Instant::now();
            report(generation, &plane, out);
            reporting += before.elapsed();
        }
        if let Some((path, _)) = &options.checkpoint
            && (due(checkpoint_every, generation) || generation == options.generations)
        {
            let before = Instant::now();
            save(cluster, config, &plane, generation, path)?;
            saved_at = Some(generation);
            reporting += before.elapsed();
        }
        if generation < options.generations
            && let Some(signal) = stops.look(cluster, generation)
        {
            if let Some((path, _)) = &options.checkpoint
                && saved_at != Some(generation)
            {
                save(cluster, config, &plane, generation, path)?;
            }
            let last = fingerprint(cluster, &plane, generation);
            return Err(stopped(
                cluster,
                out,
                options,
                signal,
                Stopped {
                    generation,
                    population: last.population,
                    hash: last.hash,
                    bbox: Some(last.bbox),
                },
            ));
        }
    }
    cluster.barrier();
    let seconds = cluster.max((start.elapsed() - reporting).as_secs_f64());

    let last = fingerprint(cluster, &plane, generation);
    let end = RunEnd {
        plane: &plane,
        bands: &bands,
        timing,
        seconds,
        rebalances,
        last,
    };
    write_summary(cluster, config, options, end, out);
    if let Some(path) = &options.output {
        save(cluster, config, &plane, options.generations, path)?;
    }
    Ok(())
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
    let (unchanged, whole) = cluster.halo_messages();
    let totals = cluster.gather(&RankTotals {
        compute_seconds: timing.compute.as_secs_f64(),
        exchange_seconds: timing.exchange.as_secs_f64(),
        tiles_stepped: plane.stats().tiles_stepped,
        unchanged_halos_sent: unchanged,
        whole_halos_sent: whole,
        ..RankTotals::default()
    });
    let Some(totals) = totals else {
        return;
    };
    let per_rank = options.timing.then(|| {
        totals
            .iter()
            .enumerate()
            .map(|(rank, totals)| {
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
            })
            .collect()
    });
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
        seed: options.announce_seed.then_some(config.seed).flatten(),
        timing: per_rank,
        rebalances: options.timing.then_some(rebalances),
    };
    #[derive(Serialize)]
    struct Last {
        summary: Summary,
    }
    write_line(out, &Last { summary });
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
