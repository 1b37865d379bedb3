//! The unbounded plane over MPI: each rank steps a band of tile rows and
//! trades its edge cells with the bands above and below: every generation
//! only the words that hold live cells, or an "unchanged" marker
//! ([`Cluster::step_plane`]), or once a batch the rows of its edge tiles
//! that the neighbours' deep ghosts need ([`Cluster::step_plane_deep`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mpi::datatype::{Partition, PartitionMut};
use mpi::point_to_point::MatchedReceiveVec;
use mpi::traits::*;

use super::bands::PlaneBands;
use super::faults::{Wait, waiting};
use super::messages::BboxMessage;
use super::{Cluster, StepTiming, count_i32, displacements};
use crate::engine::plane::{self, Bbox, Plane, Side};

/// Edge cells travelling up and down (other tags than the strips' halos).
const TAG_PLANE_UP: i32 = 11;
const TAG_PLANE_DOWN: i32 = 12;

/// The message for "the same edge cells as at the generation before".
const UNCHANGED: u64 = u64::MAX;

fn encode(border: Option<Vec<(i64, u64)>>) -> Vec<u64> {
    match border {
        None => vec![UNCHANGED],
        Some(words) => words.into_iter().flat_map(|(x, w)| [x as u64, w]).collect(),
    }
}

fn decode(message: &[u64]) -> Option<Vec<(i64, u64)>> {
    if message.len() % 2 == 1 {
        return None;
    }
    Some(
        message
            .chunks_exact(2)
            .map(|p| (p[0] as i64, p[1]))
            .collect(),
    )
}

/// Deep ghosts' rows travelling up and down.
const TAG_DEEP_UP: i32 = 13;
const TAG_DEEP_DOWN: i32 = 14;

/// Messages for the bands above and below (`None` where there is no
/// band), and the tags they travel under.
struct Outgoing {
    up: Option<Vec<u64>>,
    down: Option<Vec<u64>>,
    tags: [i32; 2],
}

impl Cluster {
    /// Trades edge cells with the neighbouring bands, then steps this
    /// rank's band one generation.
    pub fn step_plane(&self, plane: &mut Plane) -> StepTiming {
        let start = Instant::now();
        let mut timing = StepTiming::default();
        if self.size() > 1 {
            let (above, below) = self.neighbour_bands();
            let outgoing = Outgoing {
                up: above.map(|_| encode(plane.border(Side::Above))),
                down: below.map(|_| encode(plane.border(Side::Below))),
                tags: [TAG_PLANE_UP, TAG_PLANE_DOWN],
            };
            {
                let mut memory = self.halos.borrow_mut();
                for message in [&outgoing.up, &outgoing.down].into_iter().flatten() {
                    if message.len() == 1 {
                        memory.unchanged_sent += 1;
                    } else {
                        memory.whole_sent += 1;
                    }
                }
            }
            // The tiles the edge cells cannot reach step while they travel.
            let ([from_above, from_below], waited) =
                self.trade_with_bands(outgoing, || plane.step_interior());
            timing.exchange = waited;
            if let Some(message) = from_above {
                plane.fill_ghosts(Side::Above, decode(&message).as_deref());
            }
            if let Some(message) = from_below {
                plane.fill_ghosts(Side::Below, decode(&message).as_deref());
            }
        }
        plane.step();
        timing.compute = start.elapsed() - timing.exchange;
        timing
    }

    /// Fills the deep ghosts (see [`Plane::set_ghost_depth`]) from the
    /// neighbouring bands, then steps this rank's band `generations`
    /// generations, at most the ghost depth, with no exchange in between.
    pub fn step_plane_deep(&self, plane: &mut Plane, generations: u64) -> StepTiming {
        let start = Instant::now();
        let mut timing = StepTiming::default();
        if self.size() > 1 {
            let (above, below) = self.neighbour_bands();
            let outgoing = Outgoing {
                up: above.map(|_| plane.deep_border(Side::Above)),
                down: below.map(|_| plane.deep_border(Side::Below)),
                tags: [TAG_DEEP_UP, TAG_DEEP_DOWN],
            };
            self.halos.borrow_mut().whole_sent +=
                [&outgoing.up, &outgoing.down].into_iter().flatten().count() as u64;
            let ([from_above, from_below], waited) = self.trade_with_bands(outgoing, || {});
            timing.exchange = waited;
            if let Some(message) = from_above {
                plane.fill_deep_ghosts(Side::Above, &message);
            }
            if let Some(message) = from_below {
                plane.fill_deep_ghosts(Side::Below, &message);
            }
        }
        for _ in 0..generations {
            plane.step();
        }
        timing.compute = start.elapsed() - timing.exchange;
        timing
    }

    /// The ranks of the bands above and below this one, if any.
    fn neighbour_bands(&self) -> (Option<usize>, Option<usize>) {
        let (rank, size) = (self.rank(), self.size());
        (
            (rank > 0).then(|| rank - 1),
            (rank + 1 < size).then_some(rank + 1),
        )
    }

