//! TrainerCentral's vocabulary for the ledger's states: its course-member status codes (sent
//! as strings). The facade owns it; the cross-dialect matrix test checks it agrees with the
//! other facades'. TrainerCentral does not document the codes: these are this facade's choice
//! (see the crate docs).
//!
//! | canonical               | TrainerCentral |
//! |-------------------------|------------------|
//! | invited                 | 0 invited |
//! | pending_approval        | 2 requested |
//! | waitlisted              | 2 requested |
//! | awaiting_session_choice | 1 active |
//! | not_started             | 1 active |
//! | in_progress             | 1 active |
//! | completed               | 3 completed |
//! | failed                  | 1 active |
//! | not_complete            | 1 active |
//! | declined                | 4 revoked |
//! | expired                 | 4 revoked |
//! | cancelled               | 4 revoked |
use enroll_domain::state::EnrollmentState::{self, *};

/// TrainerCentral's course-member status code (sent as a string on the wire).
pub fn to_trainercentral(state: EnrollmentState) -> i32 {
    match state {
        Invited => 0,
        AwaitingSessionChoice | NotStarted | InProgress | Failed | NotComplete => 1,
        PendingApproval | Waitlisted => 2,
        Completed => 3,
        Declined | Expired | Cancelled => 4,
    }
}

/// The canonical state for a TrainerCentral course-member status code.
pub fn from_trainercentral(code: i32) -> Option<EnrollmentState> {
    match code {
        0 => Some(Invited),
        1 => Some(NotStarted),
        2 => Some(PendingApproval),
        3 => Some(Completed),
        4 => Some(Cancelled),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trainercentral_codes() {
        for s in [Invited, NotStarted, PendingApproval, Completed, Cancelled] {
            assert_eq!(from_trainercentral(to_trainercentral(s)), Some(s), "{s:?}");
        }
        assert_eq!(to_trainercentral(InProgress), 1);
        assert_eq!(from_trainercentral(9), None);
    }
}
