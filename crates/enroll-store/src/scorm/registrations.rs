//! Registrations: create (caller-chosen id), read, list, delete, new instance, reset,
//! launch links and launch history. Every function that writes is one transaction.
use super::schema::{
    scorm_launch_links as sll, scorm_launches as sl, scorm_registration_instances as sri,
    scorm_registrations as sr, scorm_tags as st,
};
use super::{DateField, ListWindow, Order, PostBack, new_id, new_token};
use crate::conn::DbConn;
use crate::courses::{CourseKey, find_course};
use crate::enrollments::{EnrollOptions, apply_in, enroll_in, find_enrollment};
use crate::error::{StoreError, StoreResult};
use crate::learners::{LearnerKey, NewLearner, find_learner, insert_learner};
use crate::models::{CourseRow, EnrollmentRow, LearnerRow, uuid};
use crate::schema::{courses, enrollments, learners, session_enrollments};
use crate::secrets::hash_secret;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::model::{Course, Dialect, Learner, LearnerIds};
use enroll_domain::{Command, Enrollment, EnrollmentState};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

diesel::define_sql_function!(
    /// SQL `lower(text)`, on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// A stored registration row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sr)]
pub struct RegistrationRow {
    pub id: String,
    pub tenant_id: String,
    pub registration_id: String,
    pub learner_id: String,
    pub course_id: String,
    pub enrollment_id: String,
    pub instance: i32,
    pub xapi_registration_id: String,
    pub invitation_id: Option<String>,
    pub post_back: Option<String>,
    pub first_access_at: Option<i64>,
    pub last_access_at: Option<i64>,
    pub postback_mark: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The learner of a new registration (SCORM Cloud's LearnerSchema).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearnerInfo {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A registration to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewRegistration {
    pub registration_id: String,
    /// The course's SCORM id.
    pub course_id: String,
    pub learner: LearnerInfo,
    pub xapi_registration_id: Option<String>,
    pub post_back: Option<PostBack>,
    pub tags: Vec<String>,
}

/// A registration with its current instance's enrollment, learner and course.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrationView {
    pub pk: Uuid,
    pub registration_id: String,
    pub instance: i32,
    pub xapi_registration_id: String,
    pub invitation_id: Option<Uuid>,
    pub first_access: Option<OffsetDateTime>,
    pub last_access: Option<OffsetDateTime>,
    pub created: OffsetDateTime,
    /// The later of the registration's and its enrollment's last change.
    pub updated: OffsetDateTime,
    pub enrollment: Enrollment,
    pub learner: Learner,
    pub course: Course,
    pub tags: Vec<String>,
    pub post_back: Option<PostBack>,
}

impl RegistrationView {
    /// The learner id SCORM Cloud shows: the learner's SCORM id, else the e-mail address.
    pub fn learner_scorm_id(&self) -> String {
        self.learner
            .ids
            .scorm
            .clone()
            .unwrap_or_else(|| self.learner.email.clone())
    }

    /// The course id SCORM Cloud shows.
    pub fn course_scorm_id(&self) -> String {
        self.course
            .ids
            .scorm
            .clone()
            .unwrap_or_else(|| self.course.id.to_string())
    }
}

/// One launch of a registration.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchRecord {
    pub id: Uuid,
    pub instance: i32,
    pub launched_at: OffsetDateTime,
    pub completion: String,
    pub success: String,
    pub score: Option<f64>,
    pub total_seconds: f64,
}

type LaunchRow = (String, i32, i64, String, String, Option<f64>, f64);

/// Fields a registration list can be filtered on (`filterBy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationField {
    RegistrationId,
    CourseId,
    CourseTitle,
    LearnerId,
    LearnerFirstName,
    LearnerLastName,
    LearnerEmail,
}

/// Query for [`Store::scorm_list_registrations`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistrationQuery {
    /// The course's SCORM id.
    pub course_id: Option<String>,
    /// The learner's SCORM id (or e-mail).
    pub learner_id: Option<String>,
    /// Substring match (case-insensitive) on a field.
    pub filter: Option<(RegistrationField, String)>,
    pub window: ListWindow,
}

