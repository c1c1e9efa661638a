//! Who may act on which learner: the ledger's one authorization rule, whatever dialect the
//! caller speaks. An account (an API client acting for the tenant) and administrators reach
//! every learner of their tenant; department administrators the learners of their department
//! and the departments below it; a learner only themselves.
use crate::model::{Department, Learner, Role, subtree};
use uuid::Uuid;

/// The learners an actor may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every learner of the tenant (the account itself, role `admin`).
    All,
    /// Learners of these departments (a department administrator's subtree; empty: nobody).
    Departments(Vec<Uuid>),
    /// Only this learner (a learner acting for themselves).
    Own(Uuid),
}

impl Scope {
    /// The scope of `actor`, given the tenant's department tree. A department administrator
    /// without a department reaches nobody.
    pub fn of(actor: &Learner, departments: &[Department]) -> Self {
        match (actor.role, actor.department_id) {
            (Role::Admin, _) => Self::All,
            (Role::DepartmentAdmin, Some(root)) => Self::Departments(subtree(departments, root)),
            (Role::DepartmentAdmin, None) => Self::Departments(Vec::new()),
            (Role::Learner, _) => Self::Own(actor.id),
        }
    }

    /// Whether the scope reaches the learner `learner_id` of department `department`.
    pub fn reaches_id(&self, learner_id: Uuid, department: Option<Uuid>) -> bool {
        match self {
            Self::All => true,
            Self::Departments(ds) => department.is_some_and(|d| ds.contains(&d)),
            Self::Own(id) => *id == learner_id,
        }
    }

    /// Whether the scope reaches `learner`.
    pub fn reaches(&self, learner: &Learner) -> bool {
        self.reaches_id(learner.id, learner.department_id)
    }

    /// The departments a list of learners or enrollments is limited to (`None`: not by
    /// department). A learner's own scope names no department: their lists go by their id.
    pub fn departments(&self) -> Option<Vec<Uuid>> {
        match self {
            Self::All => None,
            Self::Departments(ds) => Some(ds.clone()),
            Self::Own(_) => Some(Vec::new()),
        }
    }

    /// Whether the actor may manage other learners at all (an administrator of some kind).
    pub fn administers(&self) -> bool {
        !matches!(self, Self::Own(_))
    }
}
