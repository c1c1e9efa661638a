//! The one mapping table between canonical states and each vendor's vocabulary.
//!
//! | canonical               | Absorb (0–12)        | SCORM Cloud completion / success | LMS365 RegistrationStatus / CoursePassingStatus | iSpring        | TrainerCentral |
//! |-------------------------|----------------------|----------------------------------|-----------------------------------------------|----------------|----------------|
//! | invited                 | 0 NotStarted         | UNKNOWN / UNKNOWN                | Invited / NotStarted                          | not_started    | 0 invited      |
//! | pending_approval        | 2 PendingApproval    | UNKNOWN / UNKNOWN                | Pending / NotStarted                          | pending        | 2 requested    |
//! | waitlisted              | 8 OnWaitlist         | UNKNOWN / UNKNOWN                | Waitlisted / NotStarted                       | pending        | 2 requested    |
//! | awaiting_session_choice | 0 NotStarted         | UNKNOWN / UNKNOWN                | Enrolled / NotStarted                         | not_started    | 1 active       |
//! | not_started             | 0 NotStarted         | UNKNOWN / UNKNOWN                | Enrolled / NotStarted                         | not_started    | 1 active       |
//! | in_progress             | 1 InProgress         | INCOMPLETE / UNKNOWN             | Enrolled / InProgress                         | in_progress    | 1 active       |
//! | completed               | 3 Complete           | COMPLETED / PASSED               | Enrolled / Completed                          | complete       | 3 completed    |
//! | failed                  | 5 Failed             | COMPLETED / FAILED               | Enrolled / Failed                             | failed         | 1 active       |
//! | not_complete            | 4 NotComplete        | INCOMPLETE / FAILED              | Enrolled / NotPassed                          | incomplete     | 1 active       |
//! | declined                | 6 Declined           | UNKNOWN / UNKNOWN                | Rejected / NotStarted                         | declined       | 4 revoked      |
//! | expired                 | 4 NotComplete        | INCOMPLETE / UNKNOWN             | Expired / NotStarted                          | incomplete     | 4 revoked      |
//! | cancelled               | 10 NotApplicable     | UNKNOWN / UNKNOWN                | Cancelled / NotStarted                        | declined       | 4 revoked      |
//!
//! Reading a vendor value back (`from_*`) yields the canonical state that best matches it. Absorb
//! values with no canonical twin map as: 7 PendingEvaluationRequired, 11 PendingProctor and
//! 12 ReadyForReview → in_progress; 9 Absent → not_complete. LMS365's and TrainerCentral's
//! vendor strings/codes are not publicly documented: the values above are this project's choice.
use crate::state::EnrollmentState::{self, *};

/// Absorb's ActivityStatus integer for a canonical state.
pub fn to_absorb(state: EnrollmentState) -> i32 {
    match state {
        Invited | AwaitingSessionChoice | NotStarted => 0,
        InProgress => 1,
        PendingApproval => 2,
        Completed => 3,
        NotComplete | Expired => 4,
        Failed => 5,
        Declined => 6,
        Waitlisted => 8,
        Cancelled => 10,
    }
}

/// The canonical state for an Absorb ActivityStatus integer (0–12).
pub fn from_absorb(code: i32) -> Option<EnrollmentState> {
    Some(match code {
        0 => NotStarted,
        1 | 7 | 11 | 12 => InProgress,
        2 => PendingApproval,
        3 => Completed,
        4 | 9 => NotComplete,
        5 => Failed,
        6 => Declined,
        8 => Waitlisted,
        10 => Cancelled,
        _ => return None,
    })
}

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

/// LMS365's PATCH `CoursePassingStatus` integer (0 Completed, 1 Not Started, 2 In Progress).
pub fn from_lms365_passing_code(code: i32) -> Option<EnrollmentState> {
    match code {
        0 => Some(Completed),
        1 => Some(NotStarted),
        2 => Some(InProgress),
        _ => None,
    }
}

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
