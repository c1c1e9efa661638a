//! The tables this crate owns (diesel's view of them; the core's early migrations created
//! them, before the ledger was split into crates). Queries here never join the core's tables:
//! diesel cannot declare joins across crates.
#![allow(missing_docs)]

diesel::table! {
    invitations (id) {
        id -> Text,
        tenant_id -> Text,
        course_id -> Text,
        is_public -> Bool,
        allow_launch -> Bool,
        allow_new_enrollments -> Bool,
        enrollment_cap -> Integer,
        enrolled_count -> Integer,
        expires_at -> Nullable<BigInt>,
        creator_email -> Text,
        mail_subject -> Nullable<Text>,
        mail_body -> Nullable<Text>,
        existing_policy -> Text,
        source -> Text,
        job_status -> Nullable<Text>,
        job_total -> Integer,
        job_processed -> Integer,
        job_errors -> Text,
        job_lease_until -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    invitation_recipients (id) {
        id -> Text,
        invitation_id -> Text,
        email -> Text,
        position -> Integer,
        status -> Text,
        series_id -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        mailed_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(invitation_recipients -> invitations (invitation_id));
diesel::allow_tables_to_appear_in_same_query!(invitations, invitation_recipients);