/// How a new registration gets its enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attach {
    /// Take over the learner's active enrollment in the course if no registration owns it,
    /// else refuse; enroll when there is none.
    Adopt,
    /// Archive any active enrollment and enroll afresh.
    Reenroll,
    /// The learner was created in this transaction: nothing to adopt.
    Fresh,
}

pub(crate) fn like_pattern(s: &str) -> String {
    let escaped = s
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Finds a learner by SCORM id, else creates one (username `scorm:<id>`).
pub(crate) fn resolve_learner(
    conn: &mut DbConn,
    tenant_id: Uuid,
    info: &LearnerInfo,
    now_ms: i64,
) -> StoreResult<LearnerRow> {
    if let Some(l) = find_learner(conn, tenant_id, &LearnerKey::Scorm(info.id.clone()))? {
        return Ok(l);
    }
    let email = match info.email.as_deref().map(str::trim) {
        Some(e) if !e.is_empty() => e.to_string(),
        _ if info.id.contains('@') => info.id.clone(),
        _ => format!("{}@learners.scormcloud.invalid", info.id),
    };
    let new = NewLearner {
        username: Some(format!("scorm:{}", info.id)),
        email,
        first_name: info.first_name.clone().unwrap_or_default(),
        last_name: info.last_name.clone().unwrap_or_default(),
        ids: LearnerIds {
            scorm: Some(info.id.clone()),
            ..LearnerIds::default()
        },
        ..NewLearner::default()
    };
    let l = insert_learner(conn, tenant_id, &new, now_ms)?;
    find_learner(conn, tenant_id, &LearnerKey::Id(l.id))?
        .ok_or_else(|| StoreError::Internal("learner vanished after insert".into()))
}

/// Finds the learner an invitation address stands for: SCORM id = address, else the first
/// learner with that e-mail, else a new learner whose SCORM id is the address.
pub(crate) fn resolve_learner_by_email(
    conn: &mut DbConn,
    tenant_id: Uuid,
    email: &str,
    first_name: Option<&str>,
    last_name: Option<&str>,
    now_ms: i64,
) -> StoreResult<(LearnerRow, bool)> {
    if let Some(l) = find_learner(conn, tenant_id, &LearnerKey::Scorm(email.to_string()))? {
        return Ok((l, false));
    }
    if let Some(l) = find_learner(conn, tenant_id, &LearnerKey::Email(email.to_string()))? {
        return Ok((l, false));
    }
    let created = resolve_learner(
        conn,
        tenant_id,
        &LearnerInfo {
            id: email.to_string(),
            email: Some(email.to_string()),
            first_name: first_name.map(str::to_string),
            last_name: last_name.map(str::to_string),
        },
        now_ms,
    )?;
    Ok((created, true))
}

fn attach(
    conn: &mut DbConn,
    learner: &LearnerRow,
    course: &CourseRow,
    how: Attach,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let opts = EnrollOptions {
        reenroll: how == Attach::Reenroll,
        ..EnrollOptions::new(Dialect::ScormCloud)
    };
    if how == Attach::Adopt {
        let active: Option<String> = enrollments::table
            .filter(enrollments::tenant_id.eq(&course.tenant_id))
            .filter(enrollments::learner_id.eq(&learner.id))
            .filter(enrollments::course_id.eq(&course.id))
            // A literal, not a bound `true`: SQLite re-prepares statements whose bound value
            // meets a partial index's condition.
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "enrollments.active",
            ))
            .select(enrollments::id)
            .first(conn)
            .optional()?;
        if let Some(eid) = active {
            let owner: Option<String> = sr::table
                .filter(sr::enrollment_id.eq(&eid))
                .select(sr::registration_id)
                .first(conn)
                .optional()?;
            return match owner {
                Some(r) => Err(StoreError::Conflict(format!(
                    "the learner already has registration '{r}' for this course; create a new \
                     instance of it instead"
                ))),
                None => Ok(eid),
            };
        }
    }
    Ok(enroll_in(conn, &learner.id, course, &opts, now)?
        .enrollment
        .core
        .id
        .to_string())
}

