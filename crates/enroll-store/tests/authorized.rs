//! Writes on behalf of an actor: the scope each actor gets, and bulk enrolls, schedules,
//! re-enrolls, un-enrolls and driven commands that check it in their own transaction (all or
//! nothing); course due defaults and numbered operations. On every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use enroll_domain::access::Scope;
use enroll_domain::model::Dialect;
use enroll_domain::schedule::{DueDefault, DueRule, Schedule};
use enroll_domain::{Command, DomainError, EnrollmentState};
use enroll_store::StoreError;
use enroll_store::access::Actor;
use enroll_store::authorized::Drive;
use enroll_store::enrollments::{EnrollmentQuery, Existing};
use enroll_store::operations::OperationStatus;
use enroll_store::schedule::BulkEnroll;
use time::Duration;
use uuid::Uuid;

const ADMIN: Uuid = Uuid::from_u128(0xa0000000_0000_4000_8000_000000000001);
const CAROL: Uuid = Uuid::from_u128(0xa0000000_0000_4000_8000_000000000004);
const PRIVACY: Uuid = Uuid::from_u128(0xc0000000_0000_4000_8000_000000000002);
const SALES: Uuid = Uuid::from_u128(0x5e000000_0000_4000_8000_000000000002);

fn unlimited() -> Schedule {
    Schedule {
        access: None,
        due: DueRule::None,
        lock_after_due: false,
    }
}

fn bulk<'a>(learners: &'a [String], courses: &'a [String], schedule: Schedule) -> BulkEnroll<'a> {
    BulkEnroll {
        dialect: Dialect::Ispring,
        learners,
        courses,
        schedule,
        existing: Existing::Keep,
    }
}

fn drive(ids: &[Uuid], course: Uuid) -> Drive<'_> {
    Drive {
        enrollment_ids: ids,
        course_id: Some(course),
        command: Some(Command::Complete { score: Some(90.0) }),
        unless: &[EnrollmentState::Completed],
        operation: "course_status",
    }
}

fn active_count(store: &enroll_store::Store) -> i64 {
    let q = EnrollmentQuery {
        active_only: true,
        limit: 1,
        ..Default::default()
    };
    store.list_enrollments(TENANT, &q).unwrap().0
}

#[test]
fn each_actor_gets_the_scope_of_its_role() {
    for (_db, store, _) in stores() {
        assert_eq!(store.scope(TENANT, &Actor::Account).unwrap(), Scope::All);
        assert_eq!(
            store.scope(TENANT, &Actor::Learner(ADMIN)).unwrap(),
            Scope::All
        );
        // Carol administers Sales, which has no sub-departments.
        assert_eq!(
            store.scope(TENANT, &Actor::Learner(CAROL)).unwrap(),
            Scope::Departments(vec![SALES])
        );
        assert_eq!(
            store.scope(TENANT, &Actor::Learner(ALICE)).unwrap(),
            Scope::Own(ALICE)
        );
        let nobody = store.scope(TENANT, &Actor::Learner(Uuid::nil()));
        assert!(matches!(nobody, Err(StoreError::NotFound(_))), "{nobody:?}");
    }
}

#[test]
fn a_bulk_enroll_is_all_or_nothing_and_repeatable() {
    for (_db, store, _) in stores() {
        let learners = vec![ALICE.to_string(), BOB.to_string()];
        let courses = vec![COMPLIANCE.to_string(), PRIVACY.to_string()];
        // Bob is outside Carol's departments: nothing at all is written.
        let refused = store.enroll_many_as(
            TENANT,
            &Actor::Learner(CAROL),
            &bulk(&learners, &courses, unlimited()),
        );
        let Err(StoreError::Domain(DomainError::NotPermitted(what))) = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(what, format!("learner {BOB}"));
        assert_eq!(active_count(&store), 0);
        // An unknown course names itself, and nothing is written either.
        let unknown = vec![COMPLIANCE.to_string(), Uuid::nil().to_string()];
        let refused = store.enroll_many_as(
            TENANT,
            &Actor::Account,
            &bulk(&learners, &unknown, unlimited()),
        );
        let Err(StoreError::NotFound(what)) = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(what, format!("course {}", Uuid::nil()));
        assert_eq!(active_count(&store), 0);
        // The account enrolls both in both; again, nothing changes and the call succeeds.
        let made = store
            .enroll_many_as(
                TENANT,
                &Actor::Account,
                &bulk(&learners, &courses, unlimited()),
            )
            .unwrap();
        assert!(made.enrollments.iter().all(|(_, created)| *created));
        let again = store
            .enroll_many_as(
                TENANT,
                &Actor::Account,
                &bulk(&learners, &courses, unlimited()),
            )
            .unwrap();
        assert!(again.enrollments.iter().all(|(_, created)| !created));
        let ids = |v: &enroll_store::schedule::BulkOutcome| {
            v.enrollments.iter().map(|(id, _)| *id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&made), ids(&again));
        assert_eq!(active_count(&store), 4);
        // Carol enrolls Alice (Sales) without trouble.
        let alice = vec![ALICE.to_string()];
        let course = vec![LEADERSHIP.to_string()];
        store
            .enroll_many_as(
                TENANT,
                &Actor::Learner(CAROL),
                &bulk(&alice, &course, unlimited()),
            )
            .unwrap();
        assert_eq!(active_count(&store), 5);
    }
}

