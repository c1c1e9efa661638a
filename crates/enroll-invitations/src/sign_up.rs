//! A public invitation's sign-up, and a recipient following their link.
//!
//! Anyone holding a public invitation's link may sign up with a name and an e-mail address.
//! An address the ledger does not know signs up at once (a new learner, enrolled, and the link
//! to that enrollment), as SCORM Cloud does. An address it knows (a learner has it, or it
//! signed up on this invitation before) has to be proven: a link goes to that address's
//! mailbox (the mail outbox) and the visitor learns nothing else. No learner's name,
//! enrollment or link is shown or returned, and the typed name changes nobody's profile.
//! Following the mailed link signs the address up then (keeping the enrollment its learner
//! already has in the course) and opens it. Mails to one address are paced
//! ([`MAIL_INTERVAL`]) so that visitors cannot flood a mailbox.
use super::jobs::{MailContext, MailRenderer};
use super::{Invitation, InvitationRow, complete, valid_email};
use crate::schema::{invitation_recipients as ir, invitations as inv};
use diesel::prelude::*;
use enroll_db::on_backend;
use enroll_domain::clock::to_millis;
use enroll_domain::invitation::Refusal;
use enroll_store::conn::DbConn;
use enroll_store::courses::{CourseKey, find_course};
use enroll_store::enrollments::series::SeriesView;
use enroll_store::enrollments::{EnrollOptions, EnrollRequest, Existing, enroll_all_in};
use enroll_store::error::{StoreError, StoreResult};
use enroll_store::learners::{NewLearner, ensure_learner_by_email};
use enroll_store::links::{LinkKey, Purpose};
use enroll_store::models::uuid;
use enroll_store::outbox::{Channel, NewMessage, enqueue_in};
use enroll_store::{Ledger, Store};
use time::{Duration, OffsetDateTime};

/// At most one sign-up mail per address and invitation within this time (ledger clock); a
/// visitor signing up again meanwhile is told to check the mail all the same.
pub const MAIL_INTERVAL: Duration = Duration::minutes(5);

/// What a public sign-up did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignUp {
    /// A new address, signed up: the token of its link (the visitor opens it at once).
    Joined(String),
    /// An address the ledger knows: its link went to its mailbox (unless one went there less
    /// than [`MAIL_INTERVAL`] ago).
    Mailed,
}

/// A recipient row: (id, status, series, when its last sign-up mail went out).
type RecipientRow = (String, String, Option<String>, Option<i64>);

fn public_row(c: &mut DbConn, key: &LinkKey, token: &str) -> StoreResult<InvitationRow> {
    let id = key
        .open(Purpose::PublicInvitation, token)
        .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
    inv::table
        .find(&id)
        .filter(inv::is_public.eq(true))
        .select(InvitationRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| StoreError::NotFound("invitation".into()))
}

fn recipient(c: &mut DbConn, invitation_id: &str, email: &str) -> StoreResult<RecipientRow> {
    ir::table
        .filter(ir::invitation_id.eq(invitation_id))
        .filter(ir::email.eq(email))
        .select((ir::id, ir::status, ir::series_id, ir::mailed_at))
        .first(c)
        .optional()?
        .ok_or_else(|| StoreError::Internal("the sign-up's recipient row vanished".into()))
}

/// Reserves the address's row on the invitation (`confirming`, no series yet); false when it
/// has one already. A concurrent sign-up of the same address waits here for the first.
fn reserve(c: &mut DbConn, inv: &InvitationRow, email: &str, now_ms: i64) -> StoreResult<bool> {
    let values = (
        ir::id.eq(uuid::Uuid::now_v7().to_string()),
        ir::invitation_id.eq(&inv.id),
        ir::email.eq(email),
        ir::position.eq(inv.enrolled_count),
        ir::status.eq("confirming"),
        ir::created_at.eq(now_ms),
        ir::updated_at.eq(now_ms),
    );
    let n = on_backend!(c, c => diesel::insert_into(ir::table)
        .values(values.clone())
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// Counts one more registration, refused at the cap: the guarded increment is the check, so
/// concurrent sign-ups serialise on the invitation's row.
fn count_one(c: &mut DbConn, inv: &InvitationRow) -> StoreResult<()> {
    let n = diesel::update(
        inv::table.filter(inv::id.eq(&inv.id)).filter(
            inv::enrollment_cap
                .eq(0)
                .or(inv::enrolled_count.lt(inv::enrollment_cap)),
        ),
    )
    .set(inv::enrolled_count.eq(inv::enrolled_count + 1))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Refused(Refusal::Full));
    }
    Ok(())
}

