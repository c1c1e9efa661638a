//! Listing invitations: by kind and course, a time window, tags, a text filter and an order.
use super::{Invitation, InvitationRow, complete};
use crate::schema::invitations as inv;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::Dialect;
use enroll_store::crosswalk;
use enroll_store::error::StoreResult;
use enroll_store::list::{DateField, ListWindow, Order, id_like, text_like};
use enroll_store::tags::{self, TagKind};
use enroll_store::{Ledger, Store};
use uuid::Uuid;

/// Fields an invitation list can be filtered on (case-insensitive substring).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationField {
    Id,
    CourseId,
    CourseTitle,
    CreatorEmail,
}

/// Query for [`Store::list_invitations`] (course ids in `dialect`'s ids).
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationQuery {
    pub dialect: Dialect,
    pub is_public: Option<bool>,
    pub course_id: Option<String>,
    pub text: Option<(InvitationField, String)>,
    pub window: ListWindow,
    /// Load private invitations' addresses.
    pub with_addresses: bool,
    /// Compute launched counts.
    pub with_counts: bool,
}

/// Lists of invitations.
///
/// Implemented for [`Store`]; in scope with `use enroll_invitations::prelude::*`.
pub trait InvitationQueries: Ledger {
    /// A page of invitations and the total count.
    fn list_invitations(
        &self,
        tenant_id: Uuid,
        q: &InvitationQuery,
    ) -> StoreResult<(i64, Vec<Invitation>)> {
        let t = tenant_id.to_string();
        let key = self.ledger().links().clone();
        self.ledger().read(|c| {
            let Some(course) =
                crosswalk::narrowing(c, &t, q.dialect, Kind::Course, q.course_id.as_deref())?
            else {
                return Ok((0, vec![]));
            };
            let base = || {
                let mut b = inv::table.filter(inv::tenant_id.eq(t.clone())).into_boxed();
                if let Some(p) = q.is_public {
                    b = b.filter(inv::is_public.eq(p));
                }
                if let Some(cp) = &course {
                    b = b.filter(inv::course_id.eq(cp.clone()));
                }
                if !q.window.tags.is_empty() {
                    b = b.filter(tags::tagged(
                        "invitations.id",
                        &t,
                        TagKind::Invitation,
                        &q.window.tags,
                    ));
                }
                let (since, until) = (q.window.since.map(to_millis), q.window.until.map(to_millis));
                match q.window.date_field {
                    DateField::Created => {
                        if let Some(s) = since {
                            b = b.filter(inv::created_at.ge(s));
                        }
                        if let Some(u) = until {
                            b = b.filter(inv::created_at.le(u));
                        }
                    }
                    DateField::Updated => {
                        if let Some(s) = since {
                            b = b.filter(inv::updated_at.ge(s));
                        }
                        if let Some(u) = until {
                            b = b.filter(inv::updated_at.le(u));
                        }
                    }
                }
                if let Some((field, text)) = &q.text {
                    b = b.filter(match field {
                        InvitationField::Id => text_like("invitations.id", text),
                        InvitationField::CreatorEmail => {
                            text_like("invitations.creator_email", text)
                        }
                        InvitationField::CourseId => {
                            id_like("invitations.course_id", Kind::Course, q.dialect, text)
                        }
                        InvitationField::CourseTitle => enroll_store::list::text_like(
                            "(SELECT co.title FROM courses co WHERE co.id = invitations.course_id)",
                            text,
                        ),
                    });
                }
                b
            };
            let total: i64 = base().count().get_result(c)?;
            let sel = base().select(InvitationRow::as_select());
            let sel = match q.window.order {
                Order::CreatedAsc => sel.order((inv::created_at.asc(), inv::id.asc())),
                Order::CreatedDesc => sel.order((inv::created_at.desc(), inv::id.desc())),
                Order::UpdatedAsc => sel.order((inv::updated_at.asc(), inv::id.asc())),
                Order::UpdatedDesc => sel.order((inv::updated_at.desc(), inv::id.desc())),
            };
            let rows: Vec<InvitationRow> =
                sel.limit(q.window.limit).offset(q.window.offset).load(c)?;
            Ok((
                total,
                complete(c, &key, rows, q.with_addresses, q.with_counts)?,
            ))
        })
    }
}

impl InvitationQueries for Store {}
