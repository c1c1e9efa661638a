//! Enrollment flow and capacity overrides, several sessions, the session-choice mail, and
//! actions by id whose events say who acted and why (approve, decline, cancel with a note,
//! re-enroll, purge), and the sessions of many enrollments read at once, on every backend.
#![allow(clippy::unwrap_used)]
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{EnrollmentState, EventKind};
use enroll_store::StoreError;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::actions::{Acting, Action};
use enroll_store::enrollments::{EnrollOptions, EnrollmentPatch};
use enroll_store::events::Cause;
use enroll_store::learners::LearnerKey;
use enroll_store::outbox::Channel;
use enroll_store::outbox::Outbox as _;
use uuid::Uuid;

const ONLINE: Uuid = Uuid::from_u128(0xc3000000_0000_4000_8000_000000000002);
const DAY1: Uuid = Uuid::from_u128(0xc3000000_0000_4000_8000_000000000003);

fn opts() -> EnrollOptions {
    EnrollOptions::new(Dialect::Lms365)
}

fn acting(note: Option<&str>) -> Acting {
    Acting {
        source: "lms365",
        note: note.map(str::to_string),
    }
}

#[test]
fn approval_can_be_skipped_and_pending_enrollments_approved_or_declined() {
    for (_db, store, _) in stores() {
        let boss = store.caused_by(Cause::dialect(Dialect::Lms365).by("boss"));
        let (alice, bob) = (LearnerKey::Id(ALICE), LearnerKey::Id(BOB));
        let onboarding = CourseKey::Id(ONBOARDING);
        let pending = store.enroll(TENANT, &alice, &onboarding, &opts()).unwrap();
        assert_eq!(
            pending.enrollment.core.state,
            EnrollmentState::PendingApproval
        );
        let skipped = EnrollOptions {
            skip_approval: true,
            ..opts()
        };
        let direct = store.enroll(TENANT, &bob, &onboarding, &skipped).unwrap();
        assert_eq!(direct.enrollment.core.state, EnrollmentState::NotStarted);
        let id = pending.enrollment.core.id;
        let v = boss
            .act(TENANT, id, &Action::Approve, &acting(None))
            .unwrap();
        assert_eq!(v.record.core.state, EnrollmentState::NotStarted);
        let again = boss.act(TENANT, id, &Action::Approve, &acting(None));
        assert!(matches!(again, Err(StoreError::Domain(_))), "{again:?}");
        let history = store.enrollment_events(TENANT, id).unwrap();
        let seen: Vec<(EventKind, Option<&str>)> = history
            .iter()
            .map(|e| (e.kind, e.principal.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (EventKind::Enrolled, None),
                (EventKind::Approved, Some("boss"))
            ]
        );
    }
}

#[test]
fn a_full_session_waitlists_unless_capacity_is_ignored() {
    for (_db, store, _) in stores() {
        // Leadership's Berlin session seats 20: fill it.
        for i in 0..20 {
            let l = store
                .create_learner(TENANT, &learner(&format!("seat{i}@x.example")))
                .unwrap();
            let o = EnrollOptions {
                session_id: Some(BERLIN),
                ..opts()
            };
            store
                .enroll(
                    TENANT,
                    &LearnerKey::Id(l.id),
                    &CourseKey::Id(LEADERSHIP),
                    &o,
                )
                .unwrap();
        }
        let o = EnrollOptions {
            session_id: Some(BERLIN),
            ..opts()
        };
        let out = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(LEADERSHIP),
                &o,
            )
            .unwrap();
        let roster = store
            .session_enrollments(TENANT, out.enrollment.core.id)
            .unwrap();
        assert_eq!(roster[0].state, EnrollmentState::Waitlisted);
        let o = EnrollOptions {
            session_id: Some(BERLIN),
            ignore_capacity: true,
            ..opts()
        };
        let out = store
            .enroll(TENANT, &LearnerKey::Id(BOB), &CourseKey::Id(LEADERSHIP), &o)
            .unwrap();
        let roster = store
            .session_enrollments(TENANT, out.enrollment.core.id)
            .unwrap();
        assert_eq!(roster[0].state, EnrollmentState::NotStarted);
    }
}

#[test]
fn session_rules_and_the_session_choice_mail() {
    for (_db, store, _) in stores() {
        let leadership = CourseKey::Id(LEADERSHIP);
        let two = EnrollOptions {
            session_id: Some(BERLIN),
            extra_sessions: vec![ONLINE],
            ..opts()
        };
        let e = store.enroll(TENANT, &LearnerKey::Id(ALICE), &leadership, &two);
        assert!(matches!(e, Err(StoreError::Invalid(_))), "{e:?}");
        let all = EnrollOptions {
            session_id: Some(DAY1),
            ..opts()
        };
        let e = store.enroll(
            TENANT,
            &LearnerKey::Id(ALICE),
            &CourseKey::Id(ONBOARDING),
            &all,
        );
        assert!(matches!(e, Err(StoreError::Invalid(_))), "{e:?}");
        let other = EnrollOptions {
            session_id: Some(DAY1),
            ..opts()
        };
        let e = store.enroll(TENANT, &LearnerKey::Id(ALICE), &leadership, &other);
        assert!(matches!(e, Err(StoreError::NotFound(_))), "{e:?}");
        let mailing = EnrollOptions {
            notify_session_choice: true,
            ..opts()
        };
        let hr = store.caused_by(Cause::dialect(Dialect::Lms365).by("hr@demo.example"));
        let out = hr
            .enroll(TENANT, &LearnerKey::Id(ALICE), &leadership, &mailing)
            .unwrap();
        assert_eq!(
            out.enrollment.core.state,
            EnrollmentState::AwaitingSessionChoice
        );
        let (n, mails) = store
            .list_outbox(TENANT, Channel::Mail, Some("alice@demo.example"), 10, 0)
            .unwrap();
        assert_eq!(n, 1);
        assert!(
            mails[0].body.contains("Leadership Workshop (Berlin)"),
            "{}",
            mails[0].body
        );
        let history = store
            .enrollment_events(TENANT, out.enrollment.core.id)
            .unwrap();
        assert_eq!(history[0].principal.as_deref(), Some("hr@demo.example"));
    }
}