/// Creates a registration inside a caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn create_in(
    conn: &mut DbConn,
    learner: &LearnerRow,
    course: &CourseRow,
    registration_id: &str,
    xapi_registration_id: Option<&str>,
    invitation_id: Option<&str>,
    post_back: Option<&PostBack>,
    how: Attach,
    now: OffsetDateTime,
) -> StoreResult<RegistrationRow> {
    let now_ms = to_millis(now);
    // No pre-check for a taken id: the unique (tenant, registration_id) index refuses it and
    // the error is mapped below (the transaction is then rolled back as a whole).
    let enrollment_id = attach(conn, learner, course, how, now)?;
    let row = RegistrationRow {
        id: new_id(),
        tenant_id: course.tenant_id.clone(),
        registration_id: registration_id.to_string(),
        learner_id: learner.id.clone(),
        course_id: course.id.clone(),
        enrollment_id: enrollment_id.clone(),
        instance: 0,
        xapi_registration_id: xapi_registration_id
            .map_or_else(|| Uuid::new_v4().to_string(), str::to_string),
        invitation_id: invitation_id.map(str::to_string),
        post_back: PostBack::encode(post_back)?,
        first_access_at: None,
        last_access_at: None,
        postback_mark: now_ms,
        created_at: now_ms,
        updated_at: now_ms,
    };
    diesel::insert_into(sr::table)
        .values((
            sr::id.eq(&row.id),
            sr::tenant_id.eq(&row.tenant_id),
            sr::registration_id.eq(&row.registration_id),
            sr::learner_id.eq(&row.learner_id),
            sr::course_id.eq(&row.course_id),
            sr::enrollment_id.eq(&row.enrollment_id),
            sr::instance.eq(row.instance),
            sr::xapi_registration_id.eq(&row.xapi_registration_id),
            sr::invitation_id.eq(&row.invitation_id),
            sr::post_back.eq(&row.post_back),
            sr::postback_mark.eq(row.postback_mark),
            sr::created_at.eq(row.created_at),
            sr::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => duplicate(registration_id),
            other => other,
        })?;
    diesel::insert_into(sri::table)
        .values((
            sri::registration_pk.eq(&row.id),
            sri::instance.eq(0),
            sri::enrollment_id.eq(&enrollment_id),
            sri::created_at.eq(now_ms),
        ))
        .execute(conn)?;
    Ok(row)
}

fn duplicate(id: &str) -> StoreError {
    StoreError::Conflict(format!("A registration with id '{id}' already exists"))
}

/// Loads a registration row by its caller-chosen id.
pub(crate) fn find_in(
    conn: &mut DbConn,
    tenant_id: Uuid,
    registration_id: &str,
) -> StoreResult<RegistrationRow> {
    sr::table
        .filter(sr::tenant_id.eq(tenant_id.to_string()))
        .filter(sr::registration_id.eq(registration_id))
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("registrationId '{registration_id}'")))
}

