//! Invitations: create, read, list, update; user invitations; the public sign-up and the
//! learners' invitation links.
use super::jobs::JobStatus;
use super::registrations::{
    Attach, RegistrationRow, RegistrationView, create_in, like_pattern, lower, record_launch_in,
    resolve_learner_by_email, views_by_pk,
};
use super::schema::{
    scorm_invitations as si, scorm_registrations as sr, scorm_user_invitations as sui,
};
use super::tags::{INVITATION, add_in, tagged_in};
use super::{DateField, DuplicateOption, ListWindow, Order, PostBack, new_id, new_token};
use crate::conn::DbConn;
use crate::courses::{CourseKey, find_course};
use crate::error::{StoreError, StoreResult};
use crate::models::CourseRow;
use crate::schema::courses;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::invitation::{PublicAdmission, Refusal};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// An invitation to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewInvitation {
    /// The course's SCORM id.
    pub course_id: String,
    pub creating_user_email: String,
    pub is_public: bool,
    /// Private: the addresses to invite.
    pub addresses: Vec<String>,
    pub email_subject: Option<String>,
    pub email_body: Option<String>,
    pub post_back: Option<PostBack>,
    pub expiration: Option<OffsetDateTime>,
    pub tags: Vec<String>,
    pub duplicate_option: DuplicateOption,
    /// Public: 0 = unlimited.
    pub registration_cap: i32,
}

/// A stored invitation.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub id: String,
    pub course_id: String,
    pub course_title: String,
    pub is_public: bool,
    pub allow_launch: bool,
    pub allow_new_registrations: bool,
    pub registration_cap: i32,
    pub registration_count: i32,
    /// Registrations of the invitation that were launched (computed on request).
    pub launched_registration_count: Option<i64>,
    pub expiration: Option<OffsetDateTime>,
    pub post_back: Option<PostBack>,
    pub creating_user_email: String,
    pub email_subject: Option<String>,
    pub email_body: Option<String>,
    /// Private invitations: every address, in the order given.
    pub addresses: Vec<String>,
    pub public_token: Option<String>,
    pub job: Option<JobStatus>,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
}

impl Invitation {
    /// The domain rules for admitting a visitor (public invitations).
    pub fn admission(&self) -> PublicAdmission {
        PublicAdmission {
            allow_launch: self.allow_launch,
            allow_new_registrations: self.allow_new_registrations,
            registration_cap: self.registration_cap,
            registration_count: self.registration_count,
            expires_at: self.expiration,
        }
    }
}

impl InvitationRow {
    /// The domain rules for admitting a visitor, from the stored row.
    pub(crate) fn admission(&self) -> PublicAdmission {
        PublicAdmission {
            allow_launch: self.allow_launch,
            allow_new_registrations: self.allow_new_registrations,
            registration_cap: self.registration_cap,
            registration_count: self.registration_count,
            expires_at: self.expires_at.map(from_millis),
        }
    }
}

/// The attributes an update may change (`None` = leave as is).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvitationUpdate {
    pub allow_launch: Option<bool>,
    pub allow_new_registrations: Option<bool>,
    pub registration_cap: Option<i32>,
    pub expiration: Option<Option<OffsetDateTime>>,
    pub post_back: Option<Option<PostBack>>,
    pub email_subject: Option<String>,
    pub email_body: Option<String>,
}

/// Fields an invitation list can be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationField {
    InvitationId,
    CourseId,
    CourseTitle,
    CreatingUserEmail,
}

/// Query for [`Store::scorm_list_invitations`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvitationQuery {
    pub is_public: Option<bool>,
    pub course_id: Option<String>,
    pub filter: Option<(InvitationField, String)>,
    pub window: ListWindow,
    /// Load private invitations' addresses.
    pub with_addresses: bool,
    /// Compute launched-registration counts.
    pub with_counts: bool,
}

/// One user's invitation (a private address or a public sign-up).
#[derive(Debug, Clone, PartialEq)]
pub struct UserInvitation {
    pub email: String,
    pub token: String,
    pub is_started: bool,
    pub updated: OffsetDateTime,
    pub registration_id: Option<String>,
    /// With `include_report`.
    pub registration: Option<RegistrationView>,
}

