//! Tenants, learners, departments, courses and invitations, with the identifier crosswalk.
use crate::crosswalk::{ExternalIds, Kind};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use time::OffsetDateTime;
use uuid::Uuid;

/// The vendor dialects the gateway speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Absorb,
    ScormCloud,
    Lms365,
    Ispring,
    TrainerCentral,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 5] = [
        Self::Absorb,
        Self::ScormCloud,
        Self::Lms365,
        Self::Ispring,
        Self::TrainerCentral,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Absorb => "absorb",
            Self::ScormCloud => "scormcloud",
            Self::Lms365 => "lms365",
            Self::Ispring => "ispring",
            Self::TrainerCentral => "trainercentral",
        }
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| format!("unknown dialect '{s}'"))
    }
}

/// An isolated customer: nothing is shared between tenants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: Uuid,
    pub name: String,
}

/// A learner's role: admins act on anyone in their tenant (or department subtree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Learner,
    Admin,
    DepartmentAdmin,
}

/// A person who can be enrolled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Learner {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: Option<String>,
    pub department_id: Option<Uuid>,
    pub role: Role,
    /// Explicit ids in the dialects (see [`crate::crosswalk`]).
    pub ids: ExternalIds,
}

impl Learner {
    /// The learner's id in `dialect`, by the crosswalk rule.
    pub fn id_in(&self, dialect: Dialect) -> String {
        self.ids.id_in(dialect, Kind::Learner, self.id)
    }

    /// "First Last", as vendors print it.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A node of a tenant's department tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
}

/// Whether `candidate` is `root` or one of its descendants (department administrators act
/// only inside their subtree, see [`crate::access`]). Cycles in bad data end the walk
/// instead of looping.
pub fn in_subtree(departments: &[Department], root: Uuid, candidate: Uuid) -> bool {
    let mut current = Some(candidate);
    for _ in 0..=departments.len() {
        match current {
            Some(id) if id == root => return true,
            Some(id) => {
                current = departments
                    .iter()
                    .find(|d| d.id == id)
                    .and_then(|d| d.parent_id)
            }
            None => return false,
        }
    }
    false
}

/// `root` and every department below it (a department admin's scope). Cycles in bad data
/// end the walk instead of looping.
pub fn subtree(departments: &[Department], root: Uuid) -> Vec<Uuid> {
    departments
        .iter()
        .filter(|d| in_subtree(departments, root, d.id))
        .map(|d| d.id)
        .collect()
}

/// What kind of learning object a course is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseKind {
    /// Self-paced, with chapters and lessons.
    OnlineCourse,
    /// Instructor-led, with sessions.
    InstructorLed,
    /// A bundle of courses.
    Bundle,
    /// A curriculum (ordered courses).
    Curriculum,
}

/// How an instructor-led course enrolls learners in its sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnrollmentType {
    /// One session; enrolling without one leaves the learner to choose.
    SingleSession,
    /// Every session of the course.
    AllSessions,
}

/// A course of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub kind: CourseKind,
    pub title: String,
    pub session_type: Option<SessionEnrollmentType>,
    pub requires_approval: bool,
    /// Seats; `None` = unlimited.
    pub capacity: Option<i32>,
    /// The version learners enrolling now get (bumped when a new version is published).
    pub version: i32,
    /// Explicit ids in the dialects (see [`crate::crosswalk`]).
    pub ids: ExternalIds,
}

impl Course {
    /// The course's id in `dialect`, by the crosswalk rule.
    pub fn id_in(&self, dialect: Dialect) -> String {
        self.ids.id_in(dialect, Kind::Course, self.id)
    }
}

/// A scheduled session of an instructor-led course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: Uuid,
    pub course_id: Uuid,
    pub name: String,
    pub starts_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub capacity: Option<i32>,
}

/// A chapter of an online course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    pub id: Uuid,
    pub course_id: Uuid,
    pub name: String,
    pub position: i32,
}

/// A lesson inside a chapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: Uuid,
    pub course_id: Uuid,
    pub chapter_id: Uuid,
    pub name: String,
    pub kind: crate::lesson::LessonKind,
    pub position: i32,
}
