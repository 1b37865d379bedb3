//! A model of the time per generation of row strips, for scaling past this
//! machine on paper (docs/SCALING.md). Pure arithmetic: the figures it
//! starts from were measured here (the constants below, and how in the
//! doc), and `make bench` prints its prediction beside each measured row.

/// What one halo exchange costs on a link: every rank sends one message up
/// and one down and receives two, all in flight at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Seconds per exchange however small the messages.
    pub latency: f64,
    /// Seconds per byte of one message.
    pub per_byte: f64,
}

impl Link {
    pub fn exchange(&self, message_bytes: f64) -> f64 {
        self.latency + message_bytes * self.per_byte
    }
}

/// Who else wants the cores the ranks run on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cores {
    /// A core for every rank, as on a cluster booked by the core.
    Own,
    /// `cores` shared by every rank of the job and by `others` runnable
    /// processes of other people, as on this machine, whose simulated
    /// hosts all share its two cores. The scheduler is taken to be fair:
    /// each runnable process gets the same share.
    Shared { cores: f64, others: f64 },
}

impl Cores {
    /// The fraction of a core a rank gets when `ranks` ranks run, relative
    /// to a lone rank (the rate is measured with one rank).
    pub fn share(&self, ranks: usize) -> f64 {
        match *self {
            Cores::Own => 1.0,
            Cores::Shared { cores, others } => {
                let of = |n: f64| (cores / (n + others)).min(1.0);
                of(ranks as f64) / of(1.0)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Machine {
    /// Cell updates per second of the dense torus kernel (B3/S23), one
    /// rank, by grid width: (width, rate), the nearest width applies.
    pub rates: &'static [(usize, f64)],
    /// Between ranks of one node (Open MPI's shared memory).
    pub shared: Link,
    /// Between nodes (TCP).
    pub tcp: Link,
    /// Seconds per balancer check (one all-gather of a float per rank) and
    /// per hop of a tree all-gather, log2 of the ranks hops; `None`: one
    /// latency of the link the ranks use.
    pub check: Option<f64>,
    pub cores: Cores,
}

impl Machine {
    /// The kernel's rate at `width`: that of the nearest measured width
    /// (in ratio), since the rate moves with how a row sits in the caches.
    pub fn rate(&self, width: usize) -> f64 {
        let far = |w: usize| (w as f64 / width.max(1) as f64).ln().abs();
        self.rates
            .iter()
            .min_by(|a, b| far(a.0).total_cmp(&far(b.0)))
            .map_or(1e9, |&(_, rate)| rate)
    }
}

/// This machine as measured for docs/SCALING.md (2 cores, load average
/// 12-23 from other people's builds and tests; medians of 5 interleaved
/// rounds): what the check runs and `make bench`'s model column use.
pub const HERE: Machine = Machine {
    // np=1 runs of every width pooled: the load moved the rate far more
    // (3.5-29 Gcell/s) than the width did.
    rates: &[(4096, 8.6e9)],
    shared: Link {
        latency: 168e-6,
        per_byte: 0.41e-9,
    },
    tcp: Link {
        latency: 235e-6,
        per_byte: 36.5e-9,
    },
    // Balancing on against off: the rows it moved on the loaded cores
    // (one or two rebalances a run) are most of this.
    check: Some(13.2e-3),
    // np=2 to 6 on one host gave 0.54-1.33x np=1: whatever its rank count,
    // the job got about one core's worth of the machine.
    cores: Cores::Shared {
        cores: 1.0,
        others: 0.0,
    },
};

/// A cluster of cores like this machine's when quiet, a core per rank:
/// the scale tables. The rates are `make bench` at load 1.2-1.5 and the
/// latencies the README's best-of-seven halo runs at load 5.5-6.5, both on
/// this machine; the bandwidths are assumed (halo messages up to 8 KiB are
/// latency-bound here, and the noise hid the per-byte cost): 2 GB/s within
/// a node, 1 GB/s (10 GbE) between nodes.
pub const QUIET: Machine = Machine {
    rates: &[(1024, 33.9e9), (4096, 43.5e9), (16384, 40.0e9)],
    shared: Link {
        latency: 4.3e-6,
        per_byte: 0.5e-9,
    },
    tcp: Link {
        latency: 33.7e-6,
        per_byte: 1.0e-9,
    },
    // Equal cores move no rows: a check is the all-gather alone.
    check: None,
    cores: Cores::Own,
};

/// How the ranks are placed: `ranks` in all, `per_node` on each node
/// (filled in order, as `mpirun --host a:n,b:n` does).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub ranks: usize,
    pub per_node: usize,
}

impl Layout {
    pub fn one_node(ranks: usize) -> Layout {
        Layout {
            ranks,
            per_node: ranks,
        }
    }

    pub fn nodes(&self) -> usize {
        self.ranks.div_ceil(self.per_node.max(1))
    }
}

/// Seconds per generation, by part. Summed: the model does not credit
/// the exchange that hides under the interior's compute (the code starts
/// the halos, computes the rows that do not need them, then waits), so it
/// errs long where strips are tall; where they are short, little hides.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    pub compute: f64,
    pub exchange: f64,
    pub balance: f64,
    /// The halo depth used: `--halo-depth` capped at the strip height, as
    /// life-tui caps it.
    pub depth: usize,
    /// Rows of the tallest strip.
    pub strip: usize,
}

impl Prediction {
    pub fn seconds(&self) -> f64 {
        self.compute + self.exchange + self.balance
    }

    pub fn gcells(&self, width: usize, height: usize) -> f64 {
        (width * height) as f64 / self.seconds() / 1e9
    }
}

/// Generations between balancer checks: life-tui's rule (a check every
/// 2^30 cell updates, 8 to 4096 generations apart).
pub fn check_interval(cells: u64) -> u64 {
    ((1u64 << 30) / cells.max(1)).clamp(8, 4096)
}

/// The time per generation of a `width` x `height` torus on `layout` with
/// `--halo-depth depth`, balancing on or off.
pub fn generation(
    machine: &Machine,
    width: usize,
    height: usize,
    layout: Layout,
    depth: usize,
    balance: bool,
) -> Prediction {
    let ranks = layout.ranks.max(1);
    let strip = height.div_ceil(ranks);
    let rate = machine.rate(width) * machine.cores.share(ranks);
    if ranks == 1 {
        // One rank wraps its own strip: no halo, no overlap rows.
        return Prediction {
            compute: (width * height) as f64 / rate,
            exchange: 0.0,
            balance: 0.0,
            depth: 0,
            strip,
        };
    }
    let k = depth.clamp(1, strip.max(1));
    // A batch of k generations computes the strip plus 2(k-1), 2(k-2),
    // ..., 0 overlap rows: k-1 extra rows a generation on average.
    let rows = (strip + k - 1) as f64;
    let compute = rows * width as f64 / rate;
    // The slowest rank sets the pace: with more than one node, some rank
    // has a neighbour across the network.
    let link = if layout.nodes() > 1 {
        machine.tcp
    } else {
        machine.shared
    };
    let message = (k * width) as f64 / 8.0;
    let exchange = link.exchange(message) / k as f64;
    let balance = if balance {
        let hops = (ranks as f64).log2().ceil().max(1.0);
        let hop = machine.check.unwrap_or(link.latency);
        hop * hops / check_interval((width * height) as u64) as f64
    } else {
        0.0
    };
    Prediction {
        compute,
        exchange,
        balance,
        depth: k,
        strip,
    }
}

/// The halo depth (1 to 64, as `--halo-depth` allows) with the shortest
/// generation, and that generation.
pub fn best_depth(
    machine: &Machine,
    width: usize,
    height: usize,
    layout: Layout,
    balance: bool,
) -> (usize, Prediction) {
    (1..=64)
        .map(|k| (k, generation(machine, width, height, layout, k, balance)))
        .min_by(|a, b| a.1.seconds().total_cmp(&b.1.seconds()))
        .expect("depths 1 to 64")
}

/// The analytic optimum of the same trade: k-1 extra rows of compute a
/// generation against the latency spread over k generations,
/// d/dk [(k-1) w / r + l / k] = 0, so k = sqrt(l r / w).
pub fn ideal_depth(machine: &Machine, width: usize, tcp: bool) -> f64 {
    let link = if tcp { machine.tcp } else { machine.shared };
    (link.latency * machine.rate(width) / width as f64).sqrt()
}

/// Ranks per node in the tables: a two-socket node of a current cluster.
pub const PER_NODE: usize = 32;

fn ranks_up_to_4096() -> impl Iterator<Item = usize> {
    (0..=12).map(|i| 1usize << i)
}

/// The strong and weak scaling tables of docs/SCALING.md, in Markdown,
/// for `machine` with `PER_NODE` ranks a node.
pub fn tables(machine: &Machine) -> String {
    use std::fmt::Write as _;
    let mut r = String::new();
    let layout = |ranks: usize| Layout {
        ranks,
        per_node: PER_NODE,
    };
    for side in [16384, 65536] {
        let _ = writeln!(r, "\n#### Strong scaling, {side}x{side}\n");
        let _ = writeln!(
            r,
            "| ranks | nodes | strip rows | Gcell/s, K=1 | Gcell/s, K=4 | best K | Gcell/s, best K | efficiency | overlap rows share | exchange share | balancer share | Gcell/s, best K, --no-balance |"
        );
        let _ = writeln!(r, "|---|---|---|---|---|---|---|---|---|---|---|---|");
        let one = generation(machine, side, side, layout(1), 1, true).gcells(side, side);
        // The part of the compute spent on rows another rank owns.
        let overlap = |p: &Prediction| {
            let extra = p.depth.saturating_sub(1) as f64;
            extra / (p.strip as f64 + extra)
        };
        for ranks in ranks_up_to_4096() {
            let at = |k| generation(machine, side, side, layout(ranks), k, true);
            let (k, best) = best_depth(machine, side, side, layout(ranks), true);
            let _ = writeln!(
                r,
                "| {ranks} | {} | {} | {:.1} | {:.1} | {} | {:.1} | {:.0}% | {:.0}% | {:.0}% | {:.0}% | {:.1} |",
                layout(ranks).nodes(),
                best.strip,
                at(1).gcells(side, side),
                at(4).gcells(side, side),
                if ranks == 1 {
                    "-".into()
                } else {
                    k.to_string()
                },
                best.gcells(side, side),
                100.0 * best.gcells(side, side) / (ranks as f64 * one),
                100.0 * best.compute * overlap(&best) / best.seconds(),
                100.0 * best.exchange / best.seconds(),
                100.0 * best.balance / best.seconds(),
                best_depth(machine, side, side, layout(ranks), false)
                    .1
                    .gcells(side, side),
            );
        }
    }
    let per_rank = 4096usize;
    let _ = writeln!(
        r,
        "\n#### Weak scaling, {per_rank}x{per_rank} cells a rank\n"
    );
    let _ = writeln!(
        r,
        "| ranks | tall grid (width {per_rank}): strip rows | Gcell/s a rank, K=4 | efficiency | square grid | strip rows | Gcell/s a rank, K=4 | best K | Gcell/s a rank, best K | efficiency (best K) |"
    );
    let _ = writeln!(r, "|---|---|---|---|---|---|---|---|---|---|");
    for ranks in ranks_up_to_4096() {
        let tall = generation(machine, per_rank, per_rank * ranks, layout(ranks), 4, true);
        // A square of the same cells, its side a multiple of 64 (a word).
        let side = ((per_rank as f64 * (ranks as f64).sqrt() / 64.0).round() as usize) * 64;
        let square = generation(machine, side, side, layout(ranks), 4, true);
        let (k, best) = best_depth(machine, side, side, layout(ranks), true);
        let each = |p: &Prediction, w: usize, h: usize| p.gcells(w, h) / ranks as f64;
        // Against one rank of the same width: the kernel's own rate moves
        // with the width, and that is not the strips' doing.
        let lone = |w: usize| machine.rate(w) / 1e9;
        let _ = writeln!(
            r,
            "| {ranks} | {} | {:.1} | {:.0}% | {side}x{side} | {} | {:.1} | {} | {:.1} | {:.0}% |",
            tall.strip,
            each(&tall, per_rank, per_rank * ranks),
            100.0 * each(&tall, per_rank, per_rank * ranks) / lone(per_rank),
            square.strip,
            each(&square, side, side),
            if ranks == 1 {
                "-".into()
            } else {
                k.to_string()
            },
            each(&best, side, side),
            100.0 * each(&best, side, side) / lone(side),
        );
    }
    let _ = writeln!(
        r,
        "\n#### Where strips stop scaling (strips across nodes, TCP; balancer off)\n"
    );
    let _ = writeln!(
        r,
        "| width | ideal K = sqrt(latency x rate / width) | strip rows for 90% efficiency (best K) | for 50% | best K there (50%) | for 50% at K=1 |"
    );
    let _ = writeln!(r, "|---|---|---|---|---|---|");
    for width in [4096, 16384, 65536, 262144] {
        // A grid many strips tall, across nodes, so every rank pays TCP;
        // the balancer's cost is the strong tables' business, not the strips'.
        let ranks = 1024;
        let efficiency = |strip: usize, depth: Option<usize>| {
            let height = strip * ranks;
            let lone = machine.rate(width);
            let p = match depth {
                Some(k) => generation(machine, width, height, layout(ranks), k, false),
                None => best_depth(machine, width, height, layout(ranks), false).1,
            };
            (strip * width) as f64 / lone / p.seconds()
        };
        let least = |goal: f64, depth: Option<usize>| {
            (1..=1 << 16).find(|&strip| efficiency(strip, depth) >= goal)
        };
        let shown = |s: Option<usize>| s.map_or("-".into(), |s| s.to_string());
        let half = least(0.5, None);
        let _ = writeln!(
            r,
            "| {width} | {:.1} | {} | {} | {} | {} |",
            ideal_depth(machine, width, true),
            shown(least(0.9, None)),
            shown(half),
            half.map_or("-".into(), |strip| {
                best_depth(machine, width, strip * ranks, layout(ranks), false)
                    .0
                    .to_string()
            }),
            shown(least(0.5, Some(1))),
        );
    }
    r
}
