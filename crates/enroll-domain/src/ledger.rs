//! An in-memory reference ledger: the invariants, stated as code.
//!
//! The durable store implements the same rules with database constraints and transactions;
//! this model exists so property tests can drive random command sequences and check them.
use crate::enrollment::{Enrollment, NewEnrollment, initial_state};
use crate::error::DomainError;
use crate::transition::Command;
use time::OffsetDateTime;
use uuid::Uuid;

/// Every enrollment ever made, active and historical.
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    pub enrollments: Vec<Enrollment>,
}

impl Ledger {
    fn active_mut(&mut self, tenant: Uuid, learner: Uuid, course: Uuid) -> Option<&mut Enrollment> {
        self.enrollments.iter_mut().find(|e| {
            e.active && e.tenant_id == tenant && e.learner_id == learner && e.course_id == course
        })
    }

    /// Enrolls; with `reenroll`, an existing active enrollment is archived first.
    pub fn enroll(
        &mut self,
        tenant: Uuid,
        learner: Uuid,
        course: Uuid,
        reenroll: bool,
        now: OffsetDateTime,
    ) -> Result<Uuid, DomainError> {
        if let Some(existing) = self.active_mut(tenant, learner, course) {
            if !reenroll {
                return Err(DomainError::AlreadyEnrolled);
            }
            existing.archive(now);
        }
        let id = Uuid::from_u128(self.enrollments.len() as u128 + 1);
        let new = NewEnrollment {
            id,
            tenant_id: tenant,
            learner_id: learner,
            course_id: course,
            state: initial_state(false, false, false, false),
            due: None,
            expires: None,
            access: None,
            lock_after_due: false,
        };
        self.enrollments.push(Enrollment::new(new, now));
        Ok(id)
    }

    /// Applies a command to one enrollment (time-based expiry first).
    pub fn apply(
        &mut self,
        id: Uuid,
        cmd: &Command,
        now: OffsetDateTime,
    ) -> Result<(), DomainError> {
        let e = self
            .enrollments
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or_else(|| DomainError::Invalid("no such enrollment".into()))?;
        e.refresh(now);
        e.apply(cmd, now)
    }

    /// Un-enrolls: open enrollments are cancelled; every un-enrolled enrollment is archived.
    pub fn unenroll(&mut self, id: Uuid, now: OffsetDateTime) -> Result<(), DomainError> {
        let e = self
            .enrollments
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or_else(|| DomainError::Invalid("no such enrollment".into()))?;
        if !e.active {
            return Err(DomainError::NotActive);
        }
        if !e.state.is_terminal() {
            e.apply(&Command::Cancel, now)?;
        }
        e.archive(now);
        Ok(())
    }

    /// Checks the ledger invariants; returns the first violation.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (i, a) in self.enrollments.iter().enumerate() {
            for b in &self.enrollments[i + 1..] {
                if a.active
                    && b.active
                    && (a.tenant_id, a.learner_id, a.course_id)
                        == (b.tenant_id, b.learner_id, b.course_id)
                {
                    return Err(format!("two active enrollments: {} and {}", a.id, b.id));
                }
            }
            if !(0.0..=100.0).contains(&a.progress) {
                return Err(format!("progress out of range: {}", a.progress));
            }
            if a.state == crate::EnrollmentState::Completed
                && (a.dates.completed.is_none() || a.progress < 100.0)
            {
                return Err(format!("completed without completion data: {}", a.id));
            }
            if a.dates.started.is_some() && a.dates.started < a.dates.added {
                return Err(format!("started before added: {}", a.id));
            }
        }
        Ok(())
    }
}
