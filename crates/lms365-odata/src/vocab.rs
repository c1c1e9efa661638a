//! LMS365's vocabulary for the ledger's states: `RegistrationStatus` and
//! `CoursePassingStatus`. The facade owns it; the cross-dialect matrix test checks it agrees
//! with the other facades'. LMS365 does not publish its sets: these are this facade's choice
//! (see the crate docs and the README's deviations).
//!
//! | canonical               | RegistrationStatus / CoursePassingStatus |
//! |-------------------------|------------------------------------------|
//! | invited                 | Invited / NotStarted                     |
//! | pending_approval        | Pending / NotStarted                     |
//! | waitlisted              | Waitlisted / NotStarted                  |
//! | awaiting_session_choice | Enrolled / NotStarted                    |
//! | not_started             | Enrolled / NotStarted                    |
//! | in_progress             | Enrolled / InProgress                    |
//! | completed               | Enrolled / Completed                     |
//! | failed                  | Enrolled / Failed                        |
//! | not_complete            | Enrolled / NotPassed                     |
//! | declined                | Rejected / NotStarted                    |
//! | expired                 | Expired / NotStarted                     |
//! | cancelled               | Cancelled / NotStarted                   |
use enroll_domain::state::EnrollmentState::{self, *};

/// LMS365's `RegistrationStatus` and `CoursePassingStatus` strings.
pub fn to_lms365(state: EnrollmentState) -> (&'static str, &'static str) {
    match state {
        Invited => ("Invited", "NotStarted"),
        PendingApproval => ("Pending", "NotStarted"),
        Waitlisted => ("Waitlisted", "NotStarted"),
        AwaitingSessionChoice | NotStarted => ("Enrolled", "NotStarted"),
        InProgress => ("Enrolled", "InProgress"),
        Completed => ("Enrolled", "Completed"),
        Failed => ("Enrolled", "Failed"),
        NotComplete => ("Enrolled", "NotPassed"),
        Declined => ("Rejected", "NotStarted"),
        Expired => ("Expired", "NotStarted"),
        Cancelled => ("Cancelled", "NotStarted"),
    }
}

/// The canonical state for LMS365's pair of strings.
pub fn from_lms365(registration: &str, passing: &str) -> Option<EnrollmentState> {
    Some(match (registration, passing) {
        ("Invited", _) => Invited,
        ("Pending", _) => PendingApproval,
        ("Waitlisted", _) => Waitlisted,
        ("Rejected", _) => Declined,
        ("Expired", _) => Expired,
        ("Cancelled", _) => Cancelled,
        ("Enrolled", "NotStarted") => NotStarted,
        ("Enrolled", "InProgress") => InProgress,
        ("Enrolled", "Completed") => Completed,
        ("Enrolled", "Failed") => Failed,
        ("Enrolled", "NotPassed") => NotComplete,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_as_itself_but_the_session_choice() {
        for s in EnrollmentState::ALL {
            let (r, p) = to_lms365(s);
            let back = from_lms365(r, p);
            let expected = if s == AwaitingSessionChoice {
                NotStarted
            } else {
                s
            };
            assert_eq!(back, Some(expected), "{s:?}");
        }
    }
}
