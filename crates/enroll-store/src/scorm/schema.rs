//! diesel tables of the SCORM Cloud facade and the shared outbox (migration
//! `2026-11-22-000002_scorm`).
#![allow(missing_docs)]

diesel::table! {
    scorm_invitations (id) {
        id -> Text,
        tenant_id -> Text,
        course_id -> Text,
        is_public -> Bool,
        allow_launch -> Bool,
        allow_new_registrations -> Bool,
        registration_cap -> Integer,
        registration_count -> Integer,
        expires_at -> Nullable<BigInt>,
        post_back -> Nullable<Text>,
        creating_user_email -> Text,
        email_subject -> Nullable<Text>,
        email_body -> Nullable<Text>,
        duplicate_option -> Nullable<Text>,
        public_token -> Nullable<Text>,
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
    scorm_registrations (id) {
        id -> Text,
        tenant_id -> Text,
        registration_id -> Text,
        learner_id -> Text,
        course_id -> Text,
        enrollment_id -> Text,
        instance -> Integer,
        xapi_registration_id -> Text,
        invitation_id -> Nullable<Text>,
        post_back -> Nullable<Text>,
        first_access_at -> Nullable<BigInt>,
        last_access_at -> Nullable<BigInt>,
        postback_mark -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    scorm_registration_instances (registration_pk, instance) {
        registration_pk -> Text,
        instance -> Integer,
        enrollment_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    scorm_user_invitations (id) {
        id -> Text,
        invitation_id -> Text,
        email -> Text,
        position -> Integer,
        status -> Text,
        registration_pk -> Nullable<Text>,
        token -> Text,
        error -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    scorm_launches (id) {
        id -> Text,
        registration_pk -> Text,
        instance -> Integer,
        launched_at -> BigInt,
        completion -> Text,
        success -> Text,
        score -> Nullable<Double>,
        total_seconds -> Double,
    }
}

diesel::table! {
    scorm_launch_links (token_hash) {
        token_hash -> Text,
        registration_pk -> Text,
        redirect_url -> Text,
        expires_at -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    scorm_tags (tenant_id, kind, object_id, tag) {
        tenant_id -> Text,
        kind -> Text,
        object_id -> Text,
        tag -> Text,
    }
}

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

use crate::schema::{courses, enrollments, learners};

diesel::joinable!(scorm_registrations -> enrollments (enrollment_id));
diesel::joinable!(scorm_registrations -> learners (learner_id));
diesel::joinable!(scorm_registrations -> courses (course_id));
diesel::joinable!(scorm_registrations -> scorm_invitations (invitation_id));
diesel::joinable!(scorm_invitations -> courses (course_id));
diesel::joinable!(scorm_user_invitations -> scorm_registrations (registration_pk));
diesel::joinable!(scorm_user_invitations -> scorm_invitations (invitation_id));

diesel::allow_tables_to_appear_in_same_query!(
    scorm_invitations,
    scorm_registrations,
    scorm_registration_instances,
    scorm_user_invitations,
    scorm_launches,
    scorm_launch_links,
    scorm_tags,
    outbox,
    outbox_attempts,
);

// Pairs with the ledger's tables (the ledger's own pairs are declared in `crate::schema`).
diesel::allow_tables_to_appear_in_same_query!(scorm_invitations, courses);
diesel::allow_tables_to_appear_in_same_query!(scorm_invitations, enrollments);
diesel::allow_tables_to_appear_in_same_query!(scorm_invitations, learners);
diesel::allow_tables_to_appear_in_same_query!(scorm_registrations, courses);
diesel::allow_tables_to_appear_in_same_query!(scorm_registrations, enrollments);
diesel::allow_tables_to_appear_in_same_query!(scorm_registrations, learners);
diesel::allow_tables_to_appear_in_same_query!(scorm_user_invitations, courses);
diesel::allow_tables_to_appear_in_same_query!(scorm_user_invitations, enrollments);
diesel::allow_tables_to_appear_in_same_query!(scorm_user_invitations, learners);
