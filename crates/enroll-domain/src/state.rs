//! Canonical enrollment states.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where an enrollment is in its lifecycle. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentState {
    /// Invited (SCORM Cloud / TrainerCentral invitation); not yet accepted.
    Invited,
    /// Waiting for an approver (LMS365 enrollment flow, Absorb status 2).
    PendingApproval,
    /// The course or session is full; on the waiting list.
    Waitlisted,
    /// Enrolled in a single-session instructor-led course without a session yet.
    AwaitingSessionChoice,
    /// Enrolled, nothing recorded yet.
    NotStarted,
    /// Some progress recorded.
    InProgress,
    /// Finished successfully. Terminal.
    Completed,
    /// Finished unsuccessfully. Terminal.
    Failed,
    /// Attended or finished without meeting the completion criteria.
    NotComplete,
    /// The learner or an approver turned the enrollment down. Terminal.
    Declined,
    /// Expired, or locked after its due date. Terminal.
    Expired,
    /// Un-enrolled. Terminal.
    Cancelled,
}

impl EnrollmentState {
    /// Every state, in declaration order.
    pub const ALL: [EnrollmentState; 12] = [
        Self::Invited,
        Self::PendingApproval,
        Self::Waitlisted,
        Self::AwaitingSessionChoice,
        Self::NotStarted,
        Self::InProgress,
        Self::Completed,
        Self::Failed,
        Self::NotComplete,
        Self::Declined,
        Self::Expired,
        Self::Cancelled,
    ];

    /// Terminal states never change again; only a re-enrollment (a new enrollment) follows.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Declined | Self::Expired | Self::Cancelled
        )
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::PendingApproval => "pending_approval",
            Self::Waitlisted => "waitlisted",
            Self::AwaitingSessionChoice => "awaiting_session_choice",
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::NotComplete => "not_complete",
            Self::Declined => "declined",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for EnrollmentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

impl FromStr for EnrollmentState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown enrollment state '{s}'"))
    }
}
