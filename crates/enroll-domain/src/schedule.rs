//! When an enrollment may be started and when it is due: an access date, a due rule, and
//! whether it locks (expires) once the due date has passed. A course may carry a default due
//! date or period that enrollments can ask for.
use time::{Duration, OffsetDateTime};

/// A course's default due date: a fixed instant, or a period counted from the access date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DueDefault {
    /// Due at this instant.
    At(#[serde(with = "time::serde::rfc3339")] OffsetDateTime),
    /// Due this many hours after the access date.
    Hours(i64),
}

/// How an enrollment's due date is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueRule {
    /// No due date.
    None,
    /// The course's default, if it has one (otherwise none).
    CourseDefault,
    /// Due at this instant.
    At(OffsetDateTime),
    /// Due this long after the access date.
    After(Duration),
}

/// An enrollment's schedule as a caller asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Not startable before then; `None`: from now.
    pub access: Option<OffsetDateTime>,
    pub due: DueRule,
    /// Once the due date has passed, the enrollment locks (expires).
    pub lock_after_due: bool,
}

/// A schedule with its dates fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub access: OffsetDateTime,
    pub due: Option<OffsetDateTime>,
    pub lock_after_due: bool,
}

impl Schedule {
    /// The dates this schedule gives at `now` for a course whose default is `course`. A period
    /// counts from the access date; a date too far out for the calendar is refused.
    pub fn resolve(
        &self,
        course: Option<DueDefault>,
        now: OffsetDateTime,
    ) -> Result<Resolved, crate::DomainError> {
        let access = self.access.unwrap_or(now);
        let after = |d: Duration| {
            access.checked_add(d).ok_or_else(|| {
                crate::DomainError::Invalid("the due period ends past the calendar".into())
            })
        };
        let due = match (self.due, course) {
            (DueRule::None, _) | (DueRule::CourseDefault, None) => None,
            (DueRule::At(t), _) | (DueRule::CourseDefault, Some(DueDefault::At(t))) => Some(t),
            (DueRule::After(d), _) => Some(after(d)?),
            (DueRule::CourseDefault, Some(DueDefault::Hours(h))) => {
                Some(after(Duration::hours(h))?)
            }
        };
        if let Some(d) = due {
            crate::clock::storable(d)?;
        }
        crate::clock::storable(access)?;
        Ok(Resolved {
            access,
            due,
            lock_after_due: self.lock_after_due,
        })
    }
}