#[test]
fn schedules_resolve_course_defaults_periods_and_lock_by_the_ledger_clock() {
    for (_db, store, clock) in stores() {
        let learners = vec![ALICE.to_string()];
        // Data Privacy 101 has a default due period of 720 hours in the seed.
        let courses = vec![PRIVACY.to_string(), COMPLIANCE.to_string()];
        let schedule = Schedule {
            access: None,
            due: DueRule::CourseDefault,
            lock_after_due: true,
        };
        let out = store
            .enroll_many_as(
                TENANT,
                &Actor::Account,
                &bulk(&learners, &courses, schedule),
            )
            .unwrap();
        let core = |i: usize| {
            store
                .enrollment(TENANT, out.enrollments[i].0)
                .unwrap()
                .record
                .core
        };
        let (privacy, compliance) = (&core(0), &core(1));
        let access = privacy.dates.access.unwrap();
        assert_eq!(privacy.dates.due, Some(access + Duration::hours(720)));
        assert_eq!(compliance.dates.due, None, "no default: no due date");
        // A period of 10 hours from an access date; past it the enrollment locks.
        // Stored to the millisecond.
        let start = enroll_domain::clock::from_millis(enroll_domain::clock::to_millis(store.now()));
        let ten = Schedule {
            access: Some(start),
            due: DueRule::After(Duration::hours(10)),
            lock_after_due: true,
        };
        let rec = store
            .reschedule_as(TENANT, &Actor::Account, compliance.id, &ten)
            .unwrap();
        assert_eq!(rec.core.dates.due.unwrap() - start, Duration::hours(10));
        assert_eq!(rec.core.state, EnrollmentState::NotStarted);
        clock.advance(Duration::hours(11));
        let view = store.enrollment(TENANT, compliance.id).unwrap();
        assert_eq!(view.record.core.state, EnrollmentState::Expired);
        // The course default can be changed and cleared.
        store
            .set_course_due_default(TENANT, COMPLIANCE, Some(DueDefault::Hours(5)))
            .unwrap();
        let catalog = store.catalog(TENANT, None, 10, 0).unwrap().1;
        let entry = catalog.iter().find(|c| c.course.id == COMPLIANCE).unwrap();
        assert_eq!(entry.due_default, Some(DueDefault::Hours(5)));
        store
            .set_course_due_default(TENANT, COMPLIANCE, None)
            .unwrap();
    }
}

#[test]
fn reenroll_continues_the_series_and_unenroll_checks_every_id() {
    for (_db, store, _) in stores() {
        let learners = vec![ALICE.to_string(), BOB.to_string()];
        let courses = vec![COMPLIANCE.to_string()];
        let out = store
            .enroll_many_as(
                TENANT,
                &Actor::Account,
                &bulk(&learners, &courses, unlimited()),
            )
            .unwrap();
        let (alice, bob) = (out.enrollments[0].0, out.enrollments[1].0);
        let next = store
            .reenroll_as(
                TENANT,
                &Actor::Learner(CAROL),
                alice,
                &unlimited(),
                Dialect::Ispring,
            )
            .unwrap();
        assert_eq!(next.archived, Some(alice));
        assert_eq!(next.enrollment.series_id, alice);
        assert_eq!(next.enrollment.instance, 1);
        assert!(!store.enrollment(TENANT, alice).unwrap().record.core.active);
        // The archived one is gone for schedule changes; Bob is outside Carol's scope.
        let gone = store.reschedule_as(TENANT, &Actor::Account, alice, &unlimited());
        assert!(matches!(gone, Err(StoreError::NotFound(_))), "{gone:?}");
        let current = next.enrollment.core.id;
        let refused = store.unenroll_as(TENANT, &Actor::Learner(CAROL), &[current, bob]);
        let Err(StoreError::Domain(DomainError::NotPermitted(what))) = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(what, format!("enrollment {bob}"));
        assert!(
            store
                .enrollment(TENANT, current)
                .unwrap()
                .record
                .core
                .active
        );
        store
            .unenroll_as(TENANT, &Actor::Account, &[current, bob])
            .unwrap();
        assert_eq!(active_count(&store), 0);
    }
}

#[test]
fn driven_commands_are_all_or_nothing_and_recorded_as_numbered_operations() {
    for (_db, store, _) in stores() {
        let learners = vec![ALICE.to_string(), BOB.to_string()];
        let courses = vec![COMPLIANCE.to_string()];
        let out = store
            .enroll_many_as(
                TENANT,
                &Actor::Account,
                &bulk(&learners, &courses, unlimited()),
            )
            .unwrap();
        let ids: Vec<Uuid> = out.enrollments.iter().map(|(id, _)| *id).collect();

        // The wrong course refuses the whole call.
        let wrong = store.apply_as(TENANT, &Actor::Account, &drive(&ids, PRIVACY));
        assert!(matches!(wrong, Err(StoreError::Invalid(_))), "{wrong:?}");
        let refused = store.apply_as(TENANT, &Actor::Learner(CAROL), &drive(&ids, COMPLIANCE));
        assert!(matches!(
            refused,
            Err(StoreError::Domain(DomainError::NotPermitted(_)))
        ));
        for id in &ids {
            let state = store.enrollment(TENANT, *id).unwrap().record.core.state;
            assert_eq!(state, EnrollmentState::NotStarted);
        }
        let first = store
            .apply_as(TENANT, &Actor::Account, &drive(&ids, COMPLIANCE))
            .unwrap();
        // Already complete: left as it is, and recorded again.
        let second = store
            .apply_as(TENANT, &Actor::Account, &drive(&ids, COMPLIANCE))
            .unwrap();
        assert_eq!((first, second), (1, 2));
        for id in &ids {
            let e = store.enrollment(TENANT, *id).unwrap().record.core;
            assert_eq!((e.state, e.score), (EnrollmentState::Completed, Some(90.0)));
        }
        let op = store.operation(TENANT, 2).unwrap();
        assert_eq!(
            (op.kind.as_str(), op.status),
            ("course_status", OperationStatus::Complete)
        );
        assert!(matches!(
            store.operation(TENANT, 3),
            Err(StoreError::NotFound(_))
        ));
    }
}
