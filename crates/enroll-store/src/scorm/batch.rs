//! The private-invitation job's batch, set-based: a fixed number of statements per batch
//! (lookups with `IN` lists, multi-row inserts, one multi-row update of the work list) instead
//! of a dozen statements per address, inside the batch's one transaction.
//!
//! It decides exactly as the one-address path ([`super::jobs`]'s `handle_address`) does, which
//! it falls back to where a decision depends on the order of the addresses: a course whose
//! enrollments need per-enrollment decisions (capacity, sessions), and addresses of the batch
//! that stand for the same learner (the second one sees the registration the first created).
use super::invitations::InvitationRow;
use super::jobs::{Batch, MailContext, MailRenderer};
use super::registrations::{Attach, RegistrationRow, create_in, renew_in};
use super::schema::{outbox, scorm_registration_instances as sri, scorm_registrations as sr};
use super::{DuplicateOption, new_id};
use crate::conn::DbConn;
use crate::enrollments::EnrollOptions;
use crate::error::{StoreError, StoreResult};
use crate::learners::random_numeric_id;
use crate::models::{CourseRow, EnrollmentRow, LearnerRow, enum_name};
use crate::outbox::Channel;
use crate::schema::{enrollments, learners};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use enroll_domain::clock::to_millis;
use enroll_domain::enrollment::initial_state;
use enroll_domain::model::{CourseKind, Dialect, Role, SessionEnrollmentType};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// Rows per multi-row statement: at most 24 columns × 500 = 12,000 bound parameters, well
/// under SQLite's 32,766 and PostgreSQL's 65,535.
const CHUNK: usize = 500;

/// A pending work-list row: (id, e-mail, link token).
pub(crate) type PendingRow = (String, String, String);

/// Runs `$body` on the backend's own connection: multi-row INSERTs are not available through
/// the multi-backend connection, and raw SQL needs each backend's placeholders.
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            DbConn::Pg($c) => $body,
            DbConn::Sqlite($c) => $body,
        }
    };
}

/// Whether enrolling in `course` is the same for every learner whatever the order: no
/// capacity (waiting list), no sessions to join, no single session to pick.
pub(crate) fn order_free(course: &CourseRow) -> StoreResult<bool> {
    let d = course.to_domain()?;
    Ok(d.kind != CourseKind::InstructorLed
        && d.capacity.is_none()
        && d.session_type != Some(SessionEnrollmentType::AllSessions))
}

/// What an address gets.
enum Plan {
    /// A new registration on a new enrollment (a new learner, or none active).
    Enroll,
    /// A new registration over the learner's active enrollment no registration owns.
    Adopt(String),
    /// An existing (or just made) registration, linked and mailed.
    Send(Box<RegistrationRow>),
    /// Skipped with this error (duplicateRegistrationOption FAIL).
    Fail(String),
}

/// The learner each address stands for (SCORM id = address, else the first learner with that
/// e-mail), as `resolve_learner_by_email` finds it, in two queries.
fn existing_learners(
    c: &mut DbConn,
    tenant: &str,
    emails: &[&str],
) -> StoreResult<HashMap<String, LearnerRow>> {
    let mut found: HashMap<String, LearnerRow> = HashMap::new();
    for chunk in emails.chunks(CHUNK) {
        let rows: Vec<LearnerRow> = learners::table
            .filter(learners::tenant_id.eq(tenant))
            .filter(learners::scorm_id.eq_any(chunk))
            .select(LearnerRow::as_select())
            .load(c)?;
        for l in rows {
            if let Some(s) = l.scorm_id.clone() {
                found.entry(s).or_insert(l);
            }
        }
    }
    let rest: Vec<&str> = emails
        .iter()
        .copied()
        .filter(|e| !found.contains_key(*e))
        .collect();
    for chunk in rest.chunks(CHUNK) {
        let rows: Vec<LearnerRow> = learners::table
            .filter(learners::tenant_id.eq(tenant))
            .filter(learners::email.eq_any(chunk))
            .select(LearnerRow::as_select())
            .order((learners::created_at, learners::id))
            .load(c)?;
        for l in rows {
            found.entry(l.email.clone()).or_insert(l);
        }
    }
    Ok(found)
}