/// Query for [`Store::scorm_user_invitations`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserInvitationQuery {
    /// Substring of the e-mail address.
    pub email: Option<String>,
    pub window: ListWindow,
    pub include_report: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = si)]
pub(crate) struct InvitationRow {
    pub id: String,
    pub tenant_id: String,
    pub course_id: String,
    pub is_public: bool,
    pub allow_launch: bool,
    pub allow_new_registrations: bool,
    pub registration_cap: i32,
    pub registration_count: i32,
    pub expires_at: Option<i64>,
    pub post_back: Option<String>,
    pub creating_user_email: String,
    pub email_subject: Option<String>,
    pub email_body: Option<String>,
    pub duplicate_option: Option<String>,
    pub public_token: Option<String>,
    pub job_status: Option<String>,
    pub job_total: i32,
    pub job_processed: i32,
    pub job_errors: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A syntactically plausible e-mail address (one `@`, something on each side, no spaces).
pub fn valid_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(l), Some(d), None) if !l.is_empty() && d.contains('.') && !d.starts_with('.')
            && !d.ends_with('.') && s.len() <= 254 && !s.chars().any(char::is_whitespace)
    )
}

fn to_invitation(
    r: InvitationRow,
    course: Option<&CourseRow>,
    addresses: Vec<String>,
    launched: Option<i64>,
) -> StoreResult<Invitation> {
    let job = r
        .job_status
        .as_deref()
        .map(|s| JobStatus::from_row(s, r.job_total, r.job_processed, &r.job_errors))
        .transpose()?;
    Ok(Invitation {
        course_id: course
            .and_then(|c| c.scorm_id.clone())
            .unwrap_or_else(|| r.course_id.clone()),
        course_title: course.map(|c| c.title.clone()).unwrap_or_default(),
        is_public: r.is_public,
        allow_launch: r.allow_launch,
        allow_new_registrations: r.allow_new_registrations,
        registration_cap: r.registration_cap,
        registration_count: r.registration_count,
        launched_registration_count: launched,
        expiration: r.expires_at.map(from_millis),
        post_back: PostBack::decode(r.post_back.as_deref())?,
        creating_user_email: r.creating_user_email,
        email_subject: r.email_subject,
        email_body: r.email_body,
        addresses,
        public_token: r.public_token,
        job,
        created: from_millis(r.created_at),
        updated: from_millis(r.updated_at),
        id: r.id,
    })
}

pub(crate) fn find_row(
    conn: &mut DbConn,
    tenant_id: Uuid,
    id: &str,
    is_public: Option<bool>,
) -> StoreResult<InvitationRow> {
    let mut q = si::table
        .filter(si::tenant_id.eq(tenant_id.to_string()))
        .filter(si::id.eq(id))
        .into_boxed();
    if let Some(p) = is_public {
        q = q.filter(si::is_public.eq(p));
    }
    q.select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("invitationId '{id}'")))
}

fn launched_count(conn: &mut DbConn, invitation_id: &str) -> StoreResult<i64> {
    Ok(sr::table
        .filter(sr::invitation_id.eq(invitation_id))
        .filter(sr::first_access_at.is_not_null())
        .count()
        .get_result(conn)?)
}

/// Loads courses, addresses and counts for invitation rows.
fn complete(
    conn: &mut DbConn,
    rows: Vec<InvitationRow>,
    with_addresses: bool,
    with_counts: bool,
) -> StoreResult<Vec<Invitation>> {
    let course_ids: Vec<String> = rows.iter().map(|r| r.course_id.clone()).collect();
    let cs: HashMap<String, CourseRow> = courses::table
        .filter(courses::id.eq_any(&course_ids))
        .select(CourseRow::as_select())
        .load::<CourseRow>(conn)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let addresses = if with_addresses && !r.is_public {
            sui::table
                .filter(sui::invitation_id.eq(&r.id))
                .select(sui::email)
                .order(sui::position)
                .load(conn)?
        } else {
            vec![]
        };
        let launched = if with_counts {
            Some(launched_count(conn, &r.id)?)
        } else {
            None
        };
        let course = cs.get(&r.course_id);
        out.push(to_invitation(r, course, addresses, launched)?);
    }
    Ok(out)
}

