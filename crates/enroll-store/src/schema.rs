//! diesel table definitions; mirrors `migrations/*/…/up.sql` (both backends share one schema).
#![allow(missing_docs)]

diesel::table! {
    tenants (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    credentials (id) {
        id -> Text,
        tenant_id -> Text,
        dialect -> Text,
        key_id -> Text,
        secret_hash -> Text,
        label -> Text,
        scopes -> Text,
        created_at -> BigInt,
        redirect_uris -> Text,
    }
}

diesel::table! {
    departments (id) {
        id -> Text,
        tenant_id -> Text,
        parent_id -> Nullable<Text>,
        name -> Text,
    }
}

diesel::table! {
    learners (id) {
        id -> Text,
        tenant_id -> Text,
        username -> Text,
        email -> Text,
        first_name -> Text,
        last_name -> Text,
        job_title -> Nullable<Text>,
        department_id -> Nullable<Text>,
        role -> Text,
        password_hash -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    courses (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        title -> Text,
        description -> Text,
        session_type -> Nullable<Text>,
        requires_approval -> Bool,
        capacity -> Nullable<Integer>,
        version -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
        default_due_at -> Nullable<BigInt>,
        default_due_hours -> Nullable<BigInt>,
    }
}

diesel::table! {
    course_members (collection_id, course_id) {
        collection_id -> Text,
        course_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        course_id -> Text,
        name -> Text,
        starts_at -> Nullable<BigInt>,
        ends_at -> Nullable<BigInt>,
        capacity -> Nullable<Integer>,
    }
}

diesel::table! {
    chapters (id) {
        id -> Text,
        course_id -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    lessons (id) {
        id -> Text,
        course_id -> Text,
        chapter_id -> Text,
        name -> Text,
        kind -> Text,
        position -> Integer,
    }
}

diesel::table! {
    enrollments (id) {
        id -> Text,
        tenant_id -> Text,
        learner_id -> Text,
        course_id -> Text,
        state -> Text,
        active -> Bool,
        progress -> Double,
        score -> Nullable<Double>,
        time_spent_ms -> BigInt,
        lock_after_due -> Bool,
        added_at -> BigInt,
        started_at -> Nullable<BigInt>,
        completed_at -> Nullable<BigInt>,
        due_at -> Nullable<BigInt>,
        expires_at -> Nullable<BigInt>,
        access_at -> Nullable<BigInt>,
        updated_at -> BigInt,
        credits -> Nullable<Double>,
        source -> Text,
        series_id -> Text,
        instance -> Integer,
        course_version -> Integer,
        invitation_id -> Nullable<Text>,
    }
}

diesel::table! {
    session_enrollments (id) {
        id -> Text,
        enrollment_id -> Text,
        session_id -> Text,
        state -> Text,
        active -> Bool,
        progress -> Double,
        score -> Nullable<Double>,
        time_spent_ms -> BigInt,
        added_at -> BigInt,
        started_at -> Nullable<BigInt>,
        completed_at -> Nullable<BigInt>,
        updated_at -> BigInt,
    }
}

diesel::table! {
    tokens (token_hash) {
        token_hash -> Text,
        tenant_id -> Text,
        dialect -> Text,
        subject -> Text,
        scopes -> Text,
        exclusive_key -> Nullable<Text>,
        expires_at -> BigInt,
        created_at -> BigInt,
        kind -> Text,
        client_id -> Nullable<Text>,
        grant_id -> Nullable<Text>,
        redirect_uri -> Nullable<Text>,
    }
}

diesel::table! {
    /// The identifier crosswalk (see `enroll_domain::crosswalk`).
    external_ids (tenant_id, dialect, kind, external_id) {
        tenant_id -> Text,
        dialect -> Text,
        kind -> Text,
        external_id -> Text,
        ledger_id -> Text,
    }
}

diesel::table! {
    tags (tenant_id, kind, object_id, tag) {
        tenant_id -> Text,
        kind -> Text,
        object_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    launches (id) {
        id -> Text,
        enrollment_id -> Text,
        launched_at -> BigInt,
        updated_at -> BigInt,
        state -> Text,
        score -> Nullable<Double>,
        time_spent_ms -> BigInt,
        token_hash -> Nullable<Text>,
    }
}

diesel::table! {
    launch_links (token_hash) {
        token_hash -> Text,
        tenant_id -> Text,
        series_id -> Text,
        redirect_url -> Text,
        expires_at -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    operations (tenant_id, id) {
        tenant_id -> Text,
        id -> BigInt,
        kind -> Text,
        status -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::joinable!(enrollments -> learners (learner_id));
diesel::joinable!(enrollments -> courses (course_id));
diesel::joinable!(lessons -> chapters (chapter_id));
diesel::joinable!(session_enrollments -> enrollments (enrollment_id));
diesel::joinable!(session_enrollments -> sessions (session_id));
diesel::joinable!(launches -> enrollments (enrollment_id));
diesel::joinable!(enrollment_attributes -> enrollments (enrollment_id));

diesel::table! {
    /// What dialects keep beside an enrollment (migration `000901`): a JSON object of
    /// dialect -> {name: value} (see [`crate::attributes`]).
    enrollment_attributes (enrollment_id) {
        enrollment_id -> Text,
        attrs -> Text,
    }
}

diesel::table! {
    /// Failed logins per account (migration `000301`).
    login_failures (account) {
        account -> Text,
        tenant_id -> Text,
        failures -> Integer,
        last_failure_at -> BigInt,
        locked_until -> Nullable<BigInt>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    settings,
    credentials,
    departments,
    learners,
    courses,
    course_members,
    sessions,
    chapters,
    lessons,
    enrollments,
    enrollment_attributes,
    session_enrollments,
    tokens,
    external_ids,
    tags,
    launches,
    launch_links,
    operations,
);
