//! Domain errors: what a command can be refused for. Facades render them in vendor shapes.
use crate::state::EnrollmentState;
use crate::transition::CommandKind;

/// Why the ledger refused a command.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// The command is not allowed from the enrollment's current state.
    #[error("cannot {command} an enrollment that is {from}")]
    IllegalTransition {
        from: EnrollmentState,
        command: CommandKind,
    },
    /// The learner already has an active enrollment in the course.
    #[error("the learner is already enrolled in this course")]
    AlreadyEnrolled,
    /// The course cannot be started before its access date.
    #[error("the course cannot be started before its access date")]
    NotYetAccessible,
    /// The due date has passed and the enrollment locks after its due date.
    #[error("the enrollment is locked: its due date has passed")]
    Locked,
    /// The enrollment is historical (archived by a re-enrollment or un-enrollment).
    #[error("the enrollment is not the learner's active enrollment")]
    NotActive,
    /// The actor may not act on this learner (outside their scope, see [`crate::access`]);
    /// the text names what was refused.
    #[error("not permitted to act on {0}")]
    NotPermitted(String),
    /// A value is out of its allowed range.
    #[error("{0}")]
    Invalid(String),
}

/// Why a series could not be started under a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeriesConflict {
    /// The name already names a current series.
    #[error("the name '{0}' already names a current enrollment series")]
    NameTaken(String),
    /// The learner's current series in the course already has another name in the dialect.
    #[error("the learner's enrollment in this course is already named '{0}'")]
    LearnerNamed(String),
}
