//! An invitation's recipients: the private work list and the users an invitation reached
//! (public sign-ups and following a link are in [`super::sign_up`]).
use super::find_row;
use crate::schema::invitation_recipients as ir;
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_store::conn::DbConn;
use enroll_store::crosswalk;
use enroll_store::enrollments::series::{SeriesView, current_of, series_views};
use enroll_store::error::StoreResult;
use enroll_store::launches::launched;
use enroll_store::links::Purpose;
use enroll_store::list::{DateField, ListWindow, Order, like_pattern, lower};
use enroll_store::models::EnrollmentRow;
use enroll_store::{Ledger, Store};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// One recipient an invitation reached (a private address or a public sign-up).
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub email: String,
    /// Their link's token (made from the recipient's id with the store's link key, not
    /// stored; see [`enroll_store::links`]).
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
                    ir::created_at.eq(now_ms),
                    ir::updated_at.eq(now_ms),
                )
            })
            .collect();
        enroll_db::on_backend!(c, c => diesel::insert_into(ir::table).values(&rows).execute(c))?;
    }
    Ok(())
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

/// A private invitation's recipients.
///
/// Implemented for [`Store`]; in scope with `use enroll_invitations::prelude::*`.
pub trait InvitationRecipients: Ledger {
    /// The recipients an invitation reached (addresses still waiting for the job, or skipped
    /// by it, are not listed).
    fn invitation_recipients(
        &self,
        tenant_id: Uuid,
        invitation_id: &str,
        is_public: bool,
        q: &RecipientQuery,
    ) -> StoreResult<(i64, Vec<Recipient>)> {
        let now = self.ledger().now();
        let t = tenant_id.to_string();
        let key = self.ledger().links().clone();
        self.ledger().read(|c| {
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
                ir::id,
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
                .map(|(email, id, updated, series)| {
                    Ok(Recipient {
                        token: key.sign(Purpose::Recipient, &id)?,
                        is_started: started.contains(&series),
                        updated: from_millis(updated),
                        series_id: enroll_store::models::uuid(&series)?,
                        series_names: names.get(Kind::Series, &series),
                        series: reports.remove(&series),
                        email,
                    })
                })
                .collect::<StoreResult<_>>()?;
            Ok((total, items))
        })
    }
}

impl InvitationRecipients for Store {}
