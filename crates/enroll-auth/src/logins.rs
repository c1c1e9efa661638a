//! Password logins (Absorb's `POST /authenticate`, and any dialect that signs users in by
//! username and password): verification, the upgrade of old hashes, and throttling.
//!
//! # Throttling policy
//! Failed logins are counted per *account*: the tenant and the username, lower-cased. A
//! username that names no learner (or one without a password) is counted the same way and
//! costs the same time, so neither the answers nor their timing tell which usernames exist.
//! * The first [`FREE_FAILURES`] failures in a row are answered as plain refusals.
//! * From then on each failure locks the account for 30 s, doubling with every further
//!   failure up to [`MAX_LOCK`]; while locked, every login of the account — with the right
//!   password too — is refused as [`Login::Throttled`] at once (no password is checked, so a
//!   locked account costs no hashing), with the time left.
//! * A successful login clears the count; so does a quiet [`FAILURE_WINDOW`] since the last
//!   failure (the pruning task then deletes the row).
//!
//! The count lives in the database (`login_failures`, updated atomically), so on PostgreSQL
//! every process sees and adds to the same count: several gateways behind a load balancer
//! cannot be used to multiply the guesses. Attempts already under way when the lock starts
//! finish (at most one per concurrent request). Times are the ledger's clock, like token
//! lifetimes: an admin clock advance ends a lock, as it ends a token.
//!
//! API keys and app secrets (Absorb's private key, SCORM Cloud's app id and secret key,
//! LMS365's API key) are not throttled: they are random keys checked by a hash lookup (see
//! [`enroll_store::secrets`]), the way the vendors issue them, not something a person remembers; and
//! a lockout keyed by an app id, which is not secret, would let anyone lock an integration
//! out.
use diesel::prelude::*;
use enroll_db::{FirstRow, on_backend};
use enroll_domain::clock::to_millis;
use enroll_domain::model::Learner;
use enroll_store::conn::DbConn;
use enroll_store::error::StoreResult;
use enroll_store::learners::{LearnerKey, find_learner, learner_of};
use enroll_store::schema::learners;
use enroll_store::schema::login_failures;
use enroll_store::secrets::{hash_password, outdated, verify_nothing, verify_password};
use enroll_store::{Ledger, Store};
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

/// Failures in a row answered without a lock.
pub const FREE_FAILURES: i32 = 5;
/// The first lock; it doubles with each further failure.
pub const FIRST_LOCK: Duration = Duration::from_secs(30);
/// The longest lock.
pub const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// A failure this long after the previous one starts the count afresh.
pub const FAILURE_WINDOW: Duration = enroll_store::prune::LOGIN_FAILURE_WINDOW;

