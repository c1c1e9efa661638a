//! What happened to an enrollment: the kinds of its events, in the ledger's own words.
//!
//! Every change of an enrollment is one event (creation included; a "started then completed"
//! pair is two). An event's kind follows from the change itself ([`EventKind::of`]), so every
//! write path names it the same way; each dialect maps the kinds onto its own notifications
//! (SCORM Cloud's post-backs, LMS365's webhooks, …).
use crate::state::EnrollmentState::{self, *};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of an enrollment event. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A new enrollment (a series' first, or a new series).
    Enrolled,
    /// A new enrollment continuing a series (the previous one is archived).
    ReEnrolled,
    /// The invited learner accepted.
    Accepted,
    /// An approver approved a pending enrollment.
    Approved,
    /// An approver turned a pending enrollment down.
    Rejected,
    /// The learner declined an invitation, or left the waiting list.
    Declined,
    /// Admitted from the waiting list.
    Admitted,
    /// An instructor-led session was chosen.
    SessionChosen,
    /// First learning activity.
    Started,
    /// Progress, time spent or score changed without a change of state.
    Progressed,
    /// Finished successfully.
    Completed,
    /// Finished unsuccessfully.
    Failed,
    /// Finished without meeting the completion criteria.
    NotCompleted,
    /// Expired, or locked after its due date.
    Expired,
    /// Un-enrolled while open.
    Cancelled,
    /// No longer the learner's current enrollment, its result kept (un-enrolled after
    /// finishing, or replaced by a re-enrollment).
    Archived,
    /// Anything else changed (dates, schedule, attributes).
    Updated,
}

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: [EventKind; 17] = [
        Self::Enrolled,
        Self::ReEnrolled,
        Self::Accepted,
        Self::Approved,
        Self::Rejected,
        Self::Declined,
        Self::Admitted,
        Self::SessionChosen,
        Self::Started,
        Self::Progressed,
        Self::Completed,
        Self::Failed,
        Self::NotCompleted,
        Self::Expired,
        Self::Cancelled,
        Self::Archived,
        Self::Updated,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enrolled => "enrolled",
            Self::ReEnrolled => "re_enrolled",
            Self::Accepted => "accepted",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Declined => "declined",
            Self::Admitted => "admitted",
            Self::SessionChosen => "session_chosen",
            Self::Started => "started",
            Self::Progressed => "progressed",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::NotCompleted => "not_completed",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Archived => "archived",
            Self::Updated => "updated",
        }
    }

    /// The events a change of an existing enrollment makes, in order: its change of state,
    /// its archiving (a cancel archives as part of it), or else a change of its results or of
    /// anything else. None when nothing a reader would notice changed (only its edit date).
    pub fn of(change: &Change) -> Vec<Self> {
        let mut out = Vec::with_capacity(1);
        if change.from != change.to {
            out.push(Self::of_transition(change.from, change.to));
        }
        if change.archived && change.to != Cancelled {
            out.push(Self::Archived);
        }
        if out.is_empty() {
            if change.results {
                out.push(Self::Progressed);
            } else if change.other {
                out.push(Self::Updated);
            }
        }
        out
    }

    /// The kind of a change of state from `from` to `to` (`from != to`).
    pub fn of_transition(from: EnrollmentState, to: EnrollmentState) -> Self {
        match (from, to) {
            (_, Completed) => Self::Completed,
            (_, Failed) => Self::Failed,
            (_, NotComplete) => Self::NotCompleted,
            (_, Expired) => Self::Expired,
            (_, Cancelled) => Self::Cancelled,
            (PendingApproval, Declined) => Self::Rejected,
            (_, Declined) => Self::Declined,
            (Invited, NotStarted) => Self::Accepted,
            (PendingApproval, NotStarted) => Self::Approved,
            (Waitlisted, NotStarted) => Self::Admitted,
            (AwaitingSessionChoice, NotStarted) => Self::SessionChosen,
            (_, InProgress) => Self::Started,
            _ => Self::Updated,
        }
    }
}

/// What a write changed in an existing enrollment, for [`EventKind::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub from: EnrollmentState,
    pub to: EnrollmentState,
    /// It stopped being the learner's current enrollment.
    pub archived: bool,
    /// Progress, time spent or score changed.
    pub results: bool,
    /// Any other field changed (dates, schedule, attributes).
    pub other: bool,
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown event kind '{s}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: EnrollmentState, to: EnrollmentState) -> Change {
        Change {
            from,
            to,
            archived: false,
            results: false,
            other: false,
        }
    }

    use EventKind as K;

    #[test]
    fn transitions_name_what_a_reader_sees() {
        assert_eq!(K::of(&change(NotStarted, InProgress)), [K::Started]);
        assert_eq!(K::of(&change(PendingApproval, Declined)), [K::Rejected]);
        assert_eq!(K::of(&change(Invited, Declined)), [K::Declined]);
        assert_eq!(K::of(&change(PendingApproval, NotStarted)), [K::Approved]);
        // A cancel archives too: one event, the cancel.
        let mut c = change(InProgress, Cancelled);
        c.archived = true;
        assert_eq!(K::of(&c), [K::Cancelled]);
        // Expired on the way out of an un-enroll: both, not coalesced.
        let mut c = change(InProgress, Expired);
        c.archived = true;
        assert_eq!(K::of(&c), [K::Expired, K::Archived]);
    }

    #[test]
    fn changes_without_a_new_state_are_archives_progress_or_updates() {
        let mut c = change(Completed, Completed);
        assert_eq!(K::of(&c), []);
        c.other = true;
        assert_eq!(K::of(&c), [K::Updated]);
        c.results = true;
        assert_eq!(K::of(&c), [K::Progressed]);
        c.archived = true;
        assert_eq!(K::of(&c), [K::Archived]);
    }

    #[test]
    fn names_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(k));
        }
    }
}
