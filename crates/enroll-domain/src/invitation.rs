//! Invitations: private ones go to listed addresses; public ones are a link anyone can use,
//! limited by a cap, an expiry date and open/closed and enabled/disabled switches.
//! (SCORM Cloud invitations; TrainerCentral invites reuse the same rules.)
use std::fmt;
use time::OffsetDateTime;

/// Why a visitor cannot register through (or launch from) an invitation. Each dialect words
/// it for its visitors; the text here is the ledger's own (logs, admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The address given is not an e-mail address.
    InvalidEmail,
    /// The invitation's job has not yet prepared the visitor's enrollment.
    NotReady,
    /// The expiration date has passed.
    Expired,
    /// Launching is disabled (`allowLaunch = false`).
    Disabled,
    /// No new registrations (`allowNewRegistrations = false`, "closed").
    Closed,
    /// The registration cap is reached.
    Full,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidEmail => "not a valid e-mail address",
            Self::NotReady => "the invitation is not ready yet",
            Self::Expired => "the invitation has expired",
            Self::Disabled => "the invitation does not allow launching",
            Self::Closed => "the invitation takes no new enrollments",
            Self::Full => "the invitation has reached its enrollment limit",
        })
    }
}

/// The state a public invitation's admission depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicAdmission {
    pub allow_launch: bool,
    pub allow_new_registrations: bool,
    /// 0 = unlimited.
    pub registration_cap: i32,
    pub registration_count: i32,
    pub expires_at: Option<OffsetDateTime>,
}

impl PublicAdmission {
    /// Whether a visitor may proceed at `now`. Someone who already registered through the
    /// invitation may come back even when it is closed or full, not when expired or disabled.
    pub fn admit(&self, now: OffsetDateTime, already_registered: bool) -> Result<(), Refusal> {
        if self.expires_at.is_some_and(|e| e <= now) {
            return Err(Refusal::Expired);
        }
        if !self.allow_launch {
            return Err(Refusal::Disabled);
        }
        if already_registered {
            return Ok(());
        }
        if !self.allow_new_registrations {
            return Err(Refusal::Closed);
        }
        if self.registration_cap > 0 && self.registration_count >= self.registration_cap {
            return Err(Refusal::Full);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::from_millis;

    fn open() -> PublicAdmission {
        PublicAdmission {
            allow_launch: true,
            allow_new_registrations: true,
            registration_cap: 2,
            registration_count: 0,
            expires_at: None,
        }
    }

    #[test]
    fn rules_in_order() {
        let now = from_millis(1_000);
        assert_eq!(open().admit(now, false), Ok(()));
        assert_eq!(
            PublicAdmission {
                registration_count: 2,
                ..open()
            }
            .admit(now, false),
            Err(Refusal::Full)
        );
        assert_eq!(
            PublicAdmission {
                registration_count: 2,
                ..open()
            }
            .admit(now, true),
            Ok(())
        );
        assert_eq!(
            PublicAdmission {
                registration_cap: 0,
                registration_count: 99,
                ..open()
            }
            .admit(now, false),
            Ok(())
        );
        assert_eq!(
            PublicAdmission {
                allow_new_registrations: false,
                ..open()
            }
            .admit(now, false),
            Err(Refusal::Closed)
        );
        assert_eq!(
            PublicAdmission {
                allow_launch: false,
                ..open()
            }
            .admit(now, true),
            Err(Refusal::Disabled)
        );
        assert_eq!(
            PublicAdmission {
                expires_at: Some(now),
                ..open()
            }
            .admit(now, true),
            Err(Refusal::Expired)
        );
        assert_eq!(
            PublicAdmission {
                expires_at: Some(from_millis(2_000)),
                ..open()
            }
            .admit(now, false),
            Ok(())
        );
    }
}
