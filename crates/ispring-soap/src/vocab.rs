//! iSpring Learn's vocabulary for the ledger's states: its completion status strings. The
//! facade owns it; the cross-dialect matrix test checks it agrees with the other facades'.
//!
//! | canonical               | iSpring |
//! |-------------------------|------------------|
//! | invited                 | not_started |
//! | pending_approval        | pending |
//! | waitlisted              | pending |
//! | awaiting_session_choice | not_started |
//! | not_started             | not_started |
//! | in_progress             | in_progress |
//! | completed               | complete |
//! | failed                  | failed |
//! | not_complete            | incomplete |
//! | declined                | declined |
//! | expired                 | incomplete |
//! | cancelled               | declined |
use enroll_domain::state::EnrollmentState::{self, *};

/// iSpring Learn's completion status string.
pub fn to_ispring(state: EnrollmentState) -> &'static str {
    match state {
        Invited | AwaitingSessionChoice | NotStarted => "not_started",
        PendingApproval | Waitlisted => "pending",
        InProgress => "in_progress",
        Completed => "complete",
        Failed => "failed",
        NotComplete | Expired => "incomplete",
        Declined | Cancelled => "declined",
    }
}

/// The canonical state for an iSpring completion status (`passed`/`accepted` = complete).
pub fn from_ispring(status: &str) -> Option<EnrollmentState> {
    Some(match status {
        "not_started" => NotStarted,
        "pending" => PendingApproval,
        "in_progress" => InProgress,
        "complete" | "passed" | "accepted" => Completed,
        "failed" => Failed,
        "incomplete" => NotComplete,
        "declined" => Declined,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
