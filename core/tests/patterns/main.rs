//! The pattern readers and writers from outside the crate, in one test
//! binary: real files in every format, fuzzed input, and round trips.

mod files;
mod fuzz;
mod roundtrip;