/// `n` random (v4) ids in ascending order.
fn ascending_ids(n: usize) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = (0..n).map(|_| Uuid::new_v4()).collect();
    ids.sort_unstable();
    ids
}

/// The learner `resolve_learner` creates for an address (as `insert_learner` builds it).
fn new_learner(id: Uuid, tenant: &str, email: &str, now_ms: i64) -> LearnerRow {
    LearnerRow {
        id: id.to_string(),
        tenant_id: tenant.to_string(),
        username: format!("scorm:{email}"),
        email: email.to_string(),
        first_name: String::new(),
        last_name: String::new(),
        job_title: None,
        department_id: None,
        role: enum_name(&Role::default()),
        password_hash: None,
        absorb_id: Some(id.to_string()),
        ispring_id: Some(id.to_string()),
        scorm_id: Some(email.to_string()),
        lms365_login: None,
        tc_member_id: Some(random_numeric_id(id)),
        created_at: now_ms,
        updated_at: now_ms,
    }
}

/// Each learner's latest registration for the course (latest `created_at`, then greatest id,
/// as the one-address path orders them).
fn latest_registrations(
    c: &mut DbConn,
    course: &CourseRow,
    learner_ids: &[&str],
) -> StoreResult<HashMap<String, RegistrationRow>> {
    let mut out: HashMap<String, RegistrationRow> = HashMap::new();
    for chunk in learner_ids.chunks(CHUNK) {
        let rows: Vec<RegistrationRow> = sr::table
            .filter(sr::tenant_id.eq(&course.tenant_id))
            .filter(sr::course_id.eq(&course.id))
            .filter(sr::learner_id.eq_any(chunk))
            .select(RegistrationRow::as_select())
            // Ordered here, not in SQL: with an ORDER BY, SQLite walks the tenant's
            // registrations by date instead of looking the learners up.
            .load(c)?;
        for r in rows {
            match out.get(&r.learner_id) {
                Some(o) if (&o.created_at, &o.id) >= (&r.created_at, &r.id) => {}
                _ => {
                    out.insert(r.learner_id.clone(), r);
                }
            }
        }
    }
    Ok(out)
}

/// Each learner's active enrollment in the course; refused (as `Attach::Adopt` refuses) when
/// a registration already owns it.
fn adoptable(
    c: &mut DbConn,
    course: &CourseRow,
    learner_ids: &[&str],
) -> StoreResult<HashMap<String, String>> {
    let mut active: HashMap<String, String> = HashMap::new();
    for chunk in learner_ids.chunks(CHUNK) {
        let rows: Vec<(String, String)> = enrollments::table
            .filter(enrollments::tenant_id.eq(&course.tenant_id))
            .filter(enrollments::course_id.eq(&course.id))
            .filter(enrollments::learner_id.eq_any(chunk))
            // A literal, not a bound `true` (see `attach`).
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "enrollments.active",
            ))
            .select((enrollments::learner_id, enrollments::id))
            .load(c)?;
        active.extend(rows);
    }
    let eids: Vec<&String> = active.values().collect();
    for chunk in eids.chunks(CHUNK) {
        let owner: Option<String> = sr::table
            .filter(sr::enrollment_id.eq_any(chunk))
            .select(sr::registration_id)
            .first(c)
            .optional()?;
        if let Some(r) = owner {
            return Err(StoreError::Conflict(format!(
                "the learner already has registration '{r}' for this course; create a new \
                 instance of it instead"
            )));
        }
    }
    Ok(active)
}

