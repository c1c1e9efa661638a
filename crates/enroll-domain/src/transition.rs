//! The enrollment transition table: one place that says which command moves which state where.
use crate::error::DomainError;
use crate::state::EnrollmentState::{self, *};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A command applied to an existing enrollment.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// The invited learner accepts (follows the invitation link).
    Accept,
    /// An approver approves a pending enrollment.
    Approve,
    /// The learner or an approver declines.
    Decline,
    /// A seat frees up: leave the waiting list.
    Admit,
    /// Pick (or change) the instructor-led session.
    ChooseSession,
    /// The learner launches the course.
    Start,
    /// Record progress (0–100 %) and extra time spent, in milliseconds.
    RecordProgress { progress: f64, time_spent_ms: i64 },
    /// Finish successfully, with an optional score (0–100 %).
    Complete { score: Option<f64> },
    /// Finish unsuccessfully, with an optional score.
    Fail { score: Option<f64> },
    /// Attended/finished without meeting the criteria.
    MarkNotComplete,
    /// Expiry date reached, or locked after the due date.
    Expire,
    /// Un-enroll.
    Cancel,
}

/// The name of a [`Command`] without its data: the table's column key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    Accept,
    Approve,
    Decline,
    Admit,
    ChooseSession,
    Start,
    RecordProgress,
    Complete,
    Fail,
    MarkNotComplete,
    Expire,
    Cancel,
}

impl CommandKind {
    /// Every command kind.
    pub const ALL: [CommandKind; 12] = [
        Self::Accept,
        Self::Approve,
        Self::Decline,
        Self::Admit,
        Self::ChooseSession,
        Self::Start,
        Self::RecordProgress,
        Self::Complete,
        Self::Fail,
        Self::MarkNotComplete,
        Self::Expire,
        Self::Cancel,
    ];
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Self::Accept => "accept",
            Self::Approve => "approve",
            Self::Decline => "decline",
            Self::Admit => "admit from the waiting list",
            Self::ChooseSession => "choose a session for",
            Self::Start => "start",
            Self::RecordProgress => "record progress on",
            Self::Complete => "complete",
            Self::Fail => "fail",
            Self::MarkNotComplete => "mark as not complete",
            Self::Expire => "expire",
            Self::Cancel => "cancel",
        };
        f.write_str(s)
    }
}

impl Command {
    /// The command's kind.
    pub fn kind(&self) -> CommandKind {
        match self {
            Self::Accept => CommandKind::Accept,
            Self::Approve => CommandKind::Approve,
            Self::Decline => CommandKind::Decline,
            Self::Admit => CommandKind::Admit,
            Self::ChooseSession => CommandKind::ChooseSession,
            Self::Start => CommandKind::Start,
            Self::RecordProgress { .. } => CommandKind::RecordProgress,
            Self::Complete { .. } => CommandKind::Complete,
            Self::Fail { .. } => CommandKind::Fail,
            Self::MarkNotComplete => CommandKind::MarkNotComplete,
            Self::Expire => CommandKind::Expire,
            Self::Cancel => CommandKind::Cancel,
        }
    }
}

/// States from which learning activity is possible.
const LEARNING: &[EnrollmentState] = &[NotStarted, InProgress];
/// Every non-terminal state.
const OPEN: &[EnrollmentState] = &[
    Invited,
    PendingApproval,
    Waitlisted,
    AwaitingSessionChoice,
    NotStarted,
    InProgress,
    NotComplete,
];

/// The table: (command, states it applies in, resulting state).
/// Anything not listed is an illegal transition. Terminal states appear in no row.
pub const TABLE: &[(CommandKind, &[EnrollmentState], EnrollmentState)] = &[
    (CommandKind::Accept, &[Invited], NotStarted),
    (CommandKind::Approve, &[PendingApproval], NotStarted),
    (
        CommandKind::Decline,
        &[Invited, PendingApproval, Waitlisted],
        Declined,
    ),
    (CommandKind::Admit, &[Waitlisted], NotStarted),
    (
        CommandKind::ChooseSession,
        &[AwaitingSessionChoice, NotStarted],
        NotStarted,
    ),
    (CommandKind::ChooseSession, &[InProgress], InProgress),
    (CommandKind::Start, LEARNING, InProgress),
    (CommandKind::RecordProgress, LEARNING, InProgress),
    (
        CommandKind::Complete,
        &[NotStarted, InProgress, NotComplete],
        Completed,
    ),
    (
        CommandKind::Fail,
        &[NotStarted, InProgress, NotComplete],
        Failed,
    ),
    (CommandKind::MarkNotComplete, LEARNING, NotComplete),
    (CommandKind::Expire, OPEN, Expired),
    (CommandKind::Cancel, OPEN, Cancelled),
];

/// Where `command` takes an enrollment in state `from`, or why it cannot.
pub fn next_state(
    from: EnrollmentState,
    command: CommandKind,
) -> Result<EnrollmentState, DomainError> {
    TABLE
        .iter()
        .find(|(kind, froms, _)| *kind == command && froms.contains(&from))
        .map(|(_, _, to)| *to)
        .ok_or(DomainError::IllegalTransition { from, command })
}