/// Enrolls a learner through the invitation (an enrollment they have in the course is kept);
/// returns the series.
fn enroll_in(
    c: &mut DbConn,
    inv: &InvitationRow,
    learner_id: String,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let course = find_course(
        c,
        uuid(&inv.tenant_id)?,
        &CourseKey::Id(uuid(&inv.course_id)?),
    )?
    .ok_or_else(|| StoreError::NotFound("course".into()))?;
    let opts = EnrollOptions {
        existing: Existing::Keep,
        invitation_id: Some(inv.id.clone()),
        ..EnrollOptions::from_source(inv.dialect()?.as_str())
    };
    let req = EnrollRequest {
        learner_id,
        course: &course,
        opts: &opts,
    };
    enroll_all_in(c, &[req], now)?
        .first()
        .map(|o| o.enrollment.series_id.to_string())
        .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))
}

/// Puts the recipient's link in the address's mailbox, unless one went there within
/// [`MAIL_INTERVAL`].
fn mail_link(
    c: &mut DbConn,
    key: &LinkKey,
    inv: &InvitationRow,
    r: &RecipientRow,
    email: &str,
    now_ms: i64,
    render: MailRenderer<'_>,
) -> StoreResult<()> {
    let interval = i64::try_from(MAIL_INTERVAL.whole_milliseconds()).unwrap_or(i64::MAX);
    if r.3.is_some_and(|at| at <= now_ms && now_ms - at < interval) {
        return Ok(());
    }
    let tenant = uuid(&inv.tenant_id)?;
    let course = find_course(c, tenant, &CourseKey::Id(uuid(&inv.course_id)?))?
        .ok_or_else(|| StoreError::NotFound("course".into()))?;
    let token = key.sign(Purpose::Recipient, &r.0)?;
    let mail = render(&MailContext {
        invitation_id: &inv.id,
        course_title: &course.title,
        subject: None,
        body: None,
        email,
        link_token: &token,
    });
    let msg = NewMessage {
        tenant_id: Some(tenant),
        channel: Channel::Mail,
        topic: format!("{}.sign_up", inv.dialect()?.as_str()),
        target: email.to_string(),
        headers: vec![],
        content_type: mail.content_type,
        subject: Some(mail.subject),
        body: mail.body,
    };
    enqueue_in(c, &msg, now_ms)?;
    diesel::update(ir::table.find(&r.0))
        .set(ir::mailed_at.eq(now_ms))
        .execute(c)?;
    Ok(())
}

/// The owner of an address followed the link mailed on its sign-up: the sign-up happens now.
/// Returns the series. A second click at the same moment waits for the first, then finds it.
fn confirm_in(
    c: &mut DbConn,
    inv: &InvitationRow,
    recipient_id: &str,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let now_ms = to_millis(now);
    let claimed = diesel::update(
        ir::table
            .filter(ir::id.eq(recipient_id))
            .filter(ir::status.eq("confirming")),
    )
    .set((ir::status.eq("sent"), ir::updated_at.eq(now_ms)))
    .execute(c)?;
    let (email, series): (String, Option<String>) = ir::table
        .find(recipient_id)
        .select((ir::email, ir::series_id))
        .first(c)?;
    if claimed == 0 {
        return series.ok_or_else(|| StoreError::NotFound("invitation".into()));
    }
    inv.admission()
        .admit(now, false)
        .map_err(StoreError::Refused)?;
    count_one(c, inv)?;
    let profile = NewLearner {
        email: email.clone(),
        ..NewLearner::default()
    };
    let (learner, _) = ensure_learner_by_email(
        c,
        uuid(&inv.tenant_id)?,
        inv.dialect()?,
        &email,
        &profile,
        now_ms,
    )?;
    let series = enroll_in(c, inv, learner.id, now)?;
    diesel::update(ir::table.find(recipient_id))
        .set(ir::series_id.eq(&series))
        .execute(c)?;
    Ok(series)
}

