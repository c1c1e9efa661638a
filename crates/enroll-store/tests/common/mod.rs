//! Shared helpers for store tests: a seeded store on each backend, and the demo seed's ids.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers

use enroll_store::seed::Seed;
pub use enroll_store::testing::demo::*;

pub fn seed() -> Seed {
    enroll_store::testing::demo_seed().unwrap()
}
