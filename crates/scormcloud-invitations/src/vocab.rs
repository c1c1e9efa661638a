//! SCORM Cloud's vocabulary for the ledger's states: a registration's `registrationCompletion`
//! and `registrationSuccess`. The facade owns it; the cross-dialect matrix test checks it
//! agrees with the other facades'.
//!
//! | canonical               | SCORM Cloud completion / success |
//! |-------------------------|------------------|
//! | invited                 | UNKNOWN / UNKNOWN |
//! | pending_approval        | UNKNOWN / UNKNOWN |
//! | waitlisted              | UNKNOWN / UNKNOWN |
//! | awaiting_session_choice | UNKNOWN / UNKNOWN |
//! | not_started             | UNKNOWN / UNKNOWN |
//! | in_progress             | INCOMPLETE / UNKNOWN |
//! | completed               | COMPLETED / PASSED |
//! | failed                  | COMPLETED / FAILED |
//! | not_complete            | INCOMPLETE / FAILED |
//! | declined                | UNKNOWN / UNKNOWN |
//! | expired                 | INCOMPLETE / UNKNOWN |
//! | cancelled               | UNKNOWN / UNKNOWN |
use enroll_domain::state::EnrollmentState::{self, *};

/// SCORM Cloud's `registrationCompletion` and `registrationSuccess` for a canonical state.
pub fn to_scorm(state: EnrollmentState) -> (&'static str, &'static str) {
    match state {
        InProgress => ("INCOMPLETE", "UNKNOWN"),
        Completed => ("COMPLETED", "PASSED"),
        Failed => ("COMPLETED", "FAILED"),
        NotComplete => ("INCOMPLETE", "FAILED"),
        Expired => ("INCOMPLETE", "UNKNOWN"),
        Invited
        | PendingApproval
        | Waitlisted
        | AwaitingSessionChoice
        | NotStarted
        | Declined
        | Cancelled => ("UNKNOWN", "UNKNOWN"),
    }
}

/// SCORM Cloud's `registrationCompletionAmount` (0–1): 1 once the registration is COMPLETED
/// (passed or failed), the recorded progress while INCOMPLETE, 0 while UNKNOWN.
pub fn to_scorm_completion_amount(state: EnrollmentState, progress: f64) -> f64 {
    match to_scorm(state).0 {
        "COMPLETED" => 1.0,
        "INCOMPLETE" => (progress / 100.0).clamp(0.0, 1.0),
        _ => 0.0,
    }
}

/// The canonical state for a SCORM Cloud completion × success pair (case-insensitive).
pub fn from_scorm(completion: &str, success: &str) -> Option<EnrollmentState> {
    let c = completion.to_ascii_uppercase();
    let s = success.to_ascii_uppercase();
    Some(match (c.as_str(), s.as_str()) {
        ("COMPLETED", "FAILED") | ("UNKNOWN", "FAILED") => Failed,
        ("COMPLETED", _) | ("UNKNOWN", "PASSED") => Completed,
        ("INCOMPLETE", "FAILED") => NotComplete,
        ("INCOMPLETE", "UNKNOWN" | "PASSED") => InProgress,
        ("UNKNOWN", "UNKNOWN") => NotStarted,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
