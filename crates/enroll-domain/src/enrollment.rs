//! One course enrollment: its data and the guards around its transitions.
use crate::error::DomainError;
use crate::state::EnrollmentState;
use crate::transition::{Command, CommandKind, next_state};
use time::OffsetDateTime;
use uuid::Uuid;

/// The dates the ledger keeps for every enrollment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnrollmentDates {
    /// When the enrollment was created.
    pub added: Option<OffsetDateTime>,
    /// First learning activity.
    pub started: Option<OffsetDateTime>,
    /// Reached a finished state (completed, failed, not complete).
    pub completed: Option<OffsetDateTime>,
    /// The learner should finish by then.
    pub due: Option<OffsetDateTime>,
    /// Access ends then: the enrollment expires.
    pub expires: Option<OffsetDateTime>,
    /// The course cannot be started before then (enrolling is still allowed).
    pub access: Option<OffsetDateTime>,
    /// Last change of any kind.
    pub edited: Option<OffsetDateTime>,
}

/// What it takes to create an enrollment.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEnrollment {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub learner_id: Uuid,
    pub course_id: Uuid,
    /// The state the enrollment starts in (see [`initial_state`]).
    pub state: EnrollmentState,
    pub due: Option<OffsetDateTime>,
    pub expires: Option<OffsetDateTime>,
    pub access: Option<OffsetDateTime>,
    pub lock_after_due: bool,
}

/// Chooses the starting state from how the enrollment came about.
pub fn initial_state(
    invited: bool,
    needs_approval: bool,
    course_full: bool,
    needs_session: bool,
) -> EnrollmentState {
    if invited {
        EnrollmentState::Invited
    } else if needs_approval {
        EnrollmentState::PendingApproval
    } else if course_full {
        EnrollmentState::Waitlisted
    } else if needs_session {
        EnrollmentState::AwaitingSessionChoice
    } else {
        EnrollmentState::NotStarted
    }
}

/// A course enrollment as the ledger sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrollment {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub learner_id: Uuid,
    pub course_id: Uuid,
    pub state: EnrollmentState,
    /// True for the learner's current enrollment in the course; false once archived
    /// (re-enrolled or un-enrolled). At most one active enrollment per (tenant, learner, course).
    pub active: bool,
    /// Percentage 0–100.
    pub progress: f64,
    /// Percentage 0–100, when scored.
    pub score: Option<f64>,
    pub time_spent_ms: i64,
    pub lock_after_due: bool,
    pub dates: EnrollmentDates,
}

impl Enrollment {
    /// A new active enrollment created at `now`.
    pub fn new(new: NewEnrollment, now: OffsetDateTime) -> Self {
        Self {
            id: new.id,
            tenant_id: new.tenant_id,
            learner_id: new.learner_id,
            course_id: new.course_id,
            state: new.state,
            active: true,
            progress: 0.0,
            score: None,
            time_spent_ms: 0,
            lock_after_due: new.lock_after_due,
            dates: EnrollmentDates {
                added: Some(now),
                due: new.due,
                expires: new.expires,
                access: new.access,
                edited: Some(now),
                ..EnrollmentDates::default()
            },
        }
    }

    /// The time-based transition due at `now`, if any: past the expiry date, or past the due
    /// date of an enrollment that locks after its due date.
    pub fn due_expiry(&self, now: OffsetDateTime) -> Option<Command> {
        if !self.active || self.state.is_terminal() {
            return None;
        }
        let expired = self.dates.expires.is_some_and(|e| e <= now);
        let locked = self.lock_after_due && self.dates.due.is_some_and(|d| d <= now);
        (expired || locked).then_some(Command::Expire)
    }

    /// Applies time-based expiry; returns whether the state changed.
    pub fn refresh(&mut self, now: OffsetDateTime) -> bool {
        match self.due_expiry(now) {
            Some(cmd) => self.apply(&cmd, now).is_ok(),
            None => false,
        }
    }

    /// Applies `cmd` at `now`: checks the guards, then the transition table, then updates data.
    pub fn apply(&mut self, cmd: &Command, now: OffsetDateTime) -> Result<(), DomainError> {
        if !self.active {
            return Err(DomainError::NotActive);
        }
        let kind = cmd.kind();
        let learning = matches!(
            kind,
            CommandKind::Start
                | CommandKind::RecordProgress
                | CommandKind::Complete
                | CommandKind::Fail
        );
        if learning {
            if self.dates.access.is_some_and(|a| now < a) {
                return Err(DomainError::NotYetAccessible);
            }
            if self.lock_after_due
                && self.dates.due.is_some_and(|d| d <= now)
                && !self.state.is_terminal()
            {
                return Err(DomainError::Locked);
            }
        }
        validate(cmd)?;
        let to = next_state(self.state, kind)?;
        self.state = to;
        match cmd {
            Command::RecordProgress {
                progress,
                time_spent_ms,
            } => {
                self.progress = progress.max(self.progress);
                self.time_spent_ms = self.time_spent_ms.saturating_add(*time_spent_ms);
            }
            Command::Complete { score } => {
                self.progress = 100.0;
                self.score = score.or(self.score);
            }
            Command::Fail { score } => self.score = score.or(self.score),
            _ => {}
        }
        if learning && self.dates.started.is_none() {
            self.dates.started = Some(now);
        }
        if matches!(
            to,
            EnrollmentState::Completed | EnrollmentState::Failed | EnrollmentState::NotComplete
        ) {
            self.dates.completed = Some(now);
        }
        self.dates.edited = Some(now);
        Ok(())
    }

    /// Archives the enrollment as historical (re-enrollment or un-enrollment of a finished one).
    pub fn archive(&mut self, now: OffsetDateTime) {
        self.active = false;
        self.dates.edited = Some(now);
    }
}

fn validate(cmd: &Command) -> Result<(), DomainError> {
    let pct = |v: f64, what: &str| {
        if (0.0..=100.0).contains(&v) {
            Ok(())
        } else {
            Err(DomainError::Invalid(format!(
                "{what} must be between 0 and 100"
            )))
        }
    };
    match cmd {
        Command::RecordProgress {
            progress,
            time_spent_ms,
        } => {
            pct(*progress, "progress")?;
            if *time_spent_ms < 0 {
                return Err(DomainError::Invalid("time spent cannot be negative".into()));
            }
            Ok(())
        }
        Command::Complete { score: Some(s) } | Command::Fail { score: Some(s) } => pct(*s, "score"),
        _ => Ok(()),
    }
}
