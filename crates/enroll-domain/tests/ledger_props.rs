//! Property tests: random command sequences never break the ledger invariants.
use enroll_domain::clock::from_millis;
use enroll_domain::ledger::Ledger;
use enroll_domain::{Command, EnrollmentState};
use proptest::prelude::*;
use uuid::Uuid;

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
        Just(Command::Accept),
        Just(Command::Approve),
        Just(Command::Decline),
        Just(Command::Admit),
        Just(Command::ChooseSession),
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
        (0u8..3, 0u8..3, any::<bool>()).prop_map(|(learner, course, reenroll)| Op::Enroll {
            learner,
            course,
            reenroll
        }),
        (any::<usize>(), command()).prop_map(|(pick, cmd)| Op::Apply { pick, cmd }),
        any::<usize>().prop_map(|pick| Op::Unenroll { pick }),
        (0i64..100_000).prop_map(|ms| Op::Tick { ms }),
    ]
}

proptest! {
    #[test]
    fn random_sequences_keep_invariants(ops in proptest::collection::vec(op(), 1..60)) {
        let mut ledger = Ledger::default();
        let tenant = Uuid::nil();
        let mut now = from_millis(1_700_000_000_000);
        for op in ops {
            let before = ledger.clone();
            match op {
                Op::Enroll { learner, course, reenroll } => {
                    let (l, c) = (Uuid::from_u128(u128::from(learner) + 100), Uuid::from_u128(u128::from(course) + 200));
                    let had_active = before.enrollments.iter().any(|e| e.active && e.learner_id == l && e.course_id == c);
                    let res = ledger.enroll(tenant, l, c, reenroll, now);
                    // Without re-enroll, an existing active enrollment makes the call fail.
                    prop_assert_eq!(res.is_err(), had_active && !reenroll);
                }
                Op::Apply { pick, cmd } => {
                    if ledger.enrollments.is_empty() { continue; }
                    let id = ledger.enrollments[pick % ledger.enrollments.len()].id;
                    let was = before.enrollments.iter().find(|e| e.id == id).cloned().unwrap();
                    let res = ledger.apply(id, &cmd, now);
                    let after = ledger.enrollments.iter().find(|e| e.id == id).unwrap();
                    if was.state.is_terminal() || !was.active {
                        // Terminal and historical enrollments never change.
                        prop_assert!(res.is_err());
                        prop_assert_eq!(&was, after);
                    }
                    if res.is_err() && !(was.active && after.state == EnrollmentState::Expired) {
                        prop_assert_eq!(&was, after, "a refused command changed the enrollment");
                    }
                }
                Op::Unenroll { pick } => {
                    if ledger.enrollments.is_empty() { continue; }
                    let id = ledger.enrollments[pick % ledger.enrollments.len()].id;
                    let _ = ledger.unenroll(id, now);
                    prop_assert!(!ledger.enrollments.iter().find(|e| e.id == id).unwrap().active);
                }
                Op::Tick { ms } => now += time::Duration::milliseconds(ms),
            }
            if let Err(v) = ledger.check_invariants() { prop_assert!(false, "{}", v); }
            // Archived enrollments are immutable.
            for old in before.enrollments.iter().filter(|e| !e.active) {
                let cur = ledger.enrollments.iter().find(|e| e.id == old.id).unwrap();
                prop_assert_eq!(old, cur);
            }
        }
    }
}
