//! Table-driven tests of every (state, command) pair and the guards.
use EnrollmentState::*;
use enroll_domain::clock::from_millis;
use enroll_domain::enrollment::{Enrollment, NewEnrollment};
use enroll_domain::transition::{TABLE, next_state};
use enroll_domain::{Command, CommandKind, DomainError, EnrollmentState};
use time::Duration;
use uuid::Uuid;

/// The expected result of every command in every state; `None` = illegal.
fn expected(from: EnrollmentState, cmd: CommandKind) -> Option<EnrollmentState> {
    use CommandKind as K;
    let open = !from.is_terminal();
    match (cmd, from) {
        (K::Accept, Invited) => Some(NotStarted),
        (K::Approve, PendingApproval) => Some(NotStarted),
        (K::Decline, Invited | PendingApproval | Waitlisted) => Some(Declined),
        (K::Admit, Waitlisted) => Some(NotStarted),
        (K::ChooseSession, AwaitingSessionChoice | NotStarted) => Some(NotStarted),
        (K::ChooseSession, InProgress) => Some(InProgress),
        (K::Start | K::RecordProgress, NotStarted | InProgress) => Some(InProgress),
        (K::Complete, NotStarted | InProgress | NotComplete) => Some(Completed),
        (K::Fail, NotStarted | InProgress | NotComplete) => Some(Failed),
        (K::MarkNotComplete, NotStarted | InProgress) => Some(NotComplete),
        (K::Expire, _) if open => Some(Expired),
        (K::Cancel, _) if open => Some(Cancelled),
        _ => None,
    }
}

#[test]
fn every_state_and_command_follows_the_table() {
    for from in EnrollmentState::ALL {
        for cmd in CommandKind::ALL {
            let got = next_state(from, cmd).ok();
            assert_eq!(got, expected(from, cmd), "{from:?} × {cmd:?}");
        }
    }
}

#[test]
fn terminal_states_accept_no_command() {
    for from in EnrollmentState::ALL.into_iter().filter(|s| s.is_terminal()) {
        for cmd in CommandKind::ALL {
            assert!(matches!(
                next_state(from, cmd),
                Err(DomainError::IllegalTransition { .. })
            ));
        }
        assert!(TABLE.iter().all(|(_, froms, _)| !froms.contains(&from)));
    }
}

#[test]
fn illegal_transition_message_names_state_and_command() {
    let err = next_state(Completed, CommandKind::Start).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot start an enrollment that is completed"
    );
}

fn enrollment(state: EnrollmentState) -> Enrollment {
    let new = NewEnrollment {
        id: Uuid::new_v4(),
        tenant_id: Uuid::nil(),
        learner_id: Uuid::new_v4(),
        course_id: Uuid::new_v4(),
        state,
        due: None,
        expires: None,
        access: None,
        lock_after_due: false,
    };
    Enrollment::new(new, from_millis(1_000_000))
}

#[test]
fn access_date_blocks_learning_but_not_enrolling() {
    let now = from_millis(1_000_000);
    let mut e = enrollment(NotStarted);
    e.dates.access = Some(now + Duration::days(1));
    assert_eq!(
        e.apply(&Command::Start, now),
        Err(DomainError::NotYetAccessible)
    );
    assert_eq!(e.state, NotStarted);
    e.apply(&Command::Start, now + Duration::days(2)).unwrap();
    assert_eq!(e.state, InProgress);
    assert_eq!(e.dates.started, Some(now + Duration::days(2)));
}

#[test]
fn lock_after_due_date_locks_then_expires() {
    let now = from_millis(1_000_000);
    let mut e = enrollment(InProgress);
    e.lock_after_due = true;
    e.dates.due = Some(now + Duration::hours(1));
    e.apply(
        &Command::RecordProgress {
            progress: 10.0,
            time_spent_ms: 5,
        },
        now,
    )
    .unwrap();
    let later = now + Duration::hours(2);
    assert_eq!(
        e.apply(&Command::Complete { score: None }, later),
        Err(DomainError::Locked)
    );
    assert!(e.refresh(later));
    assert_eq!(e.state, Expired);
}

#[test]
fn due_date_without_lock_does_not_expire() {
    let now = from_millis(1_000_000);
    let mut e = enrollment(InProgress);
    e.dates.due = Some(now);
    assert!(!e.refresh(now + Duration::days(30)));
    e.apply(
        &Command::Complete { score: Some(80.0) },
        now + Duration::days(30),
    )
    .unwrap();
    assert_eq!(
        (e.state, e.progress, e.score),
        (Completed, 100.0, Some(80.0))
    );
}

#[test]
fn expiry_date_expires_open_enrollments_only() {
    let now = from_millis(1_000_000);
    let mut open = enrollment(NotStarted);
    open.dates.expires = Some(now);
    assert!(open.refresh(now));
    assert_eq!(open.state, Expired);
    let mut done = enrollment(Completed);
    done.dates.expires = Some(now);
    assert!(!done.refresh(now));
    assert_eq!(done.state, Completed);
}

#[test]
fn archived_enrollments_refuse_commands() {
    let mut e = enrollment(NotStarted);
    e.archive(from_millis(2_000_000));
    assert_eq!(
        e.apply(&Command::Start, from_millis(3_000_000)),
        Err(DomainError::NotActive)
    );
}

#[test]
fn out_of_range_values_are_refused() {
    let now = from_millis(1_000_000);
    let mut e = enrollment(InProgress);
    let bad = Command::RecordProgress {
        progress: 101.0,
        time_spent_ms: 0,
    };
    assert!(matches!(e.apply(&bad, now), Err(DomainError::Invalid(_))));
    let bad = Command::Complete { score: Some(-1.0) };
    assert!(matches!(e.apply(&bad, now), Err(DomainError::Invalid(_))));
    assert_eq!(e.state, InProgress);
}

#[test]
fn state_names_round_trip() {
    for s in EnrollmentState::ALL {
        assert_eq!(s.as_str().parse::<EnrollmentState>(), Ok(s));
    }
    assert!("bogus".parse::<EnrollmentState>().is_err());
}

#[test]
fn department_subtrees() {
    use enroll_domain::model::{Department, in_subtree};
    let t = Uuid::nil();
    let d = |id: u128, parent: Option<u128>| Department {
        id: Uuid::from_u128(id),
        tenant_id: t,
        parent_id: parent.map(Uuid::from_u128),
        name: String::new(),
    };
    let tree = vec![
        d(1, None),
        d(2, Some(1)),
        d(3, Some(2)),
        d(4, Some(1)),
        d(5, Some(6)),
        d(6, Some(5)),
    ];
    assert!(in_subtree(&tree, Uuid::from_u128(1), Uuid::from_u128(3)));
    assert!(in_subtree(&tree, Uuid::from_u128(2), Uuid::from_u128(3)));
    assert!(!in_subtree(&tree, Uuid::from_u128(2), Uuid::from_u128(4)));
    assert!(!in_subtree(&tree, Uuid::from_u128(3), Uuid::from_u128(2)));
    // A cycle in bad data ends the walk.
    assert!(!in_subtree(&tree, Uuid::from_u128(1), Uuid::from_u128(5)));
}
