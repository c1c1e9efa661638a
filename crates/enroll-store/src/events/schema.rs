//! diesel tables of the events and subscriptions (migrations `000601`, `000602`).
#![allow(missing_docs)]

diesel::table! {
    enrollment_events (id) {
        id -> BigInt,
        enrollment_id -> Text,
        kind -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        dialect -> Text,
        principal -> Nullable<Text>,
        at -> BigInt,
        pending -> Bool,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Text,
        tenant_id -> Text,
        scope -> Text,
        object_id -> Text,
        kinds -> Text,
        since_event -> BigInt,
        dialect -> Text,
        target -> Text,
        settings -> Text,
        created_at -> BigInt,
    }
}