#[test]
fn cancel_with_a_note_reenroll_and_purge() {
    for (_db, store, _) in stores() {
        let first = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts(),
            )
            .unwrap()
            .enrollment
            .core
            .id;
        let purge = store.purge_enrollment(TENANT, first);
        assert!(matches!(purge, Err(StoreError::Invalid(_))), "{purge:?}");
        store
            .act(TENANT, first, &Action::Complete, &acting(None))
            .unwrap();
        let next = store
            .act(
                TENANT,
                first,
                &Action::Reenroll { session: None },
                &acting(None),
            )
            .unwrap();
        let second = next.record.core.id;
        assert_ne!(second, first);
        assert_eq!(next.record.series_id, first);
        let stale = store.act(
            TENANT,
            first,
            &Action::Reenroll { session: None },
            &acting(None),
        );
        assert!(matches!(stale, Err(StoreError::Invalid(_))), "{stale:?}");
        let v = store
            .act(
                TENANT,
                second,
                &Action::Cancel,
                &acting(Some("left the company")),
            )
            .unwrap();
        assert_eq!(v.record.core.state, EnrollmentState::Cancelled);
        let notes = store.cancellation_notes(TENANT, &[second, first]).unwrap();
        assert_eq!(
            notes.get(&second).map(String::as_str),
            Some("left the company")
        );
        assert_eq!(notes.get(&first), None);
        let cancelled = store.enrollment_events(TENANT, second).unwrap();
        let last = cancelled.last().unwrap();
        assert_eq!(
            (last.kind, last.note.as_deref()),
            (EventKind::Cancelled, Some("left the company"))
        );
        store.purge_enrollment(TENANT, second).unwrap();
        let gone = store.enrollment(TENANT, second);
        assert!(matches!(gone, Err(StoreError::NotFound(_))), "{gone:?}");
        assert!(store.enrollment(TENANT, first).is_ok());
        // Another tenant's id is not found.
        let other = store.purge_enrollment(Uuid::new_v4(), first);
        assert!(matches!(other, Err(StoreError::NotFound(_))), "{other:?}");
    }
}

#[test]
fn patches_set_dates_and_time_spent() {
    for (_db, store, _) in stores() {
        let id = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts(),
            )
            .unwrap()
            .enrollment
            .core
            .id;
        let at = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        let patch = EnrollmentPatch {
            added: Some(at),
            due: Some(at),
            time_spent_ms: Some(90 * 60_000),
            credits: Some(2.5),
            ..Default::default()
        };
        store
            .patch_enrollment(TENANT, id, &patch, &acting(None))
            .unwrap();
        let v = store.enrollment(TENANT, id).unwrap();
        assert_eq!(v.record.core.dates.added, Some(at));
        assert_eq!(v.record.core.dates.due, Some(at));
        assert_eq!(v.record.core.time_spent_ms, 90 * 60_000);
        assert_eq!(v.record.credits, Some(2.5));
        let bad = EnrollmentPatch {
            time_spent_ms: Some(-1),
            ..Default::default()
        };
        let e = store.patch_enrollment(TENANT, id, &bad, &acting(None));
        assert!(matches!(e, Err(StoreError::Invalid(_))), "{e:?}");
    }
}

#[test]
fn the_sessions_of_many_enrollments_read_at_once_are_each_ones_own() {
    for (_db, store, _) in stores() {
        let leadership = CourseKey::Id(LEADERSHIP);
        let berlin = EnrollOptions {
            session_id: Some(BERLIN),
            ..opts()
        };
        let enroll = |who: Uuid, course: &CourseKey, o: &EnrollOptions| {
            let out = store.enroll(TENANT, &LearnerKey::Id(who), course, o);
            out.unwrap().enrollment.core.id
        };
        let first = enroll(ALICE, &leadership, &berlin);
        store
            .act(TENANT, first, &Action::Complete, &acting(None))
            .unwrap();
        let session = Some(ONLINE);
        let second = store
            .act(TENANT, first, &Action::Reenroll { session }, &acting(None))
            .unwrap()
            .record
            .core
            .id;
        let bob = enroll(BOB, &leadership, &berlin);
        let plain = enroll(BOB, &CourseKey::Id(COMPLIANCE), &opts());
        let ids = [first, second, bob, plain, Uuid::new_v4()];
        let many = store.session_enrollments_of(TENANT, &ids).unwrap();
        for id in ids {
            let one = store.session_enrollments(TENANT, id).unwrap();
            assert_eq!(many.get(&id).cloned().unwrap_or_default(), one, "{id}");
        }
        assert_eq!(many[&second][0].session_id, ONLINE);
        assert_eq!(many[&bob][0].session_id, BERLIN);
        assert_eq!(many.len(), 3, "{many:?}");
        // Another tenant's enrollments are not read.
        let other = store.session_enrollments_of(Uuid::new_v4(), &ids).unwrap();
        assert!(other.is_empty(), "{other:?}");
    }
}

fn learner(email: &str) -> enroll_store::learners::NewLearner {
    serde_json::from_value(serde_json::json!({
        "username": email, "email": email, "firstName": "S", "lastName": "T"
    }))
    .unwrap()
}
