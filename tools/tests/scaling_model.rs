//! The unit tests of the scaling model (`tools/src/model.rs`), which lives
//! with the study that prints it but is pure arithmetic, so it is tested
//! here without MPI or a machine to measure.

use life_tools::model::*;

const FLAT: Machine = Machine {
    rates: &[(1, 1e9)],
    shared: Link {
        latency: 1e-6,
        per_byte: 0.0,
    },
    tcp: Link {
        latency: 100e-6,
        per_byte: 1e-9,
    },
    check: Some(0.0),
    cores: Cores::Own,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
}

#[test]
fn the_rate_is_the_nearest_measured_widths() {
    let m = Machine {
        rates: &[(1024, 1.0), (4096, 2.0), (16384, 3.0)],
        ..FLAT
    };
    assert_eq!(m.rate(512), 1.0);
    assert_eq!(m.rate(3000), 2.0);
    assert_eq!(m.rate(1 << 20), 3.0);
}

#[test]
fn one_rank_is_the_kernel_alone() {
    let p = generation(&FLAT, 1000, 1000, Layout::one_node(1), 4, true);
    assert!(close(p.seconds(), 1e-3));
    assert_eq!((p.exchange, p.balance), (0.0, 0.0));
    assert!(close(p.gcells(1000, 1000), 1.0));
}

#[test]
fn depth_adds_overlap_rows_and_spreads_the_latency() {
    let two = Layout::one_node(2);
    let p1 = generation(&FLAT, 1000, 1000, two, 1, false);
    let p4 = generation(&FLAT, 1000, 1000, two, 4, false);
    assert!(close(p1.compute, 500.0 * 1000.0 / 1e9));
    assert!(close(p4.compute, 503.0 * 1000.0 / 1e9));
    assert!(close(p1.exchange, 1e-6));
    assert!(close(p4.exchange, 0.25e-6));
}

#[test]
fn the_network_is_paid_once_a_node_boundary_exists() {
    let cross = Layout {
        ranks: 4,
        per_node: 2,
    };
    assert_eq!(cross.nodes(), 2);
    let p = generation(&FLAT, 8000, 100, cross, 1, false);
    // 1000 bytes a message over TCP.
    assert!(close(p.exchange, 100e-6 + 1000.0 * 1e-9));
    let p = generation(&FLAT, 8000, 100, Layout::one_node(4), 1, false);
    assert!(close(p.exchange, 1e-6));
}

#[test]
fn depth_is_capped_at_the_strip() {
    let p = generation(&FLAT, 64, 64, Layout::one_node(32), 16, false);
    assert_eq!((p.strip, p.depth), (2, 2));
}

#[test]
fn the_best_depth_is_near_the_analytic_one() {
    let layout = Layout {
        ranks: 64,
        per_node: 8,
    };
    let (k, _) = best_depth(&FLAT, 1000, 1 << 20, layout, true);
    let ideal = ideal_depth(&FLAT, 1000, true);
    assert!((k as f64 - ideal).abs() <= 1.0, "{k} against {ideal}");
}

#[test]
fn strong_scaling_stops_when_strips_get_short() {
    let layout = |ranks| Layout { ranks, per_node: 1 };
    let rate = |ranks| {
        best_depth(&QUIET, 16384, 16384, layout(ranks), false)
            .1
            .gcells(16384, 16384)
    };
    let efficiency = |ranks: usize| rate(ranks) / (ranks as f64 * rate(1));
    assert!(efficiency(16) > 0.9);
    assert!(efficiency(4096) < 0.5);
    // Never slower with more ranks until the strips are a few rows.
    assert!(rate(512) > rate(256));
}

#[test]
fn shared_cores_slow_each_rank_once_they_run_out() {
    let lone = Cores::Shared {
        cores: 2.0,
        others: 0.0,
    };
    assert!(close(lone.share(2), 1.0));
    assert!(close(lone.share(4), 0.5));
    let busy = Cores::Shared {
        cores: 2.0,
        others: 8.0,
    };
    assert!(close(busy.share(2), 9.0 / 10.0));
    assert_eq!(Cores::Own.share(4096), 1.0);
}

#[test]
fn the_tables_reach_4096_ranks() {
    let t = tables(&QUIET);
    assert!(t.contains("| 4096 | 128 | 4 |"), "{t}");
    assert!(t.contains("Weak scaling"));
}

#[test]
fn balancer_checks_are_amortised_over_their_interval() {
    assert_eq!(check_interval(4096 * 4096), 64);
    assert_eq!(check_interval(16), 4096);
    assert_eq!(check_interval(1 << 40), 8);
    let machine = Machine {
        check: Some(64e-6),
        ..FLAT
    };
    let p = generation(&machine, 4096, 4096, Layout::one_node(2), 4, true);
    assert!(close(p.balance, 1e-6));
}
