//! The fixed-size messages between ranks, as MPI datatypes
//! (`#[derive(Equivalence)]`): named fields instead of counted words in an
//! array. What the fields mean is the live round's and the headless run's,
//! which convert their own types to and from these; the variable-length
//! parts (viewport bytes, tiles, a tour's files) travel in buffers of their
//! own.

use bytemuck::{Pod, Zeroable};
use mpi::traits::Equivalence;

use crate::engine::plane::Bbox;

/// Cell edits carried by one control message; more wait for the next round.
pub const MAX_EDITS: usize = 10;

/// Rank 0's first word to the others in the live view: whether it could
/// start, and what every rank needs before the first round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Equivalence)]
pub struct SetupMessage {
    /// 0 to go on, else the exit status every rank ends with.
    pub status: u64,
    /// The grid's size (0 by 0 on the plane).
    pub width: u64,
    pub height: u64,
    /// The soup's seed, so that every rank resolves the same one.
    pub seed: u64,
    /// Rank 0's process id: where the others report a panic.
    pub leader_pid: u64,
    /// The first viewport's size in dots, which a tour's stops are sized to.
    pub dots_w: u64,
    pub dots_h: u64,
}

/// One round's orders from rank 0 (see `live::Control`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Equivalence)]
pub struct ControlMessage {
    /// Which `live::Command`, and its argument.
    pub command: u64,
    pub argument: u64,
    pub steps: u64,
    pub view_x0: i64,
    pub view_y0: i64,
    pub view_scale: u64,
    pub view_dots_w: u64,
    pub view_dots_h: u64,
    pub view_density: bool,
    pub checkpoint: bool,
    pub hash: bool,
    /// How many of the edit slots below are used.
    pub edits: u64,
    pub edit_x: [i64; MAX_EDITS],
    pub edit_y: [i64; MAX_EDITS],
    pub edit_alive: [bool; MAX_EDITS],
}

/// One rank's bounding box of live cells on the plane; none when `live`
/// is false (the corners are then 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Equivalence)]
pub struct BboxMessage {
    pub live: bool,
    pub x0: i64,
    pub y0: i64,
    pub x1: i64,
    pub y1: i64,
}

impl From<Option<Bbox>> for BboxMessage {
    fn from(bbox: Option<Bbox>) -> BboxMessage {
        match bbox {
            Some(Bbox { x0, y0, x1, y1 }) => BboxMessage {
                live: true,
                x0,
                y0,
                x1,
                y1,
            },
            None => BboxMessage::default(),
        }
    }
}

impl From<BboxMessage> for Option<Bbox> {
    fn from(message: BboxMessage) -> Option<Bbox> {
        let BboxMessage {
            live,
            x0,
            y0,
            x1,
            y1,
        } = message;
        live.then_some(Bbox { x0, y0, x1, y1 })
    }
}

/// One rank's totals at the end of a headless run, for `--timing`: one
/// gather instead of one a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Equivalence)]
pub struct RankTotals {
    pub compute_seconds: f64,
    pub exchange_seconds: f64,
    /// Generations stepped tile by tile and densely (a grid's strips only).
    pub sparse_generations: u64,
    pub dense_generations: u64,
    pub tiles_stepped: u64,
    pub unchanged_halos_sent: u64,
    pub whole_halos_sent: u64,
}

/// One rank's numbers for a round of the live view. They head the rank's
/// part of the round's gather, and its viewport bytes follow in the same
/// buffer (one collective a frame, not two), so the struct travels as its
/// bytes: plain 64-bit fields, no padding (`Pod`), native byte order (every
/// host of a job is x86-64).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct RoundStatsMessage {
    /// The rank's cell rows (`live::RankStats::rows`).
    pub rows_start: i64,
    pub rows_end: i64,
    pub steps: u64,
    pub compute_nanos: u64,
    pub exchange_nanos: u64,
    pub population: u64,
    pub hash: u64,
    /// 1 when the bounding box below is set (on the plane, cells alive).
    pub has_bbox: u64,
    pub bbox_x0: i64,
    pub bbox_y0: i64,
    pub bbox_x1: i64,
    pub bbox_y1: i64,
}

/// The bytes of a [`RoundStatsMessage`] at the head of a rank's part.
pub const ROUND_STATS_BYTES: usize = size_of::<RoundStatsMessage>();
