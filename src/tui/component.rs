//! The contract between the [`App`](super::app::App) and the features it
//! holds (the history chart, ranks at work, the tour): each feature owns
//! its state, reads what it needs of the view through [`Facts`], and asks
//! for changes to the rest as [`Effect`]s, which only the App applies. No
//! feature imports the App, so none can write a field another one owns.

use crate::cluster::Decomposition;
use crate::config::{PlaneConfig, RunConfig};
use crate::engine::{Edge, Rule};
use crate::live::Command;

/// Facts about the run that do not change while it is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub width: usize,
    pub height: usize,
    pub rule: Rule,
    pub edge: Edge,
    pub decomp: Decomposition,
    /// The unbounded plane: no width, height or edge, and the bands move
    /// with the work (`decomp` then only counts the ranks).
    pub plane: bool,
}

impl RunInfo {
    /// What the view shows of a run split as `decomp`.
    pub fn of(config: &RunConfig, decomp: Decomposition) -> RunInfo {
        RunInfo {
            width: config.width,
            height: config.height,
            rule: config.rule,
            edge: config.edge,
            decomp,
            plane: false,
        }
    }

    /// What the view shows of a plane run on `ranks` ranks.
    pub fn of_plane(config: &PlaneConfig, ranks: usize) -> RunInfo {
        RunInfo {
            width: 0,
            height: 0,
            rule: config.rule,
            edge: Edge::Torus,
            decomp: Decomposition::with_sizes(&vec![1; ranks]),
            plane: true,
        }
    }

    pub fn ranks(&self) -> usize {
        self.decomp.ranks()
    }
}

/// What a feature may read of the view when it handles a key or a round.
#[derive(Clone, Debug)]
pub struct Facts {
    pub info: RunInfo,
    pub paused: bool,
    /// The generation on screen (before the round being taken in).
    pub generation: u64,
    pub gens_per_second: f64,
    /// Target generations per second; None for unlimited.
    pub target_speed: Option<u32>,
    /// A command already waits for the next round.
    pub command_pending: bool,
}

/// A change a feature asks of the view; [`App`](super::app::App) applies it.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A line for the hint bar.
    Message(String),
    /// The next round carries this command.
    Command(Command),
    Pause,
    /// The tour's card went down: the stop runs.
    Resume,
    /// The round stepped one generation back.
    GenerationBack,
    /// The rows are split this way from the next round on.
    Split(Decomposition),
    /// Show a tour's stop: every rank loads stop `index` in the next
    /// round, paused, at the stop's zoom, under its title.
    ShowStop {
        index: usize,
        info: RunInfo,
        zoom: u64,
        title: String,
    },
}