fn get_in(
    conn: &mut DbConn,
    tenant_id: Uuid,
    id: &str,
    is_public: Option<bool>,
) -> StoreResult<Invitation> {
    let row = find_row(conn, tenant_id, id, is_public)?;
    complete(conn, vec![row], true, true)?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("invitationId '{id}'")))
}

impl Store {
    /// CreatePrivateInvitation / CreatePublicInvitation. A private invitation stores its
    /// addresses as the job's work list (status STARTED); the job runner does the rest.
    pub fn scorm_create_invitation(
        &self,
        tenant_id: Uuid,
        new: &NewInvitation,
    ) -> StoreResult<Invitation> {
        if new.creating_user_email.trim().is_empty() {
            return Err(StoreError::Invalid("creatingUserEmail is required".into()));
        }
        if new.registration_cap < 0 {
            return Err(StoreError::Invalid(
                "registrationCap cannot be negative".into(),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        let mut addresses = Vec::new();
        for a in &new.addresses {
            let a = a.trim().to_lowercase();
            if !valid_email(&a) {
                return Err(StoreError::Invalid(format!(
                    "'{a}' is not a valid e-mail address"
                )));
            }
            if seen.insert(a.clone()) {
                addresses.push(a);
            }
        }
        if !new.is_public && addresses.is_empty() {
            return Err(StoreError::Invalid(
                "invitationEmail.addresses must name at least one address".into(),
            ));
        }
        let now = to_millis(self.now());
        let id = new_id();
        self.write(|c| {
            let course = find_course(c, tenant_id, &CourseKey::Scorm(new.course_id.clone()))?
                .ok_or_else(|| StoreError::NotFound(format!("courseId '{}'", new.course_id)))?;
            let total = i32::try_from(addresses.len())
                .map_err(|_| StoreError::Invalid("too many addresses".into()))?;
            diesel::insert_into(si::table)
                .values((
                    si::id.eq(&id),
                    si::tenant_id.eq(tenant_id.to_string()),
                    si::course_id.eq(&course.id),
                    si::is_public.eq(new.is_public),
                    si::allow_launch.eq(true),
                    si::allow_new_registrations.eq(true),
                    si::registration_cap.eq(new.registration_cap),
                    si::registration_count.eq(0),
                    si::expires_at.eq(new.expiration.map(to_millis)),
                    si::post_back.eq(PostBack::encode(new.post_back.as_ref())?),
                    si::creating_user_email.eq(&new.creating_user_email),
                    si::email_subject.eq(&new.email_subject),
                    si::email_body.eq(&new.email_body),
                    si::duplicate_option
                        .eq((!new.is_public).then(|| new.duplicate_option.as_str())),
                    si::public_token.eq(new.is_public.then(new_token)),
                    si::job_status.eq((!new.is_public).then_some(JobStatus::STARTED)),
                    si::job_total.eq(total),
                    si::job_processed.eq(0),
                    si::job_errors.eq("[]"),
                    si::created_at.eq(now),
                    si::updated_at.eq(now),
                ))
                .execute(c)?;
            super::batch::insert_work_list(c, &id, &addresses, now)?;
            add_in(c, tenant_id, INVITATION, &id, &new.tags)?;
            get_in(c, tenant_id, &id, None)
        })
    }

    /// GetPrivateInvitation / GetPublicInvitation (`is_public` picks the kind; `None` = any).
    pub fn scorm_invitation(
        &self,
        tenant_id: Uuid,
        id: &str,
        is_public: Option<bool>,
    ) -> StoreResult<Invitation> {
        self.read(|c| get_in(c, tenant_id, id, is_public))
    }

    /// UpdatePrivateInvitation / UpdatePublicInvitation.
    pub fn scorm_update_invitation(
        &self,
        tenant_id: Uuid,
        id: &str,
        is_public: bool,
        u: &InvitationUpdate,
    ) -> StoreResult<Invitation> {
        if u.registration_cap.is_some_and(|c| c < 0) {
            return Err(StoreError::Invalid(
                "registrationCap cannot be negative".into(),
            ));
        }
        let now = to_millis(self.now());
        self.write(|c| {
            let mut r = find_row(c, tenant_id, id, Some(is_public))?;
            if let Some(v) = u.allow_launch {
                r.allow_launch = v;
            }
            if let Some(v) = u.allow_new_registrations {
                r.allow_new_registrations = v;
            }
            if let Some(v) = u.registration_cap {
                r.registration_cap = v;
            }
            if let Some(v) = u.expiration {
                r.expires_at = v.map(to_millis);
            }
            if let Some(v) = &u.post_back {
                r.post_back = PostBack::encode(v.as_ref())?;
            }
            if let Some(v) = &u.email_subject {
                r.email_subject = Some(v.clone());
            }
            if let Some(v) = &u.email_body {
                r.email_body = Some(v.clone());
            }
            diesel::update(si::table.filter(si::id.eq(&r.id)))
                .set((
                    si::allow_launch.eq(r.allow_launch),
                    si::allow_new_registrations.eq(r.allow_new_registrations),
                    si::registration_cap.eq(r.registration_cap),
                    si::expires_at.eq(r.expires_at),
                    si::post_back.eq(&r.post_back),
                    si::email_subject.eq(&r.email_subject),
                    si::email_body.eq(&r.email_body),
                    si::updated_at.eq(now),
                ))
                .execute(c)?;
            get_in(c, tenant_id, id, Some(is_public))
        })
    }

    /// A page of invitations and the total count.
    pub fn scorm_list_invitations(
        &self,
        tenant_id: Uuid,
        q: &InvitationQuery,
    ) -> StoreResult<(i64, Vec<Invitation>)> {
        self.read(|c| {
            let t = tenant_id.to_string();
            let course_pk = match &q.course_id {
                Some(cid) => match find_course(c, tenant_id, &CourseKey::Scorm(cid.clone()))? {
                    Some(co) => Some(co.id),
                    None => return Ok((0, vec![])),
                },
                None => None,
            };
            let tagged = if q.window.tags.is_empty() {
                None
            } else {
                Some(tagged_in(c, tenant_id, INVITATION, &q.window.tags)?)
            };
            let base = || {
                let mut b = si::table.filter(si::tenant_id.eq(t.clone())).into_boxed();
                if let Some(p) = q.is_public {
                    b = b.filter(si::is_public.eq(p));
                }
                if let Some(cp) = &course_pk {
                    b = b.filter(si::course_id.eq(cp.clone()));
                }
                if let Some(tg) = &tagged {
                    b = b.filter(si::id.eq_any(tg.clone()));
                }
                match q.window.date_field {
                    DateField::Created => {
                        if let Some(s) = q.window.since {
                            b = b.filter(si::created_at.ge(to_millis(s)));
                        }
                        if let Some(u) = q.window.until {
                            b = b.filter(si::created_at.le(to_millis(u)));
                        }
                    }
                    DateField::Updated => {
                        if let Some(s) = q.window.since {
                            b = b.filter(si::updated_at.ge(to_millis(s)));
                        }
                        if let Some(u) = q.window.until {
                            b = b.filter(si::updated_at.le(to_millis(u)));
                        }
                    }
                }
                if let Some((field, text)) = &q.filter {
                    let p = like_pattern(text);
                    b = match field {
                        InvitationField::InvitationId => {
                            b.filter(lower(si::id).like(p).escape('\\'))
                        }
                        InvitationField::CreatingUserEmail => {
                            b.filter(lower(si::creating_user_email).like(p).escape('\\'))
                        }
                        InvitationField::CourseId => b.filter(
                            si::course_id.eq_any(
                                courses::table
                                    .filter(courses::tenant_id.eq(t.clone()))
                                    .filter(
                                        lower(courses::scorm_id.assume_not_null())
                                            .like(p)
                                            .escape('\\'),
                                    )
                                    .select(courses::id),
                            ),
                        ),
                        InvitationField::CourseTitle => b.filter(
                            si::course_id.eq_any(
                                courses::table
                                    .filter(courses::tenant_id.eq(t.clone()))
                                    .filter(lower(courses::title).like(p).escape('\\'))
                                    .select(courses::id),
                            ),
                        ),
                    };
                }
                b
            };
            let total: i64 = base().count().get_result(c)?;
            let sel = base().select(InvitationRow::as_select());
            let sel = match q.window.order {
                Order::CreatedAsc => sel.order((si::created_at.asc(), si::id.asc())),
                Order::CreatedDesc => sel.order((si::created_at.desc(), si::id.desc())),
                Order::UpdatedAsc => sel.order((si::updated_at.asc(), si::id.asc())),
                Order::UpdatedDesc => sel.order((si::updated_at.desc(), si::id.desc())),
            };
            let rows: Vec<InvitationRow> =
                sel.limit(q.window.limit).offset(q.window.offset).load(c)?;
            Ok((total, complete(c, rows, q.with_addresses, q.with_counts)?))
        })
    }

    /// GetPrivateUserInvitations / GetPublicUserInvitations: the users an invitation reached
    /// (addresses still waiting for the job, or skipped by it, are not listed).
    pub fn scorm_user_invitations(
        &self,
        tenant_id: Uuid,
        invitation_id: &str,
        is_public: bool,
        q: &UserInvitationQuery,
    ) -> StoreResult<(i64, Vec<UserInvitation>)> {
        let now = self.now();
        self.read(|c| {
            let inv = find_row(c, tenant_id, invitation_id, Some(is_public))?;
            let base = || {
                let mut b = sui::table
                    .inner_join(sr::table.on(sr::id.nullable().eq(sui::registration_pk)))
                    .filter(sui::invitation_id.eq(inv.id.clone()))
                    .into_boxed();
                if let Some(e) = &q.email {
                    b = b.filter(lower(sui::email).like(like_pattern(e)).escape('\\'));
                }
                let w = &q.window;
                let (since, until) = (w.since.map(to_millis), w.until.map(to_millis));
                match w.date_field {
                    DateField::Created => {
                        if let Some(s) = since {
                            b = b.filter(sui::created_at.ge(s));
                        }
                        if let Some(u) = until {
                            b = b.filter(sui::created_at.le(u));
                        }
                    }
                    DateField::Updated => {
                        if let Some(s) = since {
                            b = b.filter(sui::updated_at.ge(s).or(sr::updated_at.ge(s)));
                        }
                        if let Some(u) = until {
                            b = b.filter(sui::updated_at.le(u).and(sr::updated_at.le(u)));
                        }
                    }
                }
                b
            };
            let total: i64 = base().count().get_result(c)?;
            type Item = (String, String, i64, RegistrationRow);
            let sel = base().select((
                sui::email,
                sui::token,
                sui::updated_at,
                RegistrationRow::as_select(),
            ));
            let sel = match q.window.order {
                Order::CreatedAsc | Order::UpdatedAsc => {
                    sel.order((sui::created_at.asc(), sui::position.asc()))
                }
                Order::CreatedDesc | Order::UpdatedDesc => {
                    sel.order((sui::created_at.desc(), sui::position.asc()))
                }
            };
            let rows: Vec<Item> = sel.limit(q.window.limit).offset(q.window.offset).load(c)?;
            let mut reports: HashMap<String, RegistrationView> = if q.include_report {
                let pks: Vec<String> = rows.iter().map(|r| r.3.id.clone()).collect();
                views_by_pk(c, &pks, now)?
                    .into_iter()
                    .map(|v| (v.pk.to_string(), v))
                    .collect()
            } else {
                HashMap::new()
            };
            let items = rows
                .into_iter()
                .map(|(email, token, updated, reg)| UserInvitation {
                    email,
                    token,
                    is_started: reg.first_access_at.is_some(),
                    updated: from_millis(updated.max(reg.updated_at)),
                    registration: reports.remove(&reg.id),
                    registration_id: Some(reg.registration_id),
                })
                .collect();
            Ok((total, items))
        })
    }

    /// The public invitation behind a sign-up page token.
    pub fn scorm_public_invitation_by_token(&self, token: &str) -> StoreResult<Invitation> {
        self.read(|c| {
            let row: InvitationRow = si::table
                .filter(si::public_token.eq(token))
                .select(InvitationRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            complete(c, vec![row], false, false)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("invitation".into()))
        })
    }

    /// A visitor signs up on a public invitation's page: checks `allowLaunch`,
    /// `allowNewRegistrations`, the expiration date (by the store's clock) and the cap
    /// (atomically), then creates the registration, or finds the one this address already
    /// got from the invitation. Returns the user invitation's link token. Refusals are
    /// `StoreError::Invalid` with a message meant for the learner.
    pub fn scorm_public_join(
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
            let inv: InvitationRow = si::table
                .filter(si::public_token.eq(token))
                .select(InvitationRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            let existing: Option<String> = sui::table
                .filter(sui::invitation_id.eq(&inv.id))
                .filter(sui::email.eq(&email))
                .filter(sui::registration_pk.is_not_null())
                .select(sui::token)
                .first(c)
                .optional()?;
            inv.admission()
                .admit(now, existing.is_some())
                .map_err(|r| StoreError::Invalid(r.to_string()))?;
            if let Some(t) = existing {
                return Ok(t);
            }
            // The guarded increment is the cap check: concurrent sign-ups serialise on the row.
            let n = diesel::update(
                si::table.filter(si::id.eq(&inv.id)).filter(
                    si::registration_cap
                        .eq(0)
                        .or(si::registration_count.lt(si::registration_cap)),
                ),
            )
            .set(si::registration_count.eq(si::registration_count + 1))
            .execute(c)?;
            if n == 0 {
                return Err(StoreError::Invalid(Refusal::Full.to_string()));
            }
            let tenant = crate::models::uuid(&inv.tenant_id)?;
            let course = find_course(
                c,
                tenant,
                &CourseKey::Id(crate::models::uuid(&inv.course_id)?),
            )?
            .ok_or_else(|| StoreError::NotFound("course".into()))?;
            let first = (!first_name.trim().is_empty()).then_some(first_name.trim());
            let last = (!last_name.trim().is_empty()).then_some(last_name.trim());
            let (learner, _) = resolve_learner_by_email(c, tenant, &email, first, last, now_ms)?;
            let reg_id = new_id();
            let reg = match create_in(
                c,
                &learner,
                &course,
                &reg_id,
                None,
                Some(&inv.id),
                None,
                Attach::Adopt,
                now,
            ) {
                Err(StoreError::Conflict(_)) => create_in(
                    c,
                    &learner,
                    &course,
                    &reg_id,
                    None,
                    Some(&inv.id),
                    None,
                    Attach::Reenroll,
                    now,
                )?,
                other => other?,
            };
            let link = new_token();
            diesel::insert_into(sui::table)
                .values((
                    sui::id.eq(new_id()),
                    sui::invitation_id.eq(&inv.id),
                    sui::email.eq(&email),
                    sui::position.eq(inv.registration_count),
                    sui::status.eq("sent"),
                    sui::registration_pk.eq(&reg.id),
                    sui::token.eq(&link),
                    sui::created_at.eq(now_ms),
                    sui::updated_at.eq(now_ms),
                ))
                .execute(c)?;
            Ok(link)
        })
    }

    /// A learner follows their invitation link: checks the invitation is launchable and not
    /// expired, records the launch and returns the registration and the invitation.
    pub fn scorm_open_user_invitation(
        &self,
        token: &str,
    ) -> StoreResult<(RegistrationView, Invitation)> {
        let now = self.now();
        let now_ms = to_millis(now);
        self.write(|c| {
            let found: Option<(String, Option<String>)> = sui::table
                .filter(sui::token.eq(token))
                .select((sui::invitation_id, sui::registration_pk))
                .first(c)
                .optional()?;
            let (inv_id, reg_pk) =
                found.ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            let inv: InvitationRow = si::table
                .filter(si::id.eq(&inv_id))
                .select(InvitationRow::as_select())
                .first(c)?;
            if inv.expires_at.is_some_and(|e| e <= now_ms) {
                return Err(StoreError::Invalid("This invitation has expired.".into()));
            }
            if !inv.allow_launch {
                return Err(StoreError::Invalid(
                    "This invitation is disabled: its course cannot be launched.".into(),
                ));
            }
            let reg_pk = reg_pk.ok_or_else(|| {
                StoreError::Invalid(
                    "This invitation is still being prepared; try again in a moment.".into(),
                )
            })?;
            let reg: RegistrationRow = sr::table
                .filter(sr::id.eq(&reg_pk))
                .select(RegistrationRow::as_select())
                .first(c)?;
            record_launch_in(c, &reg, now)?;
            let view = views_by_pk(c, &[reg_pk], now)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("registration".into()))?;
            let invitation = complete(c, vec![inv], false, false)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("invitation".into()))?;
            Ok((view, invitation))
        })
    }
}
