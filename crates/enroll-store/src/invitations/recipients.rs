//! An invitation's recipients: the private work list, the users an invitation reached, a
//! public invitation's sign-up, and a recipient following their link.
use super::{Invitation, InvitationRow, complete, find_row, valid_email};
use crate::conn::DbConn;
use crate::crosswalk;
use crate::enrollments::series::{SeriesView, current_of, series_views};
use crate::enrollments::{EnrollOptions, EnrollRequest, Existing, enroll_all_in};
use crate::error::{StoreError, StoreResult};
use crate::learners::{NewLearner, ensure_learner_by_email};
use crate::list::{DateField, ListWindow, Order, like_pattern, lower};
use crate::models::EnrollmentRow;
use crate::schema::{enrollments, invitation_recipients as ir, invitations as inv, launches};
use crate::secrets::new_token;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::invitation::Refusal;
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

/// One recipient an invitation reached (a private address or a public sign-up).
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub email: String,
    /// Their link's token.
    pub token: String,
    /// Whether they launched their enrollment.
    pub is_started: bool,
    pub updated: OffsetDateTime,
    /// The series they got and its names.
    pub series_id: Uuid,
    pub series_names: ExternalIds,
    /// With `include_report`: the series as it is, if it is current.
    pub series: Option<SeriesView>,
}

/// Query for [`Store::invitation_recipients`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecipientQuery {
    /// Substring of the e-mail address.
    pub email: Option<String>,
    pub window: ListWindow,
    pub include_report: bool,
}

/// Writes a private invitation's addresses as its pending work list, in order.
pub(crate) fn insert_work_list(
    c: &mut DbConn,
    invitation_id: &str,
    addresses: &[String],
    now_ms: i64,
) -> StoreResult<()> {
    for (n, chunk) in addresses.chunks(500).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, email)| {
                let pos = i32::try_from(n * 500 + i).unwrap_or(i32::MAX);
                (
                    ir::id.eq(Uuid::now_v7().to_string()),
                    ir::invitation_id.eq(invitation_id),
                    ir::email.eq(email),
                    ir::position.eq(pos),
                    ir::status.eq("pending"),
                    ir::token.eq(new_token()),
                    ir::created_at.eq(now_ms),
                    ir::updated_at.eq(now_ms),
                )
            })
            .collect();
        crate::store::on_backend!(c, c => diesel::insert_into(ir::table).values(&rows).execute(c))?;
    }
    Ok(())
}