    /// Sends `outgoing` to the bands above and below, does `meanwhile`,
    /// and receives theirs: what came from above and from below, and how
    /// long this rank waited for it.
    fn trade_with_bands(
        &self,
        outgoing: Outgoing,
        meanwhile: impl FnOnce(),
    ) -> ([Option<Vec<u64>>; 2], Duration) {
        let (above, below) = self.neighbour_bands();
        let [tag_up, tag_down] = outgoing.tags;
        let peer = |r: usize| self.world.process_at_rank(r as i32);
        let mut received: [Option<Vec<u64>>; 2] = [None, None];
        let mut waited = Duration::ZERO;
        mpi::request::scope(|scope| {
            let send_up = match (above, &outgoing.up) {
                (Some(r), Some(m)) => Some(peer(r).immediate_send_with_tag(scope, &m[..], tag_up)),
                _ => None,
            };
            let send_down = match (below, &outgoing.down) {
                (Some(r), Some(m)) => {
                    Some(peer(r).immediate_send_with_tag(scope, &m[..], tag_down))
                }
                _ => None,
            };
            meanwhile();
            let _waiting = waiting(Wait::Halos);
            let since = Instant::now();
            let mut probes: [Option<(usize, i32)>; 2] =
                [above.map(|r| (r, tag_down)), below.map(|r| (r, tag_up))];
            loop {
                for (i, probe) in probes.iter_mut().enumerate() {
                    if let Some((r, tag)) = *probe
                        && let Some(probed) = peer(r).immediate_matched_probe_with_tag(tag)
                    {
                        received[i] = Some(probed.matched_receive_vec::<u64>().0);
                        *probe = None;
                    }
                }
                if probes.iter().all(Option::is_none) {
                    break;
                }
                super::pause(since, self.spin);
            }
            for request in [send_up, send_down].into_iter().flatten() {
                request.wait();
            }
            waited = since.elapsed();
        });
        (received, waited)
    }

    /// Moves the band edges to `to`, every rank sending the tiles it no
    /// longer owns to their new owners. Collective.
    pub fn reband_plane(&self, plane: &mut Plane, to: &PlaneBands) {
        let size = self.size();
        let leaving = plane.rebanded(to.band(self.rank()));
        let mut outgoing: Vec<Vec<u64>> = vec![Vec::new(); size];
        for record in leaving.chunks_exact(plane::TILE_RECORD) {
            outgoing[to.owner_of(plane::record_row(record))].extend_from_slice(record);
        }
        let send_counts: Vec<i32> = outgoing.iter().map(|v| count_i32(v.len())).collect();
        let _waiting = waiting(Wait::Rows);
        let mut receive_counts = vec![0i32; size];
        self.world
            .all_to_all_into(&send_counts[..], &mut receive_counts[..]);
        let send: Vec<u64> = outgoing.concat();
        let mut incoming = vec![0u64; receive_counts.iter().map(|&n| n as usize).sum()];
        {
            let send_at = displacements(&send_counts);
            let receive_at = displacements(&receive_counts);
            let sent = Partition::new(&send[..], &send_counts[..], &send_at[..]);
            let mut received =
                PartitionMut::new(&mut incoming[..], &receive_counts[..], &receive_at[..]);
            self.world.all_to_all_varcount_into(&sent, &mut received);
        }
        plane.add_tiles(&incoming);
    }

    /// Every rank's live tiles, on the root only (see
    /// [`Plane::tiles_for_transfer`]).
    pub fn gather_plane(&self, plane: &Plane) -> Option<Vec<u64>> {
        let mine = plane.tiles_for_transfer();
        let counts = self.gather(&(mine.len() as u64));
        let counts: Option<Vec<usize>> = counts.map(|c| c.iter().map(|&n| n as usize).collect());
        self.gather_varcount(&mine, counts.as_deref())
    }

    /// The bounding box of every rank's live cells, on every rank.
    pub fn plane_bbox(&self, plane: &Plane) -> Option<Bbox> {
        let _waiting = waiting(Wait::Peers);
        let mine = BboxMessage::from(plane.bbox());
        let mut all = vec![BboxMessage::default(); self.size()];
        self.world.all_gather_into(&mine, &mut all[..]);
        all.into_iter()
            .filter_map(Option::<Bbox>::from)
            .reduce(Bbox::union)
    }

    /// Every rank's work per tile row, merged, on every rank.
    pub fn plane_work(&self, work: &BTreeMap<i64, u64>) -> BTreeMap<i64, u64> {
        let _waiting = waiting(Wait::Peers);
        let mine: Vec<i64> = work.iter().flat_map(|(&r, &w)| [r, w as i64]).collect();
        let mut counts = vec![0i32; self.size()];
        self.world
            .all_gather_into(&count_i32(mine.len()), &mut counts[..]);
        let at = displacements(&counts);
        let mut all = vec![0i64; counts.iter().map(|&n| n as usize).sum()];
        {
            let mut partition = PartitionMut::new(&mut all[..], &counts[..], &at[..]);
            self.world
                .all_gather_varcount_into(&mine[..], &mut partition);
        }
        let mut merged = BTreeMap::new();
        for pair in all.chunks_exact(2) {
            *merged.entry(pair[0]).or_insert(0) += pair[1] as u64;
        }
        merged
    }
}
