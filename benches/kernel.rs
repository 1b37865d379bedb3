//! The step kernel alone, without MPI: one strip holding the whole grid,
//! halos wrapped by hand, for every kernel variant this CPU runs.
//! `cargo bench --bench kernel` (part of `make bench`).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use life_tui::cluster::Decomposition;
use life_tui::config::RunConfig;
use life_tui::engine::{Edge, Isa, Rule, Stepping};

fn soup(side: usize, depth: usize) -> life_tui::engine::Strip {
    RunConfig::soup(side, side, 1, 0.5).initial_strip(
        &Decomposition::new(side, 1).expect("one rank"),
        0,
        depth,
    )
}

fn kernel(c: &mut Criterion) {
    let rules = [
        ("B3/S23", Rule::LIFE),
        ("B36/S23", Rule::parse("B36/S23").expect("valid rule")),
    ];
    // One generation per pass, as the live view steps, and four, as
    // headless runs do; throughput counts every generation.
    for (group_name, generations) in [("step", 1), ("advance-4", 4)] {
        let mut group = c.benchmark_group(group_name);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for side in [1024, 4096] {
            group.throughput(Throughput::Elements((generations * side * side) as u64));
            for (name, rule) in rules {
                for isa in Isa::available() {
                    let mut strip = soup(side, generations);
                    strip.set_isa(isa);
                    strip.set_stepping(Stepping::Dense);
                    let id = BenchmarkId::new(format!("{name}/{}", isa.name()), side);
                    group.bench_function(id, |b| {
                        b.iter(|| strip.advance_alone(&rule, Edge::Torus, generations))
                    });
                }
            }
        }
        group.finish();
    }
}

/// The sparse path where every tile is busy (a soup, every tile stepped
/// every generation) against the dense kernel on the same soup: where the
/// two cross is where a strip should switch (`DENSE_FRACTION`).
fn tiles(c: &mut Criterion) {
    let mut group = c.benchmark_group("tiles");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let side = 4096;
    group.throughput(Throughput::Elements((side * side) as u64));
    for (name, stepping) in [("dense", Stepping::Dense), ("every-tile", Stepping::Sparse)] {
        let mut strip = soup(side, 1);
        strip.set_stepping(stepping);
        group.bench_function(BenchmarkId::new(name, side), |b| {
            b.iter(|| strip.advance_alone(&Rule::LIFE, Edge::Torus, 1))
        });
    }
    group.finish();
}

criterion_group!(benches, kernel, tiles);
criterion_main!(benches);
