//! The pure Life engine: bit-packed strips, the step kernel and rules.
//! Knows nothing of MPI or terminals.

pub mod rule;

pub use rule::{Rule, RuleError};