/// Handles `rows` (pending, in position order) in the caller's transaction; an address another
/// runner handled meanwhile fails the batch (the caller then retries address by address).
pub(crate) fn run(
    c: &mut DbConn,
    inv: &InvitationRow,
    course: &CourseRow,
    rows: &[PendingRow],
    now: OffsetDateTime,
    render: MailRenderer<'_>,
    out: &mut Batch,
) -> StoreResult<()> {
    let now_ms = to_millis(now);
    let tenant = inv.tenant_id.as_str();
    let option = inv
        .duplicate_option
        .as_deref()
        .and_then(DuplicateOption::parse)
        .unwrap_or_default();
    let emails: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let found = existing_learners(c, tenant, &emails)?;

    // Addresses standing for the same learner depend on each other's outcome: they take the
    // one-address path, in order.
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for e in &emails {
        if let Some(l) = found.get(*e) {
            *uses.entry(l.id.as_str()).or_default() += 1;
        }
    }
    let shared = |e: &str| found.get(e).is_some_and(|l| uses[l.id.as_str()] > 1);

    let known: Vec<&str> = emails
        .iter()
        .filter(|e| !shared(e))
        .filter_map(|e| found.get(*e).map(|l| l.id.as_str()))
        .collect();
    let latest = latest_registrations(c, course, &known)?;
    let unregistered: Vec<&str> = known
        .iter()
        .copied()
        .filter(|l| !latest.contains_key(*l))
        .collect();
    let active = adoptable(c, course, &unregistered)?;

    // New ids are random, but handed out in ascending order along the addresses' order: each
    // index then takes the batch's keys in order (a page is visited once, not once per key).
    let mut fresh_emails: Vec<&str> = emails
        .iter()
        .copied()
        .filter(|e| !found.contains_key(*e))
        .collect();
    fresh_emails.sort_unstable();
    let fresh_ids: HashMap<&str, Uuid> = fresh_emails
        .iter()
        .copied()
        .zip(ascending_ids(fresh_emails.len()))
        .collect();

    let mut errors: Vec<(usize, String)> = Vec::new();
    let mut fresh: Vec<LearnerRow> = Vec::new();
    // (row index, learner, plan)
    let mut plans: Vec<(usize, LearnerRow, Plan)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let email = row.1.as_str();
        if shared(email) {
            continue;
        }
        let Some(l) = found.get(email) else {
            let l = new_learner(fresh_ids[email], tenant, email, now_ms);
            fresh.push(l.clone());
            plans.push((i, l, Plan::Enroll));
            continue;
        };
        let plan = match (latest.get(&l.id), option) {
            (None, _) => match active.get(&l.id) {
                Some(eid) => Plan::Adopt(eid.clone()),
                None => Plan::Enroll,
            },
            (Some(r), DuplicateOption::Fail) => Plan::Fail(format!(
                "{email}: already has registration '{}' for this course (duplicateRegistrationOption FAIL)",
                r.registration_id
            )),
            (Some(r), DuplicateOption::SendExisting) => Plan::Send(Box::new(r.clone())),
            (Some(r), DuplicateOption::InstanceExisting) => {
                renew_in(c, r, false, now)?;
                Plan::Send(Box::new(r.clone()))
            }
            (Some(_), DuplicateOption::CreateNew) => Plan::Send(Box::new(create_in(
                c,
                l,
                course,
                &new_id(),
                None,
                Some(&inv.id),
                None,
                Attach::Reenroll,
                now,
            )?)),
        };
        plans.push((i, l.clone(), plan));
    }

    // New learners, enrollments, registrations and their first instances.
    fresh.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    insert_learners(c, &fresh)?;
    plans.sort_by(|a, b| rows[a.0].1.cmp(&rows[b.0].1));
    let creating = plans
        .iter()
        .filter(|p| matches!(p.2, Plan::Enroll | Plan::Adopt(_)))
        .count();
    let mut enrollment_ids = ascending_ids(creating).into_iter();
    let mut reg_pks = ascending_ids(creating).into_iter();
    let mut reg_ids = ascending_ids(creating).into_iter();
    let opts = EnrollOptions::new(Dialect::ScormCloud);
    let state = initial_state(opts.invited, course.requires_approval, false, false);
    let mut new_enrollments: Vec<EnrollmentRow> = Vec::new();
    let mut new_regs: Vec<RegistrationRow> = Vec::new();
    for (_, l, plan) in &mut plans {
        let eid = match plan {
            Plan::Enroll => {
                let e = EnrollmentRow::new_active(
                    enrollment_ids.next().unwrap_or_else(Uuid::new_v4),
                    &course.tenant_id,
                    &l.id,
                    &course.id,
                    state,
                    &opts,
                    now_ms,
                );
                let id = e.id.clone();
                new_enrollments.push(e);
                id
            }
            Plan::Adopt(eid) => eid.clone(),
            Plan::Send(_) | Plan::Fail(_) => continue,
        };
        let reg = RegistrationRow {
            id: reg_pks.next().unwrap_or_else(Uuid::new_v4).to_string(),
            tenant_id: course.tenant_id.clone(),
            registration_id: reg_ids.next().unwrap_or_else(Uuid::new_v4).to_string(),
            learner_id: l.id.clone(),
            course_id: course.id.clone(),
            enrollment_id: eid,
            instance: 0,
            xapi_registration_id: Uuid::new_v4().to_string(),
            invitation_id: Some(inv.id.clone()),
            post_back: None,
            first_access_at: None,
            last_access_at: None,
            postback_mark: now_ms,
            created_at: now_ms,
            updated_at: now_ms,
        };
        new_regs.push(reg.clone());
        *plan = Plan::Send(Box::new(reg));
    }
    insert_enrollments(c, &new_enrollments)?;
    insert_registrations(c, &new_regs)?;

    // The work list's rows, and a mail for each linked address.
    let mut marks: Vec<Mark<'_>> = Vec::with_capacity(plans.len());
    let mut mails: Vec<Mail> = Vec::new();
    let mut mail_ids = ascending_ids(plans.len()).into_iter();
    for (i, _, plan) in &plans {
        let (id, email, token) = &rows[*i];
        match plan {
            Plan::Send(reg) => {
                let m = render(&MailContext {
                    invitation_id: &inv.id,
                    course_title: &course.title,
                    subject: inv.email_subject.as_deref(),
                    body: inv.email_body.as_deref(),
                    email,
                    link_token: token,
                    registration_id: &reg.registration_id,
                });
                mails.push(Mail {
                    id: mail_ids.next().unwrap_or_else(Uuid::new_v4).to_string(),
                    target: email.clone(),
                    content_type: m.content_type,
                    subject: Some(m.subject),
                    body: m.body,
                });
                marks.push(Mark {
                    id,
                    status: "sent",
                    registration_pk: Some(reg.id.clone()),
                    error: None,
                });
                out.linked += 1;
            }
            Plan::Fail(msg) => {
                marks.push(Mark {
                    id,
                    status: "failed",
                    registration_pk: None,
                    error: Some(msg.clone()),
                });
                errors.push((*i, msg.clone()));
            }
            Plan::Enroll | Plan::Adopt(_) => {
                return Err(StoreError::Internal("unplanned address".into()));
            }
        }
    }
    marks.sort_unstable_by(|a, b| a.id.cmp(b.id));
    let marked = mark_rows(c, &marks, now_ms)?;
    if marked != marks.len() {
        return Err(StoreError::Conflict(
            "another runner handled addresses of this batch; retrying".into(),
        ));
    }
    out.processed += i32::try_from(marked).unwrap_or(i32::MAX);
    insert_mails(c, tenant, &mails, now_ms)?;

    // Addresses sharing a learner, one by one and in order.
    for (i, row) in rows.iter().enumerate() {
        if shared(&row.1) {
            let mut one = Batch::default();
            super::jobs::handle_address(c, inv, course, row, now, render, &mut one)?;
            out.processed += one.processed;
            out.linked += one.linked;
            errors.extend(one.errors.into_iter().map(|e| (i, e)));
        }
    }
    errors.sort_by_key(|(i, _)| *i);
    out.errors.extend(errors.into_iter().map(|(_, e)| e));
    Ok(())
}

