//! The ledger's enrollment rules on the durable store, on every backend.
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, DomainError, EnrollmentState};
use enroll_store::StoreError;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{EnrollOptions, EnrollmentQuery};
use enroll_store::learners::LearnerKey;

fn opts() -> EnrollOptions {
    EnrollOptions::new(Dialect::Absorb)
}

#[test]
fn enroll_then_duplicate_is_refused_and_reenroll_archives() {
    for (_db, store, _) in stores() {
        let first = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts(),
            )
            .unwrap();
        assert_eq!(first.enrollment.core.state, EnrollmentState::NotStarted);
        let dup = store.enroll(
            TENANT,
            &LearnerKey::Id(ALICE),
            &CourseKey::Id(COMPLIANCE),
            &opts(),
        );
        assert!(
            matches!(dup, Err(StoreError::Domain(DomainError::AlreadyEnrolled))),
            "{dup:?}"
        );
        let again = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts().reenroll(true),
            )
            .unwrap();
        assert_eq!(again.archived, Some(first.enrollment.core.id));
        let old = store.enrollment(TENANT, first.enrollment.core.id).unwrap();
        assert!(!old.record.core.active);
        let q = EnrollmentQuery {
            learner_id: Some(ALICE),
            limit: 10,
            ..Default::default()
        };
        let (total, _) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!(total, 2);
        let q = EnrollmentQuery {
            learner_id: Some(ALICE),
            active_only: true,
            limit: 10,
            ..Default::default()
        };
        let (active, rows) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!(
            (active, rows[0].record.core.id),
            (1, again.enrollment.core.id)
        );
    }
}

#[test]
fn sixty_four_concurrent_identical_enrolls_make_one_enrollment() {
    for (_db, store, _) in stores() {
        let handles: Vec<_> = (0..64)
            .map(|_| {
                let s = store.clone();
                std::thread::spawn(move || {
                    s.enroll(
                        TENANT,
                        &LearnerKey::Id(BOB),
                        &CourseKey::Id(COMPLIANCE),
                        &opts(),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let dup = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Domain(DomainError::AlreadyEnrolled))))
            .count();
        assert_eq!(
            (ok, dup),
            (1, 63),
            "backend {}: {:?}",
            store.backend(),
            results
                .iter()
                .filter(|r| r.is_err())
                .take(3)
                .collect::<Vec<_>>()
        );
        let q = EnrollmentQuery {
            learner_id: Some(BOB),
            course_id: Some(COMPLIANCE),
            limit: 100,
            ..Default::default()
        };
        assert_eq!(store.list_enrollments(TENANT, &q).unwrap().0, 1);
    }
}

#[test]
fn commands_follow_the_table_and_terminal_states_stay() {
    for (_db, store, _) in stores() {
        let e = store
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
        store
            .apply_command(
                TENANT,
                e,
                &Command::RecordProgress {
                    progress: 40.0,
                    time_spent_ms: 60_000,
                },
            )
            .unwrap();
        let done = store
            .apply_command(TENANT, e, &Command::Complete { score: Some(91.5) })
            .unwrap();
        assert_eq!(
            (done.state, done.progress, done.score, done.time_spent_ms),
            (EnrollmentState::Completed, 100.0, Some(91.5), 60_000)
        );
        let err = store.apply_command(TENANT, e, &Command::Start).unwrap_err();
        assert!(matches!(
            err,
            StoreError::Domain(DomainError::IllegalTransition { .. })
        ));
        let stored = store.enrollment(TENANT, e).unwrap();
        assert_eq!(stored.record.core.state, EnrollmentState::Completed);
        assert!(stored.record.core.dates.completed.is_some());
    }
}

#[test]
fn other_tenants_cannot_see_or_touch_enrollments() {
    for (_db, store, _) in stores() {
        let e = store
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
        let other = store.create_tenant("Other", &Default::default()).unwrap();
        assert!(matches!(
            store.enrollment(other.id, e),
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.apply_command(other.id, e, &Command::Start),
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.enroll(
                other.id,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts()
            ),
            Err(StoreError::NotFound(_))
        ));
    }
}

#[test]
fn single_session_course_waits_for_a_session_and_approval_courses_wait_for_approval() {
    for (_db, store, _) in stores() {
        let no_session = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(LEADERSHIP),
                &opts(),
            )
            .unwrap();
        assert_eq!(
            no_session.enrollment.core.state,
            EnrollmentState::AwaitingSessionChoice
        );
        let with = store
            .enroll(
                TENANT,
                &LearnerKey::Id(BOB),
                &CourseKey::Id(LEADERSHIP),
                &EnrollOptions {
                    session_id: Some(BERLIN),
                    ..opts()
                },
            )
            .unwrap();
        assert_eq!(with.enrollment.core.state, EnrollmentState::NotStarted);
        assert!(with.session_enrollment_id.is_some());
        let approval = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(ONBOARDING),
                &opts(),
            )
            .unwrap();
        assert_eq!(
            approval.enrollment.core.state,
            EnrollmentState::PendingApproval
        );
        // All-sessions courses refuse a specific session.
        let bad = store.enroll(
            TENANT,
            &LearnerKey::Id(BOB),
            &CourseKey::Id(ONBOARDING),
            &EnrollOptions {
                session_id: Some(BERLIN),
                ..opts()
            },
        );
        assert!(matches!(
            bad,
            Err(StoreError::NotFound(_)) | Err(StoreError::Invalid(_))
        ));
    }
}

