//! The vocabulary table, in both directions, for every vendor.
use enroll_domain::EnrollmentState::{self, *};
use enroll_domain::vocab::*;

#[test]
fn absorb_codes_cover_0_to_12_and_nothing_else() {
    for code in 0..=12 {
        assert!(from_absorb(code).is_some(), "code {code}");
    }
    assert_eq!(from_absorb(13), None);
    assert_eq!(from_absorb(-1), None);
}

#[test]
fn absorb_round_trips_for_states_with_their_own_code() {
    for s in [
        NotStarted,
        InProgress,
        PendingApproval,
        Completed,
        NotComplete,
        Failed,
        Declined,
        Waitlisted,
        Cancelled,
    ] {
        assert_eq!(from_absorb(to_absorb(s)), Some(s), "{s:?}");
    }
    assert_eq!(to_absorb(Invited), 0);
    assert_eq!(to_absorb(Expired), 4);
    assert_eq!(from_absorb(7), Some(InProgress));
    assert_eq!(from_absorb(9), Some(NotComplete));
}

#[test]
fn scorm_pairs() {
    assert_eq!(to_scorm(Completed), ("COMPLETED", "PASSED"));
    assert_eq!(to_scorm(Failed), ("COMPLETED", "FAILED"));
    assert_eq!(to_scorm(InProgress), ("INCOMPLETE", "UNKNOWN"));
    assert_eq!(to_scorm(NotStarted), ("UNKNOWN", "UNKNOWN"));
    for s in [NotStarted, InProgress, Completed, Failed, NotComplete] {
        let (c, x) = to_scorm(s);
        assert_eq!(from_scorm(c, x), Some(s), "{s:?}");
    }
    assert_eq!(from_scorm("completed", "unknown"), Some(Completed));
    assert_eq!(from_scorm("DONE", "UNKNOWN"), None);
}

#[test]
fn lms365_pairs_round_trip_for_every_state() {
    for s in EnrollmentState::ALL {
        let (r, p) = to_lms365(s);
        let back = from_lms365(r, p).unwrap();
        // awaiting_session_choice is shown as an ordinary enrollment.
        let want = if s == AwaitingSessionChoice {
            NotStarted
        } else {
            s
        };
        assert_eq!(back, want, "{s:?}");
    }
    assert_eq!(from_lms365_passing_code(0), Some(Completed));
    assert_eq!(from_lms365_passing_code(1), Some(NotStarted));
    assert_eq!(from_lms365_passing_code(2), Some(InProgress));
    assert_eq!(from_lms365_passing_code(3), None);
}

#[test]
fn ispring_statuses() {
    for s in [
        NotStarted,
        InProgress,
        Completed,
        Failed,
        NotComplete,
        Declined,
        PendingApproval,
    ] {
        assert_eq!(from_ispring(to_ispring(s)), Some(s), "{s:?}");
    }
    assert_eq!(from_ispring("passed"), Some(Completed));
    assert_eq!(from_ispring("accepted"), Some(Completed));
    assert_eq!(from_ispring("weird"), None);
}

#[test]
fn trainercentral_codes() {
    for s in [Invited, NotStarted, PendingApproval, Completed, Cancelled] {
        assert_eq!(from_trainercentral(to_trainercentral(s)), Some(s), "{s:?}");
    }
    assert_eq!(to_trainercentral(InProgress), 1);
    assert_eq!(from_trainercentral(9), None);
}