fn insert_learners(c: &mut DbConn, rows: &[LearnerRow]) -> StoreResult<()> {
    use learners as l;
    for chunk in rows.chunks(CHUNK) {
        // Tuples, not the row type: its `None`s would be DEFAULTs, which SQLite cannot take
        // in a multi-row INSERT.
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    l::id.eq(&r.id),
                    l::tenant_id.eq(&r.tenant_id),
                    l::username.eq(&r.username),
                    l::email.eq(&r.email),
                    l::first_name.eq(&r.first_name),
                    l::last_name.eq(&r.last_name),
                    l::job_title.eq(&r.job_title),
                    l::department_id.eq(&r.department_id),
                    l::role.eq(&r.role),
                    l::password_hash.eq(&r.password_hash),
                    l::absorb_id.eq(&r.absorb_id),
                    l::ispring_id.eq(&r.ispring_id),
                    l::scorm_id.eq(&r.scorm_id),
                    l::lms365_login.eq(&r.lms365_login),
                    l::tc_member_id.eq(r.tc_member_id),
                    l::created_at.eq(r.created_at),
                    l::updated_at.eq(r.updated_at),
                )
            })
            .collect();
        on_backend!(c, c => diesel::insert_into(l::table).values(&values).execute(c)).map_err(
            |e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(
                    "a learner with one of these usernames or ids already exists".into(),
                ),
                other => other,
            },
        )?;
    }
    Ok(())
}

