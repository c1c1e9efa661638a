//! Lesson attempts and how they roll up into lesson and course progress.
use crate::state::EnrollmentState;
use uuid::Uuid;

/// A lesson attempt's status (Absorb's 1 / 3 / 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    InProgress,
    Complete,
    Failed,
}

impl AttemptStatus {
    /// Absorb's integer.
    pub fn code(self) -> i32 {
        match self {
            Self::InProgress => 1,
            Self::Complete => 3,
            Self::Failed => 5,
        }
    }

    /// From Absorb's integer.
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            1 => Some(Self::InProgress),
            3 => Some(Self::Complete),
            5 => Some(Self::Failed),
            _ => None,
        }
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
