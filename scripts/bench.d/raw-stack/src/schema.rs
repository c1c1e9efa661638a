//! What both reference services share: the gateway's `enrollments` table (the columns they
//! read and write) and the row a create inserts.
use diesel::prelude::*;

diesel::table! {
    enrollments (id) {
        id -> Text, tenant_id -> Text, learner_id -> Text, course_id -> Text, state -> Text,
        active -> Bool, progress -> Double, score -> Nullable<Double>, time_spent_ms -> BigInt,
        lock_after_due -> Bool, added_at -> BigInt, started_at -> Nullable<BigInt>,
        completed_at -> Nullable<BigInt>, due_at -> Nullable<BigInt>,
        expires_at -> Nullable<BigInt>, access_at -> Nullable<BigInt>, updated_at -> BigInt,
        credits -> Nullable<Double>, source -> Text,
        series_id -> Text, instance -> Integer, course_version -> Integer,
        invitation_id -> Nullable<Text>,
    }
}

#[derive(Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = enrollments)]
pub struct Enrollment {
    pub id: String,
    pub tenant_id: String,
    pub learner_id: String,
    pub course_id: String,
    pub state: String,
    pub active: bool,
    pub progress: f64,
    pub score: Option<f64>,
    pub time_spent_ms: i64,
    pub lock_after_due: bool,
    pub added_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub due_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub access_at: Option<i64>,
    pub updated_at: i64,
    pub credits: Option<f64>,
    pub source: String,
    pub series_id: String,
    pub instance: i32,
    pub course_version: i32,
    pub invitation_id: Option<String>,
}

/// The demo tenant (fixtures/demo-seed.json), which the benchmark's rows belong to.
pub const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";

impl Enrollment {
    /// A new active enrollment of the demo tenant, as the create route inserts it.
    pub fn new(learner_id: String, course_id: String) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let id = uuid::Uuid::now_v7().to_string();
        Enrollment {
            series_id: id.clone(),
            instance: 0,
            course_version: 0,
            invitation_id: None,
            id,
            tenant_id: TENANT.into(),
            learner_id,
            course_id,
            state: "not_started".into(),
            active: true,
            progress: 0.0,
            score: None,
            time_spent_ms: 0,
            lock_after_due: false,
            added_at: now,
            started_at: None,
            completed_at: None,
            due_at: None,
            expires_at: None,
            access_at: None,
            updated_at: now,
            credits: None,
            source: "raw-stack".into(),
        }
    }
}