/// The series among `series_ids` with at least one launch of any of their enrollments.
pub(crate) fn launched(conn: &mut DbConn, series_ids: &[&str]) -> StoreResult<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in series_ids.chunks(400) {
        // A series' first enrollment has its id; later ones are in the partial index on
        // `series_id` (its condition repeated word for word).
        let rows: Vec<String> = launches::table
            .inner_join(enrollments::table)
            .filter(
                enrollments::id
                    .eq_any(chunk)
                    .or(enrollments::series_id.eq_any(chunk).and(diesel::dsl::sql::<
                        diesel::sql_types::Bool,
                    >(
                        "enrollments.series_id <> enrollments.id",
                    ))),
            )
            .select(enrollments::series_id)
            .distinct()
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// How many of an invitation's recipients launched their enrollment.
pub(crate) fn launched_count(conn: &mut DbConn, invitation_id: &str) -> StoreResult<i64> {
    let series: Vec<String> = ir::table
        .filter(ir::invitation_id.eq(invitation_id))
        .filter(ir::series_id.is_not_null())
        .select(ir::series_id.assume_not_null())
        .load(conn)?;
    let refs: Vec<&str> = series.iter().map(String::as_str).collect();
    Ok(i64::try_from(launched(conn, &refs)?.len()).unwrap_or(i64::MAX))
}

impl Store {
    /// The recipients an invitation reached (addresses still waiting for the job, or skipped
    /// by it, are not listed).
    pub fn invitation_recipients(
        &self,
        tenant_id: Uuid,
        invitation_id: &str,
        is_public: bool,
        q: &RecipientQuery,
    ) -> StoreResult<(i64, Vec<Recipient>)> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.read(|c| {
            let invitation = find_row(c, &t, invitation_id, Some(is_public))?;
            let base = || {
                let mut b = ir::table
                    .filter(ir::invitation_id.eq(invitation.id.clone()))
                    .filter(ir::series_id.is_not_null())
                    .into_boxed();
                if let Some(e) = &q.email {
                    b = b.filter(lower(ir::email).like(like_pattern(e)).escape('\\'));
                }
                let (since, until) = (q.window.since.map(to_millis), q.window.until.map(to_millis));
                match q.window.date_field {
                    DateField::Created => {
                        if let Some(s) = since {
                            b = b.filter(ir::created_at.ge(s));
                        }
                        if let Some(u) = until {
                            b = b.filter(ir::created_at.le(u));
                        }
                    }
                    DateField::Updated => {
                        if let Some(s) = since {
                            b = b.filter(ir::updated_at.ge(s));
                        }
                        if let Some(u) = until {
                            b = b.filter(ir::updated_at.le(u));
                        }
                    }
                }
                b
            };
            let total: i64 = base().count().get_result(c)?;
            let sel = base().select((
                ir::email,
                ir::token,
                ir::updated_at,
                ir::series_id.assume_not_null(),
            ));
            let sel = match q.window.order {
                Order::CreatedAsc | Order::UpdatedAsc => {
                    sel.order((ir::created_at.asc(), ir::position.asc()))
                }
                Order::CreatedDesc | Order::UpdatedDesc => {
                    sel.order((ir::created_at.desc(), ir::position.asc()))
                }
            };
            let rows: Vec<(String, String, i64, String)> =
                sel.limit(q.window.limit).offset(q.window.offset).load(c)?;
            let series: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
            let started = launched(c, &series)?;
            let names = crosswalk::ids_of(c, &series)?;
            let mut reports: HashMap<String, SeriesView> = HashMap::new();
            if q.include_report {
                let mut current: Vec<EnrollmentRow> = Vec::new();
                for s in &series {
                    current.extend(current_of(c, &t, s)?);
                }
                for v in series_views(c, &t, &current, now)? {
                    reports.insert(v.series_id.to_string(), v);
                }
            }
            let items = rows
                .into_iter()
                .map(|(email, token, updated, series)| {
                    Ok(Recipient {
                        is_started: started.contains(&series),
                        updated: from_millis(updated),
                        series_id: crate::models::uuid(&series)?,
                        series_names: names.get(Kind::Series, &series),
                        series: reports.remove(&series),
                        email,
                        token,
                    })
                })
                .collect::<StoreResult<_>>()?;
            Ok((total, items))
        })
    }

    /// The public invitation behind a sign-up page token.
    pub fn public_invitation_by_token(&self, token: &str) -> StoreResult<Invitation> {
        self.read(|c| {
            let row: InvitationRow = inv::table
                .filter(inv::public_token.eq(token))
                .select(InvitationRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            complete(c, vec![row], false, false)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("invitation".into()))
        })
    }

    /// A visitor signs up on a public invitation's page: checks the switches, the expiration
    /// date and (atomically) the cap, then enrolls the learner the address stands for (a
    /// learner already enrolled in the course gets a link to that enrollment's series), or
    /// finds what this address got from the invitation before. Returns the recipient's link
    /// token. Refusals are `Invalid`, worded for the learner.
    pub fn join_public_invitation(
        &self,
        token: &str,
        email: &str,
        first_name: &str,
        last_name: &str,
    ) -> StoreResult<String> {
        let email = email.trim().to_lowercase();
        if !valid_email(&email) {
            return Err(StoreError::Invalid(
                "Please enter a valid e-mail address.".into(),
            ));
        }
        let now = self.now();
        let now_ms = to_millis(now);
        self.write(|c| {
            let invitation: InvitationRow = inv::table
                .filter(inv::public_token.eq(token))
                .select(InvitationRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            let existing: Option<String> = ir::table
                .filter(ir::invitation_id.eq(&invitation.id))
                .filter(ir::email.eq(&email))
                .filter(ir::series_id.is_not_null())
                .select(ir::token)
                .first(c)
                .optional()?;
            invitation
                .admission()
                .admit(now, existing.is_some())
                .map_err(|r| StoreError::Invalid(r.to_string()))?;
            if let Some(t) = existing {
                return Ok(t);
            }
            // The guarded increment is the cap check: concurrent sign-ups serialise on the row.
            let n = diesel::update(
                inv::table.filter(inv::id.eq(&invitation.id)).filter(
                    inv::enrollment_cap
                        .eq(0)
                        .or(inv::enrolled_count.lt(inv::enrollment_cap)),
                ),
            )
            .set(inv::enrolled_count.eq(inv::enrolled_count + 1))
            .execute(c)?;
            if n == 0 {
                return Err(StoreError::Invalid(Refusal::Full.to_string()));
            }
            let tenant = crate::models::uuid(&invitation.tenant_id)?;
            let dialect = invitation.dialect()?;
            let profile = NewLearner {
                email: email.clone(),
                first_name: first_name.trim().to_string(),
                last_name: last_name.trim().to_string(),
                ..NewLearner::default()
            };
            let (learner, _) =
                ensure_learner_by_email(c, tenant, dialect, &email, &profile, now_ms)?;
            let course = crate::courses::find_course(
                c,
                tenant,
                &crate::courses::CourseKey::Id(crate::models::uuid(&invitation.course_id)?),
            )?
            .ok_or_else(|| StoreError::NotFound("course".into()))?;
            let opts = EnrollOptions {
                existing: Existing::Keep,
                invitation_id: Some(invitation.id.clone()),
                ..EnrollOptions::from_source(dialect.as_str())
            };
            let req = EnrollRequest {
                learner_id: learner.id,
                course: &course,
                opts: &opts,
            };
            let out = enroll_all_in(c, &[req], now)?;
            let series = out
                .first()
                .map(|o| o.enrollment.series_id.to_string())
                .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))?;
            let link = new_token();
            diesel::insert_into(ir::table)
                .values((
                    ir::id.eq(Uuid::now_v7().to_string()),
                    ir::invitation_id.eq(&invitation.id),
                    ir::email.eq(&email),
                    ir::position.eq(invitation.enrolled_count),
                    ir::status.eq("sent"),
                    ir::series_id.eq(&series),
                    ir::token.eq(&link),
                    ir::created_at.eq(now_ms),
                    ir::updated_at.eq(now_ms),
                ))
                .execute(c)?;
            Ok(link)
        })
    }

    /// A recipient follows their link: checks the invitation is launchable and not expired,
    /// records the launch of their series' current enrollment, and returns the series, the
    /// invitation and the launched session's token.
    pub fn open_recipient_link(
        &self,
        token: &str,
    ) -> StoreResult<(SeriesView, Invitation, String)> {
        let now = self.now();
        self.write(|c| {
            let found: Option<(String, Option<String>)> = ir::table
                .filter(ir::token.eq(token))
                .select((ir::invitation_id, ir::series_id))
                .first(c)
                .optional()?;
            let (invitation_id, series) =
                found.ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            let row: InvitationRow = inv::table
                .find(&invitation_id)
                .select(InvitationRow::as_select())
                .first(c)?;
            if row.expires_at.is_some_and(|e| e <= to_millis(now)) {
                return Err(StoreError::Invalid(Refusal::Expired.to_string()));
            }
            if !row.allow_launch {
                return Err(StoreError::Invalid(Refusal::Disabled.to_string()));
            }
            let series = series.ok_or_else(|| {
                StoreError::Invalid(
                    "This invitation is still being prepared; try again in a moment.".into(),
                )
            })?;
            let (view, session) =
                crate::launches::launch_series_in(c, &row.tenant_id, &series, now).map_err(
                    |e| match e {
                        StoreError::NotFound(_) => StoreError::NotFound("invitation".into()),
                        other => other,
                    },
                )?;
            let invitation = complete(c, vec![row], false, false)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            Ok((view, invitation, session))
        })
    }
}
