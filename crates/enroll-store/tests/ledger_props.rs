//! Property test on the real store (SQLite): random sequences of enrolls (some with expiry and
//! due dates that lock), re-enrolls, commands, un-enrolls and clock ticks (which move the
//! ledger's time past those dates, then run the expiry sweep) never break the ledger's rules,
//! and each call's outcome is the one the rules give: a second enrollment without re-enroll is
//! refused, a refused command changes nothing, terminal and archived enrollments never change
//! again, an open enrollment past its date is expired, and the sweep persists every expiry
//! once, as the enrollment's last event.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, EnrollmentState, EventKind, OffsetClock};
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{EnrollOptions, EnrollmentQuery};
use enroll_store::learners::LearnerKey;
use enroll_store::models::EnrollmentView;
use enroll_store::testing::TestDb;
use enroll_store::{Store, StoreError};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone)]
enum Op {
    Enroll {
        learner: u8,
        course: u8,
        reenroll: bool,
        /// Expires this long after now.
        expires_in: Option<i64>,
        /// Due this long after now, and whether it locks then.
        due_in: Option<(i64, bool)>,
    },
    Apply {
        pick: usize,
        cmd: Command,
    },
    Unenroll {
        pick: usize,
    },
    Tick {
        ms: i64,
    },
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::Approve),
        Just(Command::Decline),
        Just(Command::Start),
        (-10.0f64..120.0, -5i64..10_000).prop_map(|(progress, time_spent_ms)| {
            Command::RecordProgress {
                progress,
                time_spent_ms,
            }
        }),
        proptest::option::of(-10.0f64..120.0).prop_map(|score| Command::Complete { score }),
        proptest::option::of(0.0f64..100.0).prop_map(|score| Command::Fail { score }),
        Just(Command::MarkNotComplete),
        Just(Command::Expire),
        Just(Command::Cancel),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            (0u8..2, 0u8..2, any::<bool>()),
            proptest::option::of(0i64..200_000_000),
            proptest::option::of((0i64..200_000_000, any::<bool>())),
        )
            .prop_map(
                |((learner, course, reenroll), expires_in, due_in)| Op::Enroll {
                    learner,
                    course,
                    reenroll,
                    expires_in,
                    due_in,
                }
            ),
        (any::<usize>(), command()).prop_map(|(pick, cmd)| Op::Apply { pick, cmd }),
        any::<usize>().prop_map(|pick| Op::Unenroll { pick }),
        (0i64..100_000_000).prop_map(|ms| Op::Tick { ms }),
    ]
}

/// Every enrollment of the tenant, oldest first.
fn all(store: &Store) -> Vec<EnrollmentView> {
    let q = EnrollmentQuery {
        limit: 10_000,
        ..Default::default()
    };
    store.list_enrollments(TENANT, &q).unwrap().1
}

/// The ledger's rules over its whole state at `now`.
fn check(views: &[EnrollmentView], now: time::OffsetDateTime) -> Result<(), String> {
    for (i, a) in views.iter().enumerate() {
        let e = &a.record.core;
        let past = |d: Option<time::OffsetDateTime>| d.is_some_and(|d| d <= now);
        let ended = past(e.dates.expires) || (e.lock_after_due && past(e.dates.due));
        if e.active && ended && !e.state.is_terminal() {
            return Err(format!("{} is past its date but {:?}", e.id, e.state));
        }
        for b in &views[i + 1..] {
            let f = &b.record.core;
            if e.active && f.active && (e.learner_id, e.course_id) == (f.learner_id, f.course_id) {
                return Err(format!("two active enrollments: {} and {}", e.id, f.id));
            }
        }
        if !(0.0..=100.0).contains(&e.progress) {
            return Err(format!("progress out of range: {}", e.progress));
        }
        if e.state == EnrollmentState::Completed
            && (e.dates.completed.is_none() || e.progress < 100.0)
        {
            return Err(format!("completed without completion data: {}", e.id));
        }
        if e.dates.started.is_some() && e.dates.started < e.dates.added {
            return Err(format!("started before added: {}", e.id));
        }
    }
    Ok(())
}

