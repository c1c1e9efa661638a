//! Deleting a learner takes their enrollments and crosswalk entries with them, in one
//! transaction, and leaves everyone else's alone.
#![allow(clippy::unwrap_used)]
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{EnrollOptions, EnrollmentQuery};
use enroll_store::learners::LearnerKey;

#[test]
fn a_deleted_learner_and_their_enrollments_are_gone_everywhere() {
    for (_db, store, _) in stores() {
        let opts = EnrollOptions::new(Dialect::Absorb);
        for who in [ALICE, BOB] {
            store
                .enroll(
                    TENANT,
                    &LearnerKey::Id(who),
                    &CourseKey::Id(COMPLIANCE),
                    &opts,
                )
                .unwrap();
        }
        let e = store
            .active_enrollment(TENANT, ALICE, COMPLIANCE)
            .unwrap()
            .unwrap();
        // Named in a number-keyed dialect, as TrainerCentral shows it.
        store
            .name_series(TENANT, Dialect::TrainerCentral, &[e.record.series_id])
            .unwrap();
        let gone = store
            .delete_learner(TENANT, &LearnerKey::Id(ALICE))
            .unwrap();
        assert_eq!(gone.id, ALICE);
        assert!(store.learner(TENANT, &LearnerKey::Id(ALICE)).is_err());
        assert!(store.enrollment(TENANT, e.record.core.id).is_err());
        let number = gone.id_in(Dialect::TrainerCentral);
        let by_number = LearnerKey::External(Dialect::TrainerCentral, number);
        assert!(store.learner(TENANT, &by_number).is_err());
        let q = EnrollmentQuery {
            limit: 10,
            ..Default::default()
        };
        let (n, rest) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!(n, 1);
        assert_eq!(rest[0].learner.id, BOB);
        assert!(
            store
                .delete_learner(TENANT, &LearnerKey::Id(ALICE))
                .is_err()
        );
    }
}
