//! Shared helpers for store tests: a seeded store on each backend.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers

use enroll_domain::OffsetClock;
use enroll_store::Store;
use enroll_store::seed::Seed;
use enroll_store::testing::TestDb;
use std::sync::Arc;
use uuid::Uuid;

pub const TENANT: Uuid = Uuid::from_u128(0x7d1c7c3e_0000_4000_8000_000000000001);
pub const ALICE: Uuid = Uuid::from_u128(0xa0000000_0000_4000_8000_000000000002);
pub const BOB: Uuid = Uuid::from_u128(0xa0000000_0000_4000_8000_000000000003);
pub const COMPLIANCE: Uuid = Uuid::from_u128(0xc0000000_0000_4000_8000_000000000001);
pub const LEADERSHIP: Uuid = Uuid::from_u128(0xc0000000_0000_4000_8000_000000000003);
pub const ONBOARDING: Uuid = Uuid::from_u128(0xc0000000_0000_4000_8000_000000000004);
pub const BERLIN: Uuid = Uuid::from_u128(0xc3000000_0000_4000_8000_000000000001);

pub fn seed() -> Seed {
    enroll_store::testing::demo_seed().unwrap()
}

/// Each backend's fresh, seeded store (SQLite always; PostgreSQL when configured).
pub fn stores() -> Vec<(TestDb, Store, Arc<OffsetClock>)> {
    enroll_store::testing::seeded_stores(&seed()).unwrap()
}