fn insert_enrollments(c: &mut DbConn, rows: &[EnrollmentRow]) -> StoreResult<()> {
    use enrollments as e;
    for chunk in rows.chunks(CHUNK) {
        // Tuples (see `insert_learners`).
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    (
                        e::id.eq(&r.id),
                        e::tenant_id.eq(&r.tenant_id),
                        e::learner_id.eq(&r.learner_id),
                        e::course_id.eq(&r.course_id),
                        e::state.eq(&r.state),
                        e::active.eq(r.active),
                        e::progress.eq(r.progress),
                        e::score.eq(r.score),
                        e::time_spent_ms.eq(r.time_spent_ms),
                        e::lock_after_due.eq(r.lock_after_due),
                        e::added_at.eq(r.added_at),
                        e::started_at.eq(r.started_at),
                    ),
                    (
                        e::completed_at.eq(r.completed_at),
                        e::due_at.eq(r.due_at),
                        e::expires_at.eq(r.expires_at),
                        e::access_at.eq(r.access_at),
                        e::updated_at.eq(r.updated_at),
                        e::course_version_id.eq(&r.course_version_id),
                        e::accepted_terms.eq(r.accepted_terms),
                        e::enrollment_key_id.eq(&r.enrollment_key_id),
                        e::certificate_id.eq(&r.certificate_id),
                        e::credits.eq(r.credits),
                        e::collection_id.eq(&r.collection_id),
                        e::source.eq(&r.source),
                    ),
                )
            })
            .collect();
        on_backend!(c, c => diesel::insert_into(e::table).values(&values).execute(c)).map_err(
            |e| match StoreError::from(e) {
                // A concurrent enroll won the race for the one active slot.
                StoreError::Conflict(_) => {
                    StoreError::Domain(enroll_domain::DomainError::AlreadyEnrolled)
                }
                other => other,
            },
        )?;
    }
    Ok(())
}

fn insert_registrations(c: &mut DbConn, rows: &[RegistrationRow]) -> StoreResult<()> {
    for chunk in rows.chunks(CHUNK) {
        let regs: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    sr::id.eq(&r.id),
                    sr::tenant_id.eq(&r.tenant_id),
                    sr::registration_id.eq(&r.registration_id),
                    sr::learner_id.eq(&r.learner_id),
                    sr::course_id.eq(&r.course_id),
                    sr::enrollment_id.eq(&r.enrollment_id),
                    sr::instance.eq(r.instance),
                    sr::xapi_registration_id.eq(&r.xapi_registration_id),
                    sr::invitation_id.eq(&r.invitation_id),
                    sr::post_back.eq(&r.post_back),
                    sr::postback_mark.eq(r.postback_mark),
                    sr::created_at.eq(r.created_at),
                    sr::updated_at.eq(r.updated_at),
                )
            })
            .collect();
        on_backend!(c, c => diesel::insert_into(sr::table).values(&regs).execute(c)).map_err(
            |e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(
                    "a registration with one of these ids already exists".into(),
                ),
                other => other,
            },
        )?;
        let instances: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    sri::registration_pk.eq(&r.id),
                    sri::instance.eq(r.instance),
                    sri::enrollment_id.eq(&r.enrollment_id),
                    sri::created_at.eq(r.created_at),
                )
            })
            .collect();
        on_backend!(c, c => diesel::insert_into(sri::table).values(&instances).execute(c))?;
    }
    Ok(())
}