/// Starts a new instance (or, with `reset`, replaces the current one): re-enrolls.
pub(crate) fn renew_in(
    conn: &mut DbConn,
    reg: &RegistrationRow,
    reset: bool,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let now_ms = to_millis(now);
    let tenant = uuid(&reg.tenant_id)?;
    let learner = find_learner(conn, tenant, &LearnerKey::Id(uuid(&reg.learner_id)?))?
        .ok_or_else(|| StoreError::NotFound("learner".into()))?;
    let course = find_course(conn, tenant, &CourseKey::Id(uuid(&reg.course_id)?))?
        .ok_or_else(|| StoreError::NotFound("course".into()))?;
    let eid = attach(conn, &learner, &course, Attach::Reenroll, now)?;
    let instance = if reset {
        reg.instance
    } else {
        reg.instance + 1
    };
    if reset {
        diesel::update(
            sri::table
                .filter(sri::registration_pk.eq(&reg.id))
                .filter(sri::instance.eq(instance)),
        )
        .set(sri::enrollment_id.eq(&eid))
        .execute(conn)?;
    } else {
        diesel::insert_into(sri::table)
            .values((
                sri::registration_pk.eq(&reg.id),
                sri::instance.eq(instance),
                sri::enrollment_id.eq(&eid),
                sri::created_at.eq(now_ms),
            ))
            .execute(conn)?;
    }
    diesel::update(sr::table.filter(sr::id.eq(&reg.id)))
        .set((
            sr::enrollment_id.eq(&eid),
            sr::instance.eq(instance),
            sr::updated_at.eq(now_ms),
            sr::postback_mark.eq(now_ms),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a launch: first/last access, a launch-history entry, and `Start` on the ledger
/// when the enrollment can start (other states are left alone: the launch is still logged).
pub(crate) fn record_launch_in(
    conn: &mut DbConn,
    reg: &RegistrationRow,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let now_ms = to_millis(now);
    let tenant = uuid(&reg.tenant_id)?;
    let mut row = find_enrollment(conn, tenant, uuid(&reg.enrollment_id)?)?;
    let state: EnrollmentState = row.state.parse().map_err(StoreError::Internal)?;
    if row.active
        && matches!(
            state,
            EnrollmentState::NotStarted | EnrollmentState::InProgress
        )
    {
        match apply_in(conn, &mut row, &Command::Start, now) {
            Ok(_) | Err(StoreError::Domain(_)) => {}
            Err(e) => return Err(e),
        }
        row = find_enrollment(conn, tenant, uuid(&reg.enrollment_id)?)?;
    }
    let state: EnrollmentState = row.state.parse().map_err(StoreError::Internal)?;
    let (completion, success) = enroll_domain::vocab::to_scorm(state);
    diesel::insert_into(sl::table)
        .values((
            sl::id.eq(new_id()),
            sl::registration_pk.eq(&reg.id),
            sl::instance.eq(reg.instance),
            sl::launched_at.eq(now_ms),
            sl::completion.eq(completion),
            sl::success.eq(success),
            sl::score.eq(row.score),
            sl::total_seconds.eq(row.time_spent_ms as f64 / 1000.0),
        ))
        .execute(conn)?;
    diesel::update(sr::table.filter(sr::id.eq(&reg.id)))
        .set((
            sr::first_access_at.eq(reg.first_access_at.unwrap_or(now_ms)),
            sr::last_access_at.eq(now_ms),
            sr::updated_at.eq(now_ms),
        ))
        .execute(conn)?;
    Ok(())
}

/// Turns (registration, enrollment) rows into views (learners, courses, tags loaded in bulk).
pub(crate) fn views_in(
    conn: &mut DbConn,
    rows: Vec<(RegistrationRow, EnrollmentRow)>,
    now: OffsetDateTime,
) -> StoreResult<Vec<RegistrationView>> {
    let learner_ids: Vec<String> = rows.iter().map(|(r, _)| r.learner_id.clone()).collect();
    let course_ids: Vec<String> = rows.iter().map(|(r, _)| r.course_id.clone()).collect();
    let reg_ids: Vec<String> = rows.iter().map(|(r, _)| r.id.clone()).collect();
    let mut ls: HashMap<String, Learner> = HashMap::new();
    for chunk in learner_ids.chunks(500) {
        for l in learners::table
            .filter(learners::id.eq_any(chunk))
            .select(LearnerRow::as_select())
            .load::<LearnerRow>(conn)?
        {
            ls.insert(l.id.clone(), l.to_domain()?);
        }
    }
    let mut cs: HashMap<String, Course> = HashMap::new();
    for chunk in course_ids.chunks(500) {
        for c in courses::table
            .filter(courses::id.eq_any(chunk))
            .select(CourseRow::as_select())
            .load::<CourseRow>(conn)?
        {
            cs.insert(c.id.clone(), c.to_domain()?);
        }
    }
    let mut tags: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in reg_ids.chunks(500) {
        let t: Vec<(String, String)> = st::table
            .filter(st::kind.eq("registration"))
            .filter(st::object_id.eq_any(chunk))
            .select((st::object_id, st::tag))
            .order((st::object_id, st::tag))
            .load(conn)?;
        for (o, tag) in t {
            tags.entry(o).or_default().push(tag);
        }
    }
    rows.into_iter()
        .map(|(r, e)| {
            let mut core = e.to_record()?.core;
            core.refresh(now);
            let updated = r.updated_at.max(e.updated_at);
            Ok(RegistrationView {
                pk: uuid(&r.id)?,
                instance: r.instance,
                xapi_registration_id: r.xapi_registration_id,
                invitation_id: r.invitation_id.as_deref().map(uuid).transpose()?,
                first_access: r.first_access_at.map(from_millis),
                last_access: r.last_access_at.map(from_millis),
                created: from_millis(r.created_at),
                updated: from_millis(updated),
                enrollment: core,
                learner: ls
                    .get(&r.learner_id)
                    .cloned()
                    .ok_or_else(|| StoreError::Internal("registration without learner".into()))?,
                course: cs
                    .get(&r.course_id)
                    .cloned()
                    .ok_or_else(|| StoreError::Internal("registration without course".into()))?,
                tags: tags.remove(&r.id).unwrap_or_default(),
                post_back: PostBack::decode(r.post_back.as_deref())?,
                registration_id: r.registration_id,
            })
        })
        .collect()
}

/// Loads the views of registrations by primary key, in the given order.
pub(crate) fn views_by_pk(
    conn: &mut DbConn,
    pks: &[String],
    now: OffsetDateTime,
) -> StoreResult<Vec<RegistrationView>> {
    let mut rows: Vec<(RegistrationRow, EnrollmentRow)> = Vec::with_capacity(pks.len());
    for chunk in pks.chunks(500) {
        rows.extend(
            sr::table
                .inner_join(enrollments::table.on(enrollments::id.eq(sr::enrollment_id)))
                .filter(sr::id.eq_any(chunk))
                .select((RegistrationRow::as_select(), EnrollmentRow::as_select()))
                .load::<(RegistrationRow, EnrollmentRow)>(conn)?,
        );
    }
    let pos: HashMap<&String, usize> = pks.iter().enumerate().map(|(i, p)| (p, i)).collect();
    rows.sort_by_key(|(r, _)| pos.get(&r.id).copied().unwrap_or(usize::MAX));
    views_in(conn, rows, now)
}

fn view_in(
    conn: &mut DbConn,
    tenant_id: Uuid,
    registration_id: &str,
    now: OffsetDateTime,
) -> StoreResult<RegistrationView> {
    let reg = find_in(conn, tenant_id, registration_id)?;
    views_by_pk(conn, &[reg.id], now)?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("registrationId '{registration_id}'")))
}

impl Store {
    /// CreateRegistration: a caller-chosen id (a duplicate is a conflict), the learner found
    /// by SCORM id or created, the course by SCORM id; adopts the learner's active enrollment
    /// when no registration owns it.
    pub fn scorm_create_registration(
        &self,
        tenant_id: Uuid,
        new: &NewRegistration,
    ) -> StoreResult<RegistrationView> {
        let now = self.now();
        self.write(|c| {
            let course = find_course(c, tenant_id, &CourseKey::Scorm(new.course_id.clone()))?
                .ok_or_else(|| StoreError::NotFound(format!("courseId '{}'", new.course_id)))?;
            // A taken id is reported as such before anything else is looked at (the unique
            // index stays the guarantee under concurrency).
            let taken: i64 = sr::table
                .filter(sr::tenant_id.eq(tenant_id.to_string()))
                .filter(sr::registration_id.eq(&new.registration_id))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(duplicate(&new.registration_id));
            }
            let learner = resolve_learner(c, tenant_id, &new.learner, to_millis(now))?;
            let row = create_in(
                c,
                &learner,
                &course,
                &new.registration_id,
                new.xapi_registration_id.as_deref(),
                None,
                new.post_back.as_ref(),
                Attach::Adopt,
                now,
            )?;
            super::tags::add_in(c, tenant_id, super::tags::REGISTRATION, &row.id, &new.tags)?;
            view_in(c, tenant_id, &new.registration_id, now)
        })
    }

    /// GetRegistrationProgress.
    pub fn scorm_registration(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
    ) -> StoreResult<RegistrationView> {
        let now = self.now();
        self.read(|c| view_in(c, tenant_id, registration_id, now))
    }

    /// Whether a registration exists (HEAD).
    pub fn scorm_registration_exists(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
    ) -> StoreResult<bool> {
        self.with_conn(|c| match find_in(c, tenant_id, registration_id) {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        })
    }

    /// DeleteRegistration: cancels (or archives) the current enrollment and deletes the
    /// registration with its instances, launches and tags. Archived enrollments stay in the
    /// ledger as history.
    pub fn scorm_delete_registration(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
    ) -> StoreResult<()> {
        let now = self.now();
        self.write(|c| {
            let reg = find_in(c, tenant_id, registration_id)?;
            let mut row = find_enrollment(c, tenant_id, uuid(&reg.enrollment_id)?)?;
            if row.active {
                let mut e = row.to_record()?.core;
                e.refresh(now);
                if !e.state.is_terminal() {
                    e.apply(&Command::Cancel, now)?;
                }
                e.archive(now);
                row.absorb_core(&e);
                diesel::update(enrollments::table.find(row.id.clone()))
                    .set(&row)
                    .execute(c)?;
                diesel::update(
                    session_enrollments::table
                        .filter(session_enrollments::enrollment_id.eq(&row.id)),
                )
                .set(session_enrollments::active.eq(false))
                .execute(c)?;
            }
            diesel::delete(
                st::table
                    .filter(st::kind.eq(super::tags::REGISTRATION))
                    .filter(st::object_id.eq(&reg.id)),
            )
            .execute(c)?;
            diesel::delete(sr::table.filter(sr::id.eq(&reg.id))).execute(c)?;
            Ok(())
        })
    }

    /// CreateNewRegistrationInstance: re-enrolls; the instance number goes up by one.
    pub fn scorm_new_instance(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
    ) -> StoreResult<RegistrationView> {
        let now = self.now();
        self.write(|c| {
            let reg = find_in(c, tenant_id, registration_id)?;
            renew_in(c, &reg, false, now)?;
            view_in(c, tenant_id, registration_id, now)
        })
    }

    /// DeleteRegistrationProgress (reset): the current instance starts over on a fresh
    /// enrollment; the old one is archived in the ledger.
    pub fn scorm_reset_registration(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
    ) -> StoreResult<RegistrationView> {
        let now = self.now();
        self.write(|c| {
            let reg = find_in(c, tenant_id, registration_id)?;
            renew_in(c, &reg, true, now)?;
            view_in(c, tenant_id, registration_id, now)
        })
    }

    /// A page of registrations and the total count.
    pub fn scorm_list_registrations(
        &self,
        tenant_id: Uuid,
        q: &RegistrationQuery,
    ) -> StoreResult<(i64, Vec<RegistrationView>)> {
        let now = self.now();
        self.read(|c| {
            let t = tenant_id.to_string();
            let course_pk = match &q.course_id {
                Some(cid) => match find_course(c, tenant_id, &CourseKey::Scorm(cid.clone()))? {
                    Some(co) => Some(co.id),
                    None => return Ok((0, vec![])),
                },
                None => None,
            };
            let learner_pks: Option<Vec<String>> = match &q.learner_id {
                Some(lid) => Some(
                    learners::table
                        .filter(learners::tenant_id.eq(&t))
                        .filter(
                            learners::scorm_id
                                .eq(lid)
                                .or(learners::scorm_id.is_null().and(learners::email.eq(lid))),
                        )
                        .select(learners::id)
                        .load(c)?,
                ),
                None => None,
            };
            let tagged: Option<Vec<String>> = if q.window.tags.is_empty() {
                None
            } else {
                Some(super::tags::tagged_in(
                    c,
                    tenant_id,
                    super::tags::REGISTRATION,
                    &q.window.tags,
                )?)
            };
            let base = || {
                let mut b = sr::table
                    .inner_join(enrollments::table.on(enrollments::id.eq(sr::enrollment_id)))
                    .filter(sr::tenant_id.eq(t.clone()))
                    .into_boxed();
                if let Some(cp) = &course_pk {
                    b = b.filter(sr::course_id.eq(cp.clone()));
                }
                if let Some(lp) = &learner_pks {
                    b = b.filter(sr::learner_id.eq_any(lp.clone()));
                }
                if let Some(tg) = &tagged {
                    b = b.filter(sr::id.eq_any(tg.clone()));
                }
                let w = &q.window;
                match w.date_field {
                    DateField::Created => {
                        if let Some(s) = w.since {
                            b = b.filter(sr::created_at.ge(to_millis(s)));
                        }
                        if let Some(u) = w.until {
                            b = b.filter(sr::created_at.le(to_millis(u)));
                        }
                    }
                    DateField::Updated => {
                        if let Some(s) = w.since {
                            let s = to_millis(s);
                            b = b.filter(sr::updated_at.ge(s).or(enrollments::updated_at.ge(s)));
                        }
                        if let Some(u) = w.until {
                            let u = to_millis(u);
                            b = b.filter(sr::updated_at.le(u).and(enrollments::updated_at.le(u)));
                        }
                    }
                }
                if let Some((field, text)) = &q.filter {
                    let p = like_pattern(text);
                    b = match field {
                        RegistrationField::RegistrationId => {
                            b.filter(lower(sr::registration_id).like(p).escape('\\'))
                        }
                        RegistrationField::CourseId => b.filter(
                            sr::course_id.eq_any(
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
                        RegistrationField::CourseTitle => b.filter(
                            sr::course_id.eq_any(
                                courses::table
                                    .filter(courses::tenant_id.eq(t.clone()))
                                    .filter(lower(courses::title).like(p).escape('\\'))
                                    .select(courses::id),
                            ),
                        ),
                        RegistrationField::LearnerId => b.filter(
                            sr::learner_id.eq_any(
                                learners::table
                                    .filter(learners::tenant_id.eq(t.clone()))
                                    .filter(
                                        lower(learners::scorm_id.assume_not_null())
                                            .like(p.clone())
                                            .escape('\\')
                                            .or(lower(learners::email).like(p).escape('\\')),
                                    )
                                    .select(learners::id),
                            ),
                        ),
                        RegistrationField::LearnerFirstName => b.filter(
                            sr::learner_id.eq_any(
                                learners::table
                                    .filter(learners::tenant_id.eq(t.clone()))
                                    .filter(lower(learners::first_name).like(p).escape('\\'))
                                    .select(learners::id),
                            ),
                        ),
                        RegistrationField::LearnerLastName => b.filter(
                            sr::learner_id.eq_any(
                                learners::table
                                    .filter(learners::tenant_id.eq(t.clone()))
                                    .filter(lower(learners::last_name).like(p).escape('\\'))
                                    .select(learners::id),
                            ),
                        ),
                        RegistrationField::LearnerEmail => b.filter(
                            sr::learner_id.eq_any(
                                learners::table
                                    .filter(learners::tenant_id.eq(t.clone()))
                                    .filter(lower(learners::email).like(p).escape('\\'))
                                    .select(learners::id),
                            ),
                        ),
                    };
                }
                b
            };
            let total: i64 = base().count().get_result(c)?;
            let sel = base().select((RegistrationRow::as_select(), EnrollmentRow::as_select()));
            let sel = match q.window.order {
                Order::CreatedAsc => sel.order((sr::created_at.asc(), sr::id.asc())),
                Order::CreatedDesc => sel.order((sr::created_at.desc(), sr::id.desc())),
                Order::UpdatedAsc => sel.order((enrollments::updated_at.asc(), sr::id.asc())),
                Order::UpdatedDesc => sel.order((enrollments::updated_at.desc(), sr::id.desc())),
            };
            let rows: Vec<(RegistrationRow, EnrollmentRow)> =
                sel.limit(q.window.limit).offset(q.window.offset).load(c)?;
            Ok((total, views_in(c, rows, now)?))
        })
    }

    /// BuildRegistrationLaunchLink: a token valid for `expiry_secs`.
    pub fn scorm_launch_link(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
        expiry_secs: i64,
        redirect_url: &str,
    ) -> StoreResult<String> {
        let now = to_millis(self.now());
        let token = new_token();
        self.write(|c| {
            let reg = find_in(c, tenant_id, registration_id)?;
            diesel::insert_into(sll::table)
                .values((
                    sll::token_hash.eq(hash_secret(&token)),
                    sll::registration_pk.eq(&reg.id),
                    sll::redirect_url.eq(redirect_url),
                    sll::expires_at.eq(now.saturating_add(expiry_secs.saturating_mul(1000))),
                    sll::created_at.eq(now),
                ))
                .execute(c)?;
            // Opportunistic cleanup keeps the table small.
            diesel::delete(sll::table.filter(sll::expires_at.lt(now))).execute(c)?;
            Ok(())
        })?;
        Ok(token)
    }

    /// Follows a launch link: records the launch and returns the registration and the
    /// redirect-on-exit URL. Unknown or expired tokens are `NotFound("launch link")`.
    pub fn scorm_open_launch_link(&self, token: &str) -> StoreResult<(RegistrationView, String)> {
        let now = self.now();
        let now_ms = to_millis(now);
        self.write(|c| {
            let found: Option<(String, String)> = sll::table
                .filter(sll::token_hash.eq(hash_secret(token)))
                .filter(sll::expires_at.ge(now_ms))
                .select((sll::registration_pk, sll::redirect_url))
                .first(c)
                .optional()?;
            let (pk, redirect) = found.ok_or_else(|| StoreError::NotFound("launch link".into()))?;
            let reg: RegistrationRow = sr::table
                .filter(sr::id.eq(&pk))
                .select(RegistrationRow::as_select())
                .first(c)?;
            record_launch_in(c, &reg, now)?;
            let view = views_by_pk(c, &[pk], now)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("registration".into()))?;
            Ok((view, redirect))
        })
    }

    /// GetRegistrationLaunchHistory, oldest first.
    pub fn scorm_launch_history(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
    ) -> StoreResult<Vec<LaunchRecord>> {
        self.read(|c| {
            let reg = find_in(c, tenant_id, registration_id)?;
            let rows: Vec<LaunchRow> = sl::table
                .filter(sl::registration_pk.eq(&reg.id))
                .select((
                    sl::id,
                    sl::instance,
                    sl::launched_at,
                    sl::completion,
                    sl::success,
                    sl::score,
                    sl::total_seconds,
                ))
                .order((sl::launched_at, sl::id))
                .load(c)?;
            rows.into_iter()
                .map(|(id, instance, at, completion, success, score, secs)| {
                    Ok(LaunchRecord {
                        id: uuid(&id)?,
                        instance,
                        launched_at: from_millis(at),
                        completion,
                        success,
                        score,
                        total_seconds: secs,
                    })
                })
                .collect()
        })
    }

    /// The enrollment behind each instance of a registration, oldest first.
    pub fn scorm_instances(
        &self,
        tenant_id: Uuid,
        registration_id: &str,
    ) -> StoreResult<Vec<(i32, Uuid)>> {
        self.read(|c| {
            let reg = find_in(c, tenant_id, registration_id)?;
            let rows: Vec<(i32, String)> = sri::table
                .filter(sri::registration_pk.eq(&reg.id))
                .select((sri::instance, sri::enrollment_id))
                .order(sri::instance)
                .load(c)?;
            rows.into_iter().map(|(i, e)| Ok((i, uuid(&e)?))).collect()
        })
    }
}
