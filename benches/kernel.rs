//! The step kernel alone, without MPI: one strip holding the whole grid,
//! halos wrapped by hand, for every kernel variant this CPU runs.
//! `cargo bench --bench kernel` (part of `make bench`).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use life_tui::cluster::Decomposition;
use life_tui::config::RunConfig;
use life_tui::engine::{Edge, Isa, Rule};

fn soup(side: usize, rule: Rule, edge: Edge, depth: usize) -> life_tui::engine::Strip {
    let config = RunConfig {
        width: side,
        height: side,
        rule,
        edge,
        seed: 1,
        density: 0.5,
        pattern: None,
        start_generation: 0,
    };
    config.initial_strip(&Decomposition::new(side, 1).expect("one rank"), 0, depth)
}

fn kernel(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let rules = [
        ("B3/S23", Rule::LIFE),
        ("B36/S23", Rule::parse("B36/S23").expect("valid rule")),
    ];
    for side in [1024, 4096] {
        group.throughput(Throughput::Elements((side * side) as u64));
        for (name, rule) in rules {
            for isa in Isa::available() {
                let mut strip = soup(side, rule, Edge::Torus, 1);
                strip.set_isa(isa);
                let id = BenchmarkId::new(format!("{name}/{}", isa.name()), side);
                group.bench_function(id, |b| {
                    b.iter(|| {
                        strip.fill_halos_alone(Edge::Torus);
                        strip.step(&rule, Edge::Torus);
                    })
                });
            }
        }
    }
    group.finish();
    // Four generations per pass over the grid, as headless runs step:
    // throughput counts all four.
    let mut group = c.benchmark_group("advance-4");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for side in [1024, 4096] {
        group.throughput(Throughput::Elements(4 * (side * side) as u64));
        for (name, rule) in rules {
            for isa in Isa::available() {
                let mut strip = soup(side, rule, Edge::Torus, 4);
                strip.set_isa(isa);
                let id = BenchmarkId::new(format!("{name}/{}", isa.name()), side);
                group.bench_function(id, |b| {
                    b.iter(|| strip.advance_alone(&rule, Edge::Torus, 4))
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, kernel);
criterion_main!(benches);
