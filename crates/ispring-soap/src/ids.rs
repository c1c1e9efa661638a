//! iSpring's ids for ledger records, by the crosswalk rule (`enroll_domain::crosswalk`): UUIDs,
//! the ledger id unless the record has an explicit iSpring id.
use enroll_domain::model::Dialect;
use enroll_store::courses::CourseKey;
use enroll_store::learners::LearnerKey;
use uuid::Uuid;

/// The learner an iSpring user id names.
pub fn learner(id: Uuid) -> LearnerKey {
    LearnerKey::External(Dialect::Ispring, id.to_string())
}

/// The course an iSpring content item id names.
pub fn course(id: Uuid) -> CourseKey {
    CourseKey::External(Dialect::Ispring, id.to_string())
}
