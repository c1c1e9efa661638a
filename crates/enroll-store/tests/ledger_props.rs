//! Property test on the real store (SQLite): random sequences of enrolls, re-enrolls, commands,
//! un-enrolls and clock ticks never break the ledger's rules, and each call's outcome is the
//! one the rules give: a second enrollment without re-enroll is refused, a refused command
//! changes nothing, terminal and archived enrollments never change again.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, EnrollmentState, OffsetClock};
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{EnrollOptions, EnrollmentQuery};
use enroll_store::learners::LearnerKey;
use enroll_store::models::EnrollmentView;
use enroll_store::testing::TestDb;
use enroll_store::{Store, StoreError};
use proptest::prelude::*;
use std::sync::Arc;

#[derive(Debug, Clone)]
enum Op {
    Enroll {
        learner: u8,
        course: u8,
        reenroll: bool,
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
        (0u8..2, 0u8..2, any::<bool>()).prop_map(|(learner, course, reenroll)| Op::Enroll {
            learner,
            course,
            reenroll
        }),
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

/// The ledger's rules over its whole state.
fn check(views: &[EnrollmentView]) -> Result<(), String> {
    for (i, a) in views.iter().enumerate() {
        let e = &a.record.core;
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn random_sequences_keep_the_ledger_rules(ops in proptest::collection::vec(op(), 1..40)) {
        let db = TestDb::sqlite().unwrap();
        let clock = Arc::new(OffsetClock::new(0));
        let store = db.store(clock.clone()).unwrap();
        store.load_seed(&seed()).unwrap();
        let (learners, courses) = ([ALICE, BOB], [COMPLIANCE, ONBOARDING]);
        for op in ops {
            let before = all(&store);
            match op {
                Op::Enroll { learner, course, reenroll } => {
                    let (l, c) = (learners[usize::from(learner)], courses[usize::from(course)]);
                    let had_active = before.iter().any(|v| {
                        let e = &v.record.core;
                        e.active && e.learner_id == l && e.course_id == c
                    });
                    let opts = EnrollOptions::new(Dialect::Absorb).reenroll(reenroll);
                    let res = store.enroll(TENANT, &LearnerKey::Id(l), &CourseKey::Id(c), &opts);
                    prop_assert_eq!(res.is_err(), had_active && !reenroll, "{:?}", res);
                }
                Op::Apply { pick, cmd } => {
                    if before.is_empty() { continue; }
                    let was = before[pick % before.len()].record.core.clone();
                    let res = store.apply_command(TENANT, was.id, &cmd);
                    if let Err(e) = &res {
                        prop_assert!(matches!(e, StoreError::Domain(_)), "{:?}", e);
                    }
                    let after = store.enrollment(TENANT, was.id).unwrap().record.core;
                    if was.state.is_terminal() || !was.active {
                        prop_assert!(res.is_err(), "terminal and archived enrollments refuse commands");
                        prop_assert_eq!(&was, &after);
                    }
                    if res.is_err() && !(was.active && after.state == EnrollmentState::Expired) {
                        prop_assert_eq!(&was, &after, "a refused command changed the enrollment");
                    }
                }
                Op::Unenroll { pick } => {
                    if before.is_empty() { continue; }
                    let e = before[pick % before.len()].record.core.clone();
                    let res = store.unenroll(TENANT, &[e.id]);
                    prop_assert_eq!(res.is_ok(), e.active, "{:?}", res);
                    prop_assert!(!store.enrollment(TENANT, e.id).unwrap().record.core.active);
                }
                Op::Tick { ms } => {
                    clock.advance(time::Duration::milliseconds(ms));
                    store.expire_due().unwrap();
                }
            }
            let now = all(&store);
            if let Err(v) = check(&now) { prop_assert!(false, "{}", v); }
            // Archived enrollments are immutable.
            for old in before.iter().filter(|v| !v.record.core.active) {
                let cur = now.iter().find(|v| v.record.core.id == old.record.core.id).unwrap();
                prop_assert_eq!(&old.record, &cur.record);
            }
        }
    }
}