/// What a login attempt got.
#[derive(Debug, Clone, PartialEq)]
pub enum Login {
    /// The password matches: the learner.
    Accepted(Learner),
    /// Wrong username or password (which, is not said).
    Refused,
    /// Too many failures: the account is locked for `retry_after` more.
    Throttled { retry_after: Duration },
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The lock after `failures` failures in a row, if any.
fn lock_after(failures: i32) -> Option<Duration> {
    let over = u32::try_from(failures - FREE_FAILURES).ok()?;
    Some(
        FIRST_LOCK
            .checked_mul(1u32.checked_shl(over).unwrap_or(u32::MAX))
            .map_or(MAX_LOCK, |d| d.min(MAX_LOCK)),
    )
}

/// The stored key of an account: no username is kept in clear.
fn account(tenant_id: Uuid, username: &str) -> String {
    let name = username.trim().to_lowercase();
    hex::encode(Sha256::digest(format!("{tenant_id}\n{name}").as_bytes()))
}

/// Records a failure of `account` at `now_ms` in one transaction; every process adds to the
/// same row (an atomic upsert, so concurrent failures all count).
fn record_failure(c: &mut DbConn, tenant_id: Uuid, account: &str, now_ms: i64) -> StoreResult<()> {
    use login_failures as f;
    // A count whose last failure is older than the window (and whose lock has ended) starts
    // over.
    diesel::delete(
        f::table
            .filter(f::account.eq(account))
            .filter(f::last_failure_at.lt(now_ms.saturating_sub(ms(FAILURE_WINDOW))))
            .filter(f::locked_until.is_null().or(f::locked_until.le(now_ms))),
    )
    .execute(c)?;
    on_backend!(c, c => diesel::insert_into(f::table)
        .values((
            f::account.eq(account),
            f::tenant_id.eq(tenant_id.to_string()),
            f::failures.eq(1),
            f::last_failure_at.eq(now_ms),
        ))
        .on_conflict(f::account)
        .do_update()
        .set((f::failures.eq(f::failures + 1), f::last_failure_at.eq(now_ms)))
        .execute(c))?;
    let failures: i32 = f::table.find(account).select(f::failures).first(c)?;
    if let Some(lock) = lock_after(failures) {
        diesel::update(f::table.find(account))
            .set(f::locked_until.eq(now_ms.saturating_add(ms(lock))))
            .execute(c)?;
    }
    Ok(())
}

/// Password logins with throttling (Absorb's `POST /authenticate`, iSpring's and TrainerCentral's sign-ins).
///
/// Implemented for [`Store`]; in scope with `use enroll_auth::prelude::*`.
pub trait PasswordLogins: Ledger {
    /// Signs a learner in by username and password, under the throttling policy of this
    /// module. The password is checked outside any transaction (it takes a tenth of a
    /// second the first time a process sees a stored hash; see [`enroll_store::secrets`]); a hash
    /// made with fewer rounds than today's is replaced after a successful login.
    fn login(&self, tenant_id: Uuid, username: &str, password: &str) -> StoreResult<Login> {
        let now_ms = to_millis(self.ledger().now());
        let account = account(tenant_id, username);
        let key = LearnerKey::Username(username.to_string());
        let (row, locked_until, counted) = self.ledger().with_conn(|c| {
            let throttle: Option<Option<i64>> = login_failures::table
                .find(&account)
                .select(login_failures::locked_until)
                .first_row(c)?;
            Ok((
                find_learner(c, tenant_id, &key)?,
                throttle.flatten(),
                throttle.is_some(),
            ))
        })?;
        if let Some(until) = locked_until.filter(|u| *u > now_ms) {
            let left = u64::try_from(until - now_ms).unwrap_or(0);
            return Ok(Login::Throttled {
                retry_after: Duration::from_millis(left),
            });
        }
        let stored = row.as_ref().and_then(|r| r.password_hash.clone());
        let ok = match &stored {
            Some(h) => verify_password(password, h),
            None => {
                verify_nothing(password);
                false
            }
        };
        let (Some(row), Some(stored), true) = (row, stored, ok) else {
            self.ledger()
                .write(|c| record_failure(c, tenant_id, &account, now_ms))?;
            return Ok(Login::Refused);
        };
        // Hashed before the transaction: the writer is not held for the hashing.
        let upgraded = outdated(&stored).then(|| hash_password(password));
        if counted || upgraded.is_some() {
            self.ledger().write(|c| {
                diesel::delete(login_failures::table.find(&account)).execute(c)?;
                if let Some(new) = &upgraded {
                    // Only if the hash is still the one checked: a password changed meanwhile
                    // (by another process too) stays changed.
                    diesel::update(
                        learners::table
                            .filter(learners::id.eq(&row.id))
                            .filter(learners::password_hash.eq(&stored)),
                    )
                    .set(learners::password_hash.eq(new))
                    .execute(c)?;
                }
                Ok(())
            })?;
            if let Some(new) = &upgraded {
                // The next login with the new hash is answered from the cache too.
                verify_password(password, new);
            }
        }
        Ok(Login::Accepted(
            self.ledger().with_conn(|c| learner_of(c, &row))?,
        ))
    }
}

impl PasswordLogins for Store {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_after_the_free_failures_double_and_stop_growing() {
        assert_eq!(lock_after(FREE_FAILURES - 1), None);
        assert_eq!(lock_after(FREE_FAILURES), Some(FIRST_LOCK));
        assert_eq!(lock_after(FREE_FAILURES + 1), Some(FIRST_LOCK * 2));
        assert_eq!(lock_after(FREE_FAILURES + 4), Some(FIRST_LOCK * 16));
        assert_eq!(lock_after(FREE_FAILURES + 5), Some(MAX_LOCK));
        assert_eq!(lock_after(i32::MAX), Some(MAX_LOCK));
    }

    #[test]
    fn accounts_ignore_case_and_spaces_and_keep_no_name() {
        let t = Uuid::new_v4();
        assert_eq!(
            account(t, " Alice@Demo.example"),
            account(t, "alice@demo.example")
        );
        assert_ne!(account(t, "alice"), account(Uuid::new_v4(), "alice"));
        assert!(!account(t, "alice").contains("alice"));
    }
}
