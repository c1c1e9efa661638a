//! diesel tables of the outbox (migrations `000002`, `000007`).
#![allow(missing_docs)]

diesel::table! {
    outbox (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        channel -> Text,
        topic -> Text,
        target -> Text,
        headers -> Text,
        content_type -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        lease_until -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
        delivered_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    outbox_attempts (outbox_id, attempt) {
        outbox_id -> Text,
        attempt -> Integer,
        attempted_at -> BigInt,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(outbox_attempts -> outbox (outbox_id));
diesel::allow_tables_to_appear_in_same_query!(outbox, outbox_attempts);
