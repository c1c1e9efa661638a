//! diesel tables of the events (migration `000601`).
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
    }
}