/// Writes a private invitation's addresses as its job's work list (`pending`, in order).
pub(crate) fn insert_work_list(
    c: &mut DbConn,
    invitation_id: &str,
    addresses: &[String],
    now_ms: i64,
) -> StoreResult<()> {
    use super::new_token;
    use super::schema::scorm_user_invitations as sui;
    let rows: Vec<(String, i32, String)> = ascending_ids(addresses.len())
        .into_iter()
        .enumerate()
        .map(|(pos, id)| {
            (
                id.to_string(),
                i32::try_from(pos).unwrap_or(i32::MAX),
                new_token(),
            )
        })
        .collect();
    for (chunk, emails) in rows.chunks(CHUNK).zip(addresses.chunks(CHUNK)) {
        let values: Vec<_> = chunk
            .iter()
            .zip(emails)
            .map(|((id, pos, token), email)| {
                (
                    sui::id.eq(id),
                    sui::invitation_id.eq(invitation_id),
                    sui::email.eq(email),
                    sui::position.eq(*pos),
                    sui::status.eq("pending"),
                    sui::token.eq(token),
                    sui::created_at.eq(now_ms),
                    sui::updated_at.eq(now_ms),
                )
            })
            .collect();
        on_backend!(c, c => diesel::insert_into(sui::table).values(&values).execute(c))?;
    }
    Ok(())
}

/// A rendered invitation mail to store (as `enqueue_in` stores mail: delivered at once).
struct Mail {
    id: String,
    target: String,
    content_type: String,
    subject: Option<String>,
    body: String,
}

fn insert_mails(c: &mut DbConn, tenant: &str, mails: &[Mail], now_ms: i64) -> StoreResult<()> {
    let headers = serde_json::to_string(&Vec::<(String, String)>::new())
        .map_err(|e| StoreError::Internal(format!("cannot encode headers: {e}")))?;
    for chunk in mails.chunks(CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|m| {
                (
                    outbox::id.eq(&m.id),
                    outbox::tenant_id.eq(Some(tenant)),
                    outbox::channel.eq(Channel::Mail.as_str()),
                    outbox::topic.eq("scormcloud.invitation"),
                    outbox::target.eq(&m.target),
                    outbox::headers.eq(&headers),
                    outbox::content_type.eq(&m.content_type),
                    outbox::subject.eq(&m.subject),
                    outbox::body.eq(&m.body),
                    outbox::status.eq("delivered"),
                    outbox::attempts.eq(0),
                    outbox::next_attempt_at.eq(now_ms),
                    outbox::created_at.eq(now_ms),
                    outbox::delivered_at.eq(Some(now_ms)),
                )
            })
            .collect();
        on_backend!(c, c => diesel::insert_into(outbox::table).values(&values).execute(c))?;
    }
    Ok(())
}

/// A work-list row's outcome.
struct Mark<'a> {
    id: &'a str,
    status: &'static str,
    registration_pk: Option<String>,
    error: Option<String>,
}

