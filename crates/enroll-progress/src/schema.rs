//! The tables this crate owns (diesel's view of them; the core's early migrations created
//! them, before the ledger was split into crates). Queries here never join the core's tables:
//! diesel cannot declare joins across crates.
#![allow(missing_docs)]

diesel::table! {
    lesson_enrollments (id) {
        id -> Text,
        enrollment_id -> Text,
        lesson_id -> Text,
        state -> Text,
        progress -> Double,
        score -> Nullable<Double>,
        time_spent_ms -> BigInt,
        attempts -> Integer,
        failures -> Integer,
        last_attempt_at -> Nullable<BigInt>,
        started_at -> Nullable<BigInt>,
        completed_at -> Nullable<BigInt>,
        added_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    attempts (id) {
        id -> Text,
        lesson_enrollment_id -> Text,
        enrollment_id -> Text,
        status -> Text,
        score -> Nullable<Double>,
        started_at -> BigInt,
        completed_at -> Nullable<BigInt>,
        time_spent_ms -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(lesson_enrollments, attempts);
