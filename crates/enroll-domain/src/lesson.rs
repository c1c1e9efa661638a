//! Lesson attempts and how they roll up into lesson and course progress.
use crate::state::EnrollmentState;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A lesson attempt's status. Stored as its name ([`AttemptStatus::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    InProgress,
    Complete,
    Failed,
}

impl AttemptStatus {
    /// Every status.
    pub const ALL: [AttemptStatus; 3] = [Self::InProgress, Self::Complete, Self::Failed];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Complete => "completed",
            Self::Failed => "failed",
        }
    }
}

impl std::str::FromStr for AttemptStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| format!("unknown attempt status '{s}'"))
    }
}

/// What kind of learning object a lesson is. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    /// Learning content (a package, a document, a page).
    #[default]
    Content,
    /// A quiz or test.
    Assessment,
    Video,
    Survey,
    /// Something the learner does and reports (an assignment).
    Task,
}

impl LessonKind {
    /// Every kind.
    pub const ALL: [LessonKind; 5] = [
        Self::Content,
        Self::Assessment,
        Self::Video,
        Self::Survey,
        Self::Task,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Content => "content",
            Self::Assessment => "assessment",
            Self::Video => "video",
            Self::Survey => "survey",
            Self::Task => "task",
        }
    }
}

impl std::str::FromStr for LessonKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| format!("unknown lesson kind '{s}'"))
    }
}

/// The state of a lesson enrollment given its attempts' statuses, oldest first.
pub fn lesson_state(attempts: &[AttemptStatus]) -> EnrollmentState {
    if attempts.contains(&AttemptStatus::Complete) {
        EnrollmentState::Completed
    } else {
        match attempts.last() {
            None => EnrollmentState::NotStarted,
            Some(AttemptStatus::Failed) => EnrollmentState::Failed,
            Some(_) => EnrollmentState::InProgress,
        }
    }
}

/// Course progress in percent from completed lessons out of all lessons.
pub fn course_progress(completed_lessons: usize, total_lessons: usize) -> f64 {
    if total_lessons == 0 {
        return 0.0;
    }
    // Two decimals, like the vendors print it.
    let pct = completed_lessons.min(total_lessons) as f64 * 100.0 / total_lessons as f64;
    (pct * 100.0).round() / 100.0
}

const LESSON_NS: Uuid = Uuid::from_u128(0x6c65_7373_6f6e_0000_0000_0000_0000_0001);
const CHAPTER_NS: Uuid = Uuid::from_u128(0x6368_6170_7465_7200_0000_0000_0000_0002);

fn derived(ns: Uuid, enrollment_id: Uuid, item_id: Uuid) -> Uuid {
    let mut name = [0u8; 32];
    name[..16].copy_from_slice(enrollment_id.as_bytes());
    name[16..].copy_from_slice(item_id.as_bytes());
    Uuid::new_v5(&ns, &name)
}

/// The stable id of the lesson enrollment for (course enrollment, lesson). Lesson enrollments
/// exist implicitly from the course enrollment on; the row is written on first activity.
pub fn lesson_enrollment_id(enrollment_id: Uuid, lesson_id: Uuid) -> Uuid {
    derived(LESSON_NS, enrollment_id, lesson_id)
}

/// The stable id of the chapter enrollment for (course enrollment, chapter).
pub fn chapter_enrollment_id(enrollment_id: Uuid, chapter_id: Uuid) -> Uuid {
    derived(CHAPTER_NS, enrollment_id, chapter_id)
}