/// Moves rows from `pending` to their outcome in one guarded UPDATE per chunk; returns how
/// many were still pending.
fn mark_rows(c: &mut DbConn, marks: &[Mark<'_>], now_ms: i64) -> StoreResult<usize> {
    let mut n = 0;
    for chunk in marks.chunks(CHUNK) {
        let pg = matches!(c, DbConn::Pg(_));
        let mut p = 1;
        let mut ph = || {
            p += 1;
            if pg {
                format!("${}", p - 1)
            } else {
                "?".into()
            }
        };
        let at = ph();
        let values: Vec<String> = chunk
            .iter()
            .map(|_| format!("({}, {}, {}, {})", ph(), ph(), ph(), ph()))
            .collect();
        let sql = format!(
            "UPDATE scorm_user_invitations SET status = v.column2, registration_pk = v.column3, \
             error = v.column4, updated_at = {at} FROM (VALUES {}) AS v \
             WHERE scorm_user_invitations.id = v.column1 \
             AND scorm_user_invitations.status = 'pending'",
            values.join(", ")
        );
        n += on_backend!(c, c => {
            let mut q = diesel::sql_query(sql.as_str())
                .into_boxed()
                .bind::<BigInt, _>(now_ms);
            for m in chunk {
                q = q
                    .bind::<Text, _>(m.id)
                    .bind::<Text, _>(m.status)
                    .bind::<Nullable<Text>, _>(m.registration_pk.as_deref())
                    .bind::<Nullable<Text>, _>(m.error.as_deref());
            }
            q.execute(c)
        })?;
    }
    Ok(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    //! The set-based batch against the one-address path, on each backend: the same rounds of
    //! invitations (every duplicate option, new and known learners, two addresses standing for
    //! one learner, batches split across them) must leave the same outcome.
    use super::super::jobs::{
        Batch, RenderedMail, finish_batch, handle_address, load_job, pending,
    };
    use super::super::schema::{
        outbox, scorm_invitations as si, scorm_registration_instances as sri,
        scorm_registrations as sr, scorm_user_invitations as sui,
    };
    use super::super::{DuplicateOption, NewInvitation};
    use crate::courses::CourseKey;
    use crate::enrollments::EnrollOptions;
    use crate::learners::{LearnerKey, NewLearner};
    use crate::schema::{enrollments, learners};
    use crate::seed::Seed;
    use crate::store::Store;
    use crate::testing::TestDb;
    use diesel::prelude::*;
    use enroll_domain::clock::FixedClock;
    use enroll_domain::model::LearnerIds;
    use std::sync::Arc;
    use time::macros::datetime;
    use uuid::Uuid;

    const TENANT: Uuid = Uuid::from_u128(0x7d1c7c3e_0000_4000_8000_000000000001);

    fn store(db: &TestDb) -> Store {
        let store = db
            .store(Arc::new(FixedClock(datetime!(2026-01-15 10:00 UTC))))
            .unwrap();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/demo-seed.json"
        ))
        .unwrap();
        store.load_seed(&Seed::from_json(&text).unwrap()).unwrap();
        let learner = |email: &str, scorm: Option<&str>| NewLearner {
            email: email.into(),
            username: Some(format!("u-{email}")),
            ids: LearnerIds {
                scorm: scorm.map(str::to_string),
                ..LearnerIds::default()
            },
            ..NewLearner::default()
        };
        // Two addresses of one learner: by SCORM id and by e-mail.
        store
            .create_learner(
                TENANT,
                &learner("shared-b@example.com", Some("shared-a@example.com")),
            )
            .unwrap();
        // A learner enrolled without a registration: the invitation adopts the enrollment.
        store
            .create_learner(TENANT, &learner("mail@example.com", None))
            .unwrap();
        store
            .enroll(
                TENANT,
                &LearnerKey::Email("mail@example.com".into()),
                &CourseKey::Scorm("compliance-basics".into()),
                &EnrollOptions::from_source("admin"),
            )
            .unwrap();
        store
    }

    fn render(c: &super::MailContext<'_>) -> RenderedMail {
        RenderedMail {
            subject: format!("{} {}", c.course_title, c.email),
            body: format!("{} {}", c.link_token, c.registration_id),
            content_type: "text/plain".into(),
        }
    }

    /// Runs a job to its end in batches of 4, by either path.
    fn run(store: &Store, inv_id: &str, set_based: bool) {
        loop {
            let n = store
                .write(|c| {
                    let (inv, course) = load_job(c, inv_id)?;
                    assert!(super::order_free(&course)?);
                    let rows = pending(c, inv_id, 4)?;
                    let mut b = Batch::default();
                    if set_based {
                        super::run(c, &inv, &course, &rows, store.now(), &render, &mut b)?;
                    } else {
                        for row in &rows {
                            handle_address(c, &inv, &course, row, store.now(), &render, &mut b)?;
                        }
                    }
                    finish_batch(c, inv_id, &b, 0)?;
                    Ok(rows.len())
                })
                .unwrap();
            if n == 0 {
                return;
            }
        }
    }

    type Outcome = (
        String,
        String,
        bool,
        Option<(String, i32, Option<usize>, bool, String)>,
    );

    /// Everything the rounds left, with generated ids replaced by what they stand for.
    fn outcome(
        store: &Store,
        invs: &[String],
    ) -> (Vec<Vec<Outcome>>, Vec<(i32, i32, usize)>, Vec<i64>) {
        store
            .read(|c| {
                let round = |id: &Option<String>| {
                    id.as_ref().and_then(|i| invs.iter().position(|x| x == i))
                };
                let mut per = vec![];
                let mut jobs = vec![];
                for inv in invs {
                    let rows: Vec<(String, String, Option<String>, Option<String>)> = sui::table
                        .filter(sui::invitation_id.eq(inv))
                        .select((sui::email, sui::status, sui::error, sui::registration_pk))
                        .order(sui::position)
                        .load(c)?;
                    let mut out = vec![];
                    for (email, status, error, pk) in rows {
                        let reg = match pk {
                            None => None,
                            Some(pk) => {
                                let (lid, inst, by, eid): (String, i32, Option<String>, String) =
                                    sr::table
                                        .filter(sr::id.eq(&pk))
                                        .select((
                                            sr::learner_id,
                                            sr::instance,
                                            sr::invitation_id,
                                            sr::enrollment_id,
                                        ))
                                        .first(c)?;
                                let who: String = learners::table
                                    .find(&lid)
                                    .select(learners::email)
                                    .first(c)?;
                                let (active, state): (bool, String) = enrollments::table
                                    .find(&eid)
                                    .select((enrollments::active, enrollments::state))
                                    .first(c)?;
                                Some((who, inst, round(&by), active, state))
                            }
                        };
                        out.push((email, status, error.is_some(), reg));
                    }
                    per.push(out);
                    let (p, n, e): (i32, i32, String) = si::table
                        .find(inv)
                        .select((si::job_processed, si::registration_count, si::job_errors))
                        .first(c)?;
                    let e: Vec<String> = serde_json::from_str(&e).unwrap();
                    jobs.push((p, n, e.len()));
                }
                let totals = vec![
                    learners::table.count().get_result(c)?,
                    enrollments::table.count().get_result(c)?,
                    enrollments::table
                        .filter(enrollments::active)
                        .count()
                        .get_result(c)?,
                    sr::table.count().get_result(c)?,
                    sri::table.count().get_result(c)?,
                    outbox::table.count().get_result(c)?,
                ];
                Ok((per, jobs, totals))
            })
            .unwrap()
    }

    #[test]
    fn set_based_batches_decide_like_the_one_address_path() {
        let options = [
            DuplicateOption::SendExisting,
            DuplicateOption::SendExisting,
            DuplicateOption::InstanceExisting,
            DuplicateOption::Fail,
            DuplicateOption::CreateNew,
            DuplicateOption::SendExisting,
        ];
        let dbs: Vec<TestDb> = TestDb::all().unwrap();
        for db in &dbs {
            let other = if db.url.starts_with("sqlite") {
                TestDb::sqlite().unwrap()
            } else {
                TestDb::postgres().unwrap().unwrap()
            };
            let mut results = vec![];
            for (set_based, db) in [(false, db), (true, &other)] {
                drop(store(db));
                let mut invs = vec![];
                for (i, opt) in options.iter().enumerate() {
                    // A later clock each round: "the latest registration" is then unambiguous.
                    let at = datetime!(2026-01-15 10:00 UTC) + time::Duration::minutes(i as i64);
                    let store = db.store(Arc::new(FixedClock(at))).unwrap();
                    let new = NewInvitation {
                        course_id: "compliance-basics".into(),
                        creating_user_email: "admin@demo.example".into(),
                        addresses: vec![
                            "alice@demo.example".into(),
                            "shared-a@example.com".into(),
                            "new1@example.com".into(),
                            format!("new-round{i}@example.com"),
                            "shared-b@example.com".into(),
                            "mail@example.com".into(),
                            "alice".into(),
                        ]
                        .into_iter()
                        .filter(|a: &String| a.contains('@'))
                        // CREATE_NEW gave the shared learner two registrations in the same
                        // millisecond: which one is "latest" is a coin toss on either path.
                        .filter(|a: &String| i < 5 || !a.starts_with("shared-"))
                        .collect(),
                        duplicate_option: *opt,
                        ..NewInvitation::default()
                    };
                    let inv = store.scorm_create_invitation(TENANT, &new).unwrap();
                    run(&store, &inv.id, set_based);
                    invs.push(inv.id);
                }
                let store = db.store(Arc::new(FixedClock(datetime!(2026-01-16 10:00 UTC))));
                results.push(outcome(&store.unwrap(), &invs));
            }
            assert_eq!(results[0], results[1], "{db:?}");
            // The rounds did exercise every kind of decision.
            let (per, jobs, _) = &results[1];
            assert!(jobs[3].2 > 0, "FAIL reported errors");
            assert!(
                per[2]
                    .iter()
                    .any(|o| o.3.as_ref().is_some_and(|r| r.1 == 1))
            );
            let mail = per[0].iter().find(|o| o.0 == "mail@example.com").unwrap();
            assert_eq!(mail.3.as_ref().unwrap().2, Some(0), "adopted in round 0");
        }
    }
}