#[test]
fn expiry_follows_the_injected_clock() {
    for (_db, store, clock) in stores() {
        let o = EnrollOptions {
            expires: Some(store.now() + time::Duration::days(7)),
            ..opts()
        };
        let e = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &o,
            )
            .unwrap()
            .enrollment
            .core
            .id;
        assert_eq!(store.expire_due().unwrap(), 0);
        clock.advance(time::Duration::days(8));
        // Reads show it at once; the sweep persists it.
        assert_eq!(
            store.enrollment(TENANT, e).unwrap().record.core.state,
            EnrollmentState::Expired
        );
        assert_eq!(store.expire_due().unwrap(), 1);
        assert!(matches!(
            store.apply_command(TENANT, e, &Command::Start),
            Err(StoreError::Domain(_))
        ));
    }
}

#[test]
fn unenroll_is_all_or_nothing() {
    for (_db, store, _) in stores() {
        let a = store
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
        let missing = uuid::Uuid::new_v4();
        assert!(matches!(
            store.unenroll(TENANT, &[a, missing]),
            Err(StoreError::NotFound(_))
        ));
        assert!(store.enrollment(TENANT, a).unwrap().record.core.active);
        assert_eq!(store.unenroll(TENANT, &[a]).unwrap(), 1);
        let v = store.enrollment(TENANT, a).unwrap();
        assert_eq!(
            (v.record.core.state, v.record.core.active),
            (EnrollmentState::Cancelled, false)
        );
        // The slot is free again.
        store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts(),
            )
            .unwrap();
    }
}

#[test]
fn bulk_enroll_creates_missing_pairs_in_one_call() {
    for (_db, store, _) in stores() {
        store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts(),
            )
            .unwrap();
        let privacy = uuid::Uuid::from_u128(0xc0000000_0000_4000_8000_000000000002);
        let keep = EnrollOptions {
            existing: enroll_store::enrollments::Existing::Keep,
            ..opts()
        };
        let counts = |out: &[enroll_store::enrollments::EnrollOutcome]| {
            let made = out.iter().filter(|o| o.created).count();
            (made, out.len() - made)
        };
        let out = store
            .enroll_many(
                TENANT,
                &[ALICE, BOB],
                &[COMPLIANCE, privacy, ONBOARDING],
                &keep,
            )
            .unwrap();
        assert_eq!(counts(&out), (5, 1));
        let q = EnrollmentQuery {
            active_only: true,
            limit: 100,
            ..Default::default()
        };
        let (total, rows) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!(total, 6);
        // Approval courses start pending, also in bulk.
        assert!(
            rows.iter()
                .filter(|v| v.record.core.course_id == ONBOARDING)
                .all(|v| v.record.core.state == EnrollmentState::PendingApproval)
        );
        // Unknown ids fail the whole call; nothing is written.
        let err = store
            .enroll_many(TENANT, &[ALICE, uuid::Uuid::new_v4()], &[privacy], &keep)
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)));
        // Idempotent on retry.
        let again = store
            .enroll_many(
                TENANT,
                &[ALICE, BOB],
                &[COMPLIANCE, privacy, ONBOARDING],
                &keep,
            )
            .unwrap();
        assert_eq!(counts(&again), (0, 6));
    }
}