#[test]
fn random_sequences_keep_the_ledger_rules() {
    // Enrollments the sweep expired, over every case: the ticks must reach their dates.
    let expired = AtomicUsize::new(0);
    let mut runner = TestRunner::new(ProptestConfig::with_cases(24));
    let ops = proptest::collection::vec(op(), 1..40);
    let result = runner.run(&ops, |ops| {
        let db = TestDb::sqlite().unwrap();
        let clock = Arc::new(OffsetClock::new(0));
        let store = db.store(clock.clone()).unwrap();
        store.load_seed(&seed()).unwrap();
        let (learners, courses) = ([ALICE, BOB], [COMPLIANCE, ONBOARDING]);
        for op in ops {
            let before = all(&store);
            match op {
                Op::Enroll {
                    learner,
                    course,
                    reenroll,
                    expires_in,
                    due_in,
                } => {
                    let (l, c) = (learners[usize::from(learner)], courses[usize::from(course)]);
                    let had_active = before.iter().any(|v| {
                        let e = &v.record.core;
                        e.active && e.learner_id == l && e.course_id == c
                    });
                    let at = |ms: i64| store.now() + time::Duration::milliseconds(ms);
                    let opts = EnrollOptions {
                        expires: expires_in.map(at),
                        due: due_in.map(|(ms, _)| at(ms)),
                        lock_after_due: due_in.is_some_and(|(_, lock)| lock),
                        ..EnrollOptions::new(Dialect::Absorb).reenroll(reenroll)
                    };
                    let res = store.enroll(TENANT, &LearnerKey::Id(l), &CourseKey::Id(c), &opts);
                    prop_assert_eq!(res.is_err(), had_active && !reenroll, "{:?}", res);
                }
                Op::Apply { pick, cmd } => {
                    if before.is_empty() {
                        continue;
                    }
                    let was = before[pick % before.len()].record.core.clone();
                    let res = store.apply_command(TENANT, was.id, &cmd);
                    if let Err(e) = &res {
                        prop_assert!(matches!(e, StoreError::Domain(_)), "{:?}", e);
                    }
                    let after = store.enrollment(TENANT, was.id).unwrap().record.core;
                    if was.state.is_terminal() || !was.active {
                        prop_assert!(
                            res.is_err(),
                            "terminal and archived enrollments refuse commands"
                        );
                        prop_assert_eq!(&was, &after);
                    }
                    if res.is_err() && !(was.active && after.state == EnrollmentState::Expired) {
                        prop_assert_eq!(&was, &after, "a refused command changed the enrollment");
                    }
                }
                Op::Unenroll { pick } => {
                    if before.is_empty() {
                        continue;
                    }
                    let e = before[pick % before.len()].record.core.clone();
                    let res = store.unenroll(TENANT, &[e.id]);
                    prop_assert_eq!(res.is_ok(), e.active, "{:?}", res);
                    prop_assert!(!store.enrollment(TENANT, e.id).unwrap().record.core.active);
                }
                Op::Tick { ms } => {
                    clock.advance(time::Duration::milliseconds(ms));
                    let swept = store.expire_due().unwrap();
                    let due = before
                        .iter()
                        .filter(|v| {
                            v.record.core.active && v.record.core.state == EnrollmentState::Expired
                        })
                        .filter(|v| {
                            let history =
                                store.enrollment_events(TENANT, v.record.core.id).unwrap();
                            history.last().map(|e| e.kind) != Some(EventKind::Expired)
                        })
                        .count();
                    // Before the tick, reads showed unswept expiries already; the sweep persists
                    // them and those the tick brought, each with its event, and then has
                    // nothing left.
                    prop_assert!(swept >= due, "swept {} of {} due", swept, due);
                    expired.fetch_add(swept, Ordering::Relaxed);
                    prop_assert_eq!(store.expire_due().unwrap(), 0);
                    for v in all(&store)
                        .iter()
                        .filter(|v| v.record.core.state == EnrollmentState::Expired)
                    {
                        let history = store.enrollment_events(TENANT, v.record.core.id).unwrap();
                        let expired = history
                            .iter()
                            .filter(|e| e.kind == EventKind::Expired)
                            .count();
                        prop_assert_eq!(expired, 1, "{:?}", history);
                    }
                }
            }
            let now = all(&store);
            if let Err(v) = check(&now, store.now()) {
                prop_assert!(false, "{}", v);
            }
            // Archived enrollments are immutable.
            for old in before.iter().filter(|v| !v.record.core.active) {
                let cur = now
                    .iter()
                    .find(|v| v.record.core.id == old.record.core.id)
                    .unwrap();
                prop_assert_eq!(&old.record, &cur.record);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        expired.load(Ordering::Relaxed) > 0,
        "no clock tick reached an enrollment's expiry or locking due date"
    );
}
