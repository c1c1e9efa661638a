//! Absorb's vocabulary for the ledger's states: its enrollment `status` integers (0–12) and its
//! lesson attempt and lesson type values. The facade owns it; the cross-dialect matrix test
//! checks it agrees with the other facades'.
//!
//! | canonical               | Absorb (0–12) |
//! |-------------------------|------------------|
//! | invited                 | 0 NotStarted |
//! | pending_approval        | 2 PendingApproval |
//! | waitlisted              | 8 OnWaitlist |
//! | awaiting_session_choice | 0 NotStarted |
//! | not_started             | 0 NotStarted |
//! | in_progress             | 1 InProgress |
//! | completed               | 3 Complete |
//! | failed                  | 5 Failed |
//! | not_complete            | 4 NotComplete |
//! | declined                | 6 Declined |
//! | expired                 | 4 NotComplete |
//! | cancelled               | 10 NotApplicable |
//!
//! Reading a value back (`from_*`) yields the state that best matches it: 7
//! PendingEvaluationRequired, 11 PendingProctor and 12 ReadyForReview → in_progress; 9 Absent
//! → not_complete.
use enroll_domain::lesson::{AttemptStatus, LessonKind};
use enroll_domain::state::EnrollmentState::{self, *};

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

/// Absorb's lesson attempt status integer (1 InProgress, 3 Complete, 5 Failed).
pub fn attempt_code(status: AttemptStatus) -> i32 {
    match status {
        AttemptStatus::InProgress => 1,
        AttemptStatus::Complete => 3,
        AttemptStatus::Failed => 5,
    }
}

/// The attempt status for Absorb's integer.
pub fn attempt_status(code: i32) -> Option<AttemptStatus> {
    match code {
        1 => Some(AttemptStatus::InProgress),
        3 => Some(AttemptStatus::Complete),
        5 => Some(AttemptStatus::Failed),
        _ => None,
    }
}

/// Absorb's lesson `type` name.
pub fn lesson_type(kind: LessonKind) -> &'static str {
    match kind {
        LessonKind::Content => "ObjectLesson",
        LessonKind::Assessment => "AssessmentLesson",
        LessonKind::Video => "VideoLesson",
        LessonKind::Survey => "SurveyLesson",
        LessonKind::Task => "TaskLesson",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn attempt_codes_round_trip() {
        for s in AttemptStatus::ALL {
            assert_eq!(attempt_status(attempt_code(s)), Some(s));
        }
        assert_eq!(attempt_status(2), None);
    }
}