#[test]
fn an_explicit_id_is_the_only_one_that_names_a_record_in_its_dialect() {
    use enroll_domain::crosswalk::{ExternalIds, IdStyle};
    use enroll_store::courses::NewCourse;
    use enroll_store::learners::NewLearner;
    let new_course = |title: String, ids: ExternalIds| NewCourse {
        id: None,
        kind: enroll_domain::model::CourseKind::OnlineCourse,
        title,
        description: String::new(),
        session_type: None,
        requires_approval: false,
        capacity: None,
        ids,
        sessions: vec![],
        chapters: vec![],
        members: vec![],
        default_due: None,
    };
    for (_db, store, _) in stores() {
        for (n, d) in Dialect::ALL.into_iter().enumerate() {
            let explicit = match d.id_style(enroll_domain::crosswalk::Kind::Learner) {
                IdStyle::Uuid => uuid::Uuid::new_v4().to_string(),
                IdStyle::Text => format!("chosen-{n}"),
                IdStyle::Number { .. } => format!("{}", 4_000 + n),
            };
            let ids: ExternalIds = [(d, explicit.clone())].into_iter().collect();
            let learner = store
                .create_learner(
                    TENANT,
                    &NewLearner {
                        email: format!("x{n}@example.com"),
                        ids: ids.clone(),
                        ..NewLearner::default()
                    },
                )
                .unwrap();
            let by = |s: &str| store.learner(TENANT, &LearnerKey::External(d, s.into()));
            assert_eq!(by(&explicit).unwrap().id, learner.id, "{d:?}");
            assert!(
                matches!(by(&learner.id.to_string()), Err(StoreError::NotFound(_))),
                "{d:?}: the learner's ledger id still names it"
            );
            let course = store
                .create_course(TENANT, &new_course(format!("Course {n}"), ids))
                .unwrap();
            let by = |s: &str| store.course(TENANT, &CourseKey::External(d, s.into()));
            assert_eq!(by(&explicit).unwrap().course.id, course, "{d:?}");
            assert!(
                matches!(by(&course.to_string()), Err(StoreError::NotFound(_))),
                "{d:?}: the course's ledger id still names it"
            );
            // A read by id names both in the dialect (their ids come with the row).
            let made = store
                .enroll(
                    TENANT,
                    &LearnerKey::Id(learner.id),
                    &CourseKey::Id(course),
                    &opts(),
                )
                .unwrap();
            let view = store.enrollment(TENANT, made.enrollment.core.id).unwrap();
            assert_eq!(
                view.learner.ids.explicit(d),
                Some(explicit.as_str()),
                "{d:?}"
            );
            assert_eq!(
                view.course.ids.explicit(d),
                Some(explicit.as_str()),
                "{d:?}"
            );
            assert_eq!(view.learner.ids, learner.ids, "{d:?}");
            // Without an explicit id, the ledger id names the record in UUID and text dialects.
            if !matches!(
                d.id_style(enroll_domain::crosswalk::Kind::Course),
                IdStyle::Number { .. }
            ) {
                let plain = store
                    .create_course(
                        TENANT,
                        &new_course(format!("Plain {n}"), ExternalIds::default()),
                    )
                    .unwrap();
                assert_eq!(by(&plain.to_string()).unwrap().course.id, plain);
            }
        }
    }
}