/// Visitors of invitation links: public sign-ups and recipients' links.
///
/// Implemented for [`Store`]; in scope with `use enroll_invitations::prelude::*`.
pub trait InvitationSignUps: Ledger {
    /// The public invitation behind a sign-up page token.
    fn public_invitation_by_token(&self, token: &str) -> StoreResult<Invitation> {
        let key = self.ledger().links().clone();
        self.ledger().read(|c| {
            let row = public_row(c, &key, token)?;
            complete(c, &key, vec![row], false, false)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("invitation".into()))
        })
    }

    /// A visitor signs up on a public invitation's page (see the module docs): checks the
    /// switches, the expiration date and (atomically) the cap, then signs a new address up
    /// at once, or mails an address the ledger knows its link (`render` writes that mail).
    /// Refusals are [`StoreError::Refused`]; the dialect words them for the visitor.
    fn join_public_invitation(
        &self,
        token: &str,
        email: &str,
        first_name: &str,
        last_name: &str,
        render: MailRenderer<'_>,
    ) -> StoreResult<SignUp> {
        let email = email.trim().to_lowercase();
        if !valid_email(&email) {
            return Err(StoreError::Refused(Refusal::InvalidEmail));
        }
        let now = self.ledger().now();
        let now_ms = to_millis(now);
        let key = self.ledger().links().clone();
        self.ledger().write(|c| {
            let invitation = public_row(c, &key, token)?;
            let fresh = reserve(c, &invitation, &email, now_ms)?;
            let row = recipient(c, &invitation.id, &email)?;
            // Someone the invitation already registered may come back when it is closed or
            // full; anyone else is admitted by the invitation's rules.
            invitation
                .admission()
                .admit(now, row.2.is_some())
                .map_err(StoreError::Refused)?;
            if fresh {
                let profile = NewLearner {
                    email: email.clone(),
                    first_name: first_name.trim().to_string(),
                    last_name: last_name.trim().to_string(),
                    ..NewLearner::default()
                };
                let tenant = uuid(&invitation.tenant_id)?;
                let dialect = invitation.dialect()?;
                let (learner, created) =
                    ensure_learner_by_email(c, tenant, dialect, &email, &profile, now_ms)?;
                // `created`: nobody had this address, so nobody's enrollment is handed over.
                if created {
                    count_one(c, &invitation)?;
                    let series = enroll_in(c, &invitation, learner.id, now)?;
                    diesel::update(ir::table.find(&row.0))
                        .set((ir::status.eq("sent"), ir::series_id.eq(&series)))
                        .execute(c)?;
                    return Ok(SignUp::Joined(key.sign(Purpose::Recipient, &row.0)?));
                }
            }
            mail_link(c, &key, &invitation, &row, &email, now_ms, render)?;
            Ok(SignUp::Mailed)
        })
    }

    /// A recipient follows their link: checks the invitation is launchable and not expired,
    /// completes a sign-up that waited for this link (see the module docs), records the
    /// launch of their series' current enrollment, and returns the series, the invitation and
    /// the launched session's token.
    fn open_recipient_link(&self, token: &str) -> StoreResult<(SeriesView, Invitation, String)> {
        let now = self.ledger().now();
        let key = self.ledger().links().clone();
        self.ledger().write(|c| {
            let id = key
                .open(Purpose::Recipient, token)
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            let found: Option<(String, String, Option<String>)> = ir::table
                .find(&id)
                .select((ir::invitation_id, ir::status, ir::series_id))
                .first(c)
                .optional()?;
            let (invitation_id, status, series) =
                found.ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            let row: InvitationRow = inv::table
                .find(&invitation_id)
                .select(InvitationRow::as_select())
                .first(c)?;
            if row.expires_at.is_some_and(|e| e <= to_millis(now)) {
                return Err(StoreError::Refused(Refusal::Expired));
            }
            if !row.allow_launch {
                return Err(StoreError::Refused(Refusal::Disabled));
            }
            let series = match series {
                Some(s) => s,
                None if status == "confirming" => confirm_in(c, &row, &id, now)?,
                None => {
                    return Err(StoreError::Refused(Refusal::NotReady));
                }
            };
            let (view, session) =
                enroll_store::launches::launch_series_in(c, &row.tenant_id, &series, now).map_err(
                    |e| match e {
                        StoreError::NotFound(_) => StoreError::NotFound("invitation".into()),
                        other => other,
                    },
                )?;
            let invitation = complete(c, &key, vec![row], false, false)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            Ok((view, invitation, session))
        })
    }
}

impl InvitationSignUps for Store {}
