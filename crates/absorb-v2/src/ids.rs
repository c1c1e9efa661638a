//! Absorb's ids for ledger records, by the crosswalk rule (`enroll_domain::crosswalk`): GUIDs,
//! the ledger id unless the record has an explicit Absorb id.
use enroll_domain::model::{Course, Dialect, Learner};
use enroll_store::courses::CourseKey;
use enroll_store::learners::LearnerKey;
use uuid::Uuid;

/// The learner an Absorb user id names.
pub fn user(id: Uuid) -> LearnerKey {
    LearnerKey::External(Dialect::Absorb, id.to_string())
}

/// The course an Absorb course id names.
pub fn course(id: Uuid) -> CourseKey {
    CourseKey::External(Dialect::Absorb, id.to_string())
}

/// A learner's Absorb user id.
pub fn user_id(l: &Learner) -> Uuid {
    Uuid::parse_str(&l.id_in(Dialect::Absorb)).unwrap_or(l.id)
}

/// A course's Absorb id.
pub fn course_id(c: &Course) -> Uuid {
    Uuid::parse_str(&c.id_in(Dialect::Absorb)).unwrap_or(c.id)
}
