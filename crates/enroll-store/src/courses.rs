//! Courses with their sessions, chapters and lessons, and bundle/curriculum membership.
use crate::conn::DbConn;
use crate::crosswalk;
use crate::crosswalk_column::NamedBy;
use crate::error::{StoreError, StoreResult};
use crate::models::{CourseRow, enum_name, ts, uuid};
use crate::schema::{chapters, course_members, courses, lessons, sessions};
use crate::store::{FirstRow, Store, on_backend};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::lesson::LessonKind;
use enroll_domain::model::{
    Chapter, Course, CourseKind, Dialect, Lesson, Session, SessionEnrollmentType,
};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// How a caller names a course.
#[derive(Debug, Clone, PartialEq)]
pub enum CourseKey {
    /// Ledger id.
    Id(Uuid),
    /// A dialect's id, by the crosswalk rule (see `enroll_domain::crosswalk`).
    External(Dialect, String),
}

/// A session to create.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSession {
    pub id: Option<Uuid>,
    pub name: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub starts_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ends_at: Option<OffsetDateTime>,
    pub capacity: Option<i32>,
}

/// A lesson to create.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewLesson {
    pub id: Option<Uuid>,
    pub name: String,
    /// Content unless said otherwise.
    #[serde(default)]
    pub kind: LessonKind,
}

/// A chapter with its lessons.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewChapter {
    pub id: Option<Uuid>,
    pub name: String,
    #[serde(default)]
    pub lessons: Vec<NewLesson>,
}

/// A course to create, with its structure.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCourse {
    pub id: Option<Uuid>,
    pub kind: CourseKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub session_type: Option<SessionEnrollmentType>,
    #[serde(default)]
    pub requires_approval: bool,
    pub capacity: Option<i32>,
    /// Explicit dialect ids (see `enroll_domain::crosswalk`).
    #[serde(default)]
    pub ids: ExternalIds,
    #[serde(default)]
    pub sessions: Vec<NewSession>,
    #[serde(default)]
    pub chapters: Vec<NewChapter>,
    /// Member course ids (bundles and curricula), in order.
    #[serde(default)]
    pub members: Vec<Uuid>,
    /// The due date or period enrollments get when they ask for the course's default.
    #[serde(default)]
    pub default_due: Option<enroll_domain::schedule::DueDefault>,
}

/// A course with everything inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseDetail {
    pub course: Course,
    pub sessions: Vec<Session>,
    pub chapters: Vec<Chapter>,
    pub lessons: Vec<Lesson>,
    pub members: Vec<Uuid>,
}

/// Inserts a course and its structure inside a caller's transaction.
pub fn insert_course(
    conn: &mut DbConn,
    tenant_id: Uuid,
    new: &NewCourse,
    now: i64,
) -> StoreResult<Uuid> {
    let id = new.id.unwrap_or_else(Uuid::new_v4);
    if new.title.trim().is_empty() {
        return Err(StoreError::Invalid("a course needs a title".into()));
    }
    if new.kind == CourseKind::InstructorLed && new.session_type.is_none() {
        return Err(StoreError::Invalid(
            "an instructor-led course needs a session type".into(),
        ));
    }
    let row = CourseRow {
        id: id.to_string(),
        tenant_id: tenant_id.to_string(),
        kind: enum_name(&new.kind),
        title: new.title.clone(),
        description: new.description.clone(),
        session_type: new.session_type.as_ref().map(enum_name),
        requires_approval: new.requires_approval,
        capacity: new.capacity,
        version: 0,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(courses::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("a course with id {id} already exists"))
            }
            other => other,
        })?;
    crosswalk::record_new(conn, &row.tenant_id, Kind::Course, id, &new.ids)?;
    if new.default_due.is_some() {
        crate::schedule::set_due_default_in(conn, id, new.default_due)?;
    }
    for s in &new.sessions {
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(s.id.unwrap_or_else(Uuid::new_v4).to_string()),
                sessions::course_id.eq(id.to_string()),
                sessions::name.eq(&s.name),
                sessions::starts_at.eq(s.starts_at.map(to_millis)),
                sessions::ends_at.eq(s.ends_at.map(to_millis)),
                sessions::capacity.eq(s.capacity),
            ))
            .execute(conn)?;
    }
    for (ci, ch) in new.chapters.iter().enumerate() {
        let ch_id = ch.id.unwrap_or_else(Uuid::new_v4);
        diesel::insert_into(chapters::table)
            .values((
                chapters::id.eq(ch_id.to_string()),
                chapters::course_id.eq(id.to_string()),
                chapters::name.eq(&ch.name),
                chapters::position.eq(i32::try_from(ci).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
        for (li, l) in ch.lessons.iter().enumerate() {
            diesel::insert_into(lessons::table)
                .values((
                    lessons::id.eq(l.id.unwrap_or_else(Uuid::new_v4).to_string()),
                    lessons::course_id.eq(id.to_string()),
                    lessons::chapter_id.eq(ch_id.to_string()),
                    lessons::name.eq(&l.name),
                    lessons::kind.eq(l.kind.as_str()),
                    lessons::position.eq(i32::try_from(li).unwrap_or(i32::MAX)),
                ))
                .execute(conn)?;
        }
    }
    for (pos, m) in new.members.iter().enumerate() {
        diesel::insert_into(course_members::table)
            .values((
                course_members::collection_id.eq(id.to_string()),
                course_members::course_id.eq(m.to_string()),
                course_members::position.eq(i32::try_from(pos).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// Finds a course row by any key.
pub fn find_course(
    conn: &mut DbConn,
    tenant_id: Uuid,
    key: &CourseKey,
) -> StoreResult<Option<CourseRow>> {
    let t = tenant_id.to_string();
    // Static queries (see `on_backend!`): lookups by key run on every request. A dialect id
    // is resolved by the crosswalk rule inside the course's select: one statement.
    Ok(match key {
        CourseKey::Id(id) => on_backend!(conn, c => courses::table
            .filter(courses::tenant_id.eq(&t))
            .filter(courses::id.eq(id.to_string()))
            .select(CourseRow::as_select())
            .first_row(c))?,
        CourseKey::External(d, s) => on_backend!(conn, c => courses::table
            .filter(courses::tenant_id.eq(&t))
            .filter(courses::id.nullable().eq(NamedBy::new(&t, *d, Kind::Course, s)))
            .select(CourseRow::as_select())
            .first_row(c))?,
    })
}

/// The domain course of a row, with its crosswalk entries.
pub fn course_of(conn: &mut DbConn, row: &CourseRow) -> StoreResult<Course> {
    row.to_domain(crosswalk::ids_for(conn, Kind::Course, &row.id)?)
}

/// Sessions, chapters, lessons and members of one course.
pub fn load_detail(conn: &mut DbConn, row: &CourseRow) -> StoreResult<CourseDetail> {
    let course = course_of(conn, row)?;
    let cid = row.id.clone();
    let srows: Vec<(String, String, Option<i64>, Option<i64>, Option<i32>)> = sessions::table
        .filter(sessions::course_id.eq(&cid))
        .select((
            sessions::id,
            sessions::name,
            sessions::starts_at,
            sessions::ends_at,
            sessions::capacity,
        ))
        .order((sessions::starts_at, sessions::id))
        .load(conn)?;
    let crows: Vec<(String, String, i32)> = chapters::table
        .filter(chapters::course_id.eq(&cid))
        .select((chapters::id, chapters::name, chapters::position))
        .order(chapters::position)
        .load(conn)?;
    let lrows: Vec<(String, String, String, String, i32)> = lessons::table
        .inner_join(chapters::table)
        .filter(lessons::course_id.eq(&cid))
        .select((
            lessons::id,
            lessons::chapter_id,
            lessons::name,
            lessons::kind,
            lessons::position,
        ))
        .order((chapters::position, lessons::position))
        .load(conn)?;
    let mrows: Vec<String> = course_members::table
        .filter(course_members::collection_id.eq(&cid))
        .select(course_members::course_id)
        .order(course_members::position)
        .load(conn)?;
    Ok(CourseDetail {
        sessions: srows
            .into_iter()
            .map(|(id, name, s, e, cap)| {
                Ok(Session {
                    id: uuid(&id)?,
                    course_id: course.id,
                    name,
                    starts_at: ts(s),
                    ends_at: ts(e),
                    capacity: cap,
                })
            })
            .collect::<StoreResult<_>>()?,
        chapters: crows
            .into_iter()
            .map(|(id, name, position)| {
                Ok(Chapter {
                    id: uuid(&id)?,
                    course_id: course.id,
                    name,
                    position,
                })
            })
            .collect::<StoreResult<_>>()?,
        lessons: lrows
            .into_iter()
            .map(|(id, ch, name, kind, position)| {
                Ok(Lesson {
                    id: uuid(&id)?,
                    course_id: course.id,
                    chapter_id: uuid(&ch)?,
                    name,
                    kind: kind
                        .parse()
                        .map_err(|e: String| StoreError::Internal(format!("stored lesson: {e}")))?,
                    position,
                })
            })
            .collect::<StoreResult<_>>()?,
        members: mrows.iter().map(|m| uuid(m)).collect::<StoreResult<_>>()?,
        course,
    })
}

impl Store {
    /// Creates a course with its sessions, chapters and lessons.
    pub fn create_course(&self, tenant_id: Uuid, new: &NewCourse) -> StoreResult<Uuid> {
        let now = to_millis(self.now());
        self.write(|c| insert_course(c, tenant_id, new, now))
    }

    /// A course by any dialect key; `NotFound("course")` when absent or in another tenant.
    pub fn course(&self, tenant_id: Uuid, key: &CourseKey) -> StoreResult<CourseDetail> {
        self.read(|c| {
            let row = find_course(c, tenant_id, key)?
                .ok_or_else(|| StoreError::NotFound("course".into()))?;
            load_detail(c, &row)
        })
    }

    /// A page of a tenant's courses (by title unless ordered otherwise) and the total count.
    pub fn list_courses(
        &self,
        tenant_id: Uuid,
        cq: &CourseQuery,
    ) -> StoreResult<(i64, Vec<Course>)> {
        self.read(|c| {
            let t = tenant_id.to_string();
            let base = || {
                let mut q = courses::table
                    .filter(courses::tenant_id.eq(t.clone()))
                    .into_boxed();
                if let Some(f) = &cq.filter {
                    q = q.filter(f.clone());
                }
                q
            };
            let total: i64 = base().count().get_result(c)?;
            let mut q = base().select(CourseRow::as_select());
            q = match cq.order.as_ref().filter(|o| !o.is_empty()) {
                Some(o) => q.order(o.clone()).then_order_by(courses::id),
                None => q.order((courses::title, courses::id)),
            };
            let rows: Vec<CourseRow> = q.limit(cq.limit).offset(cq.offset).load(c)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let book = crosswalk::ids_of(c, &ids)?;
            Ok((
                total,
                rows.iter()
                    .map(|r| r.to_domain(book.get(Kind::Course, &r.id)))
                    .collect::<StoreResult<_>>()?,
            ))
        })
    }

    /// Publishes a new version of a course: learners enrolling from now on get it (enrollments
    /// made before keep theirs). Returns the new version number.
    pub fn publish_course_version(&self, tenant_id: Uuid, course_id: Uuid) -> StoreResult<i32> {
        let now = to_millis(self.now());
        self.write(|c| {
            let n = diesel::update(
                courses::table
                    .filter(courses::tenant_id.eq(tenant_id.to_string()))
                    .filter(courses::id.eq(course_id.to_string())),
            )
            .set((
                courses::version.eq(courses::version + 1),
                courses::updated_at.eq(now),
            ))
            .execute(c)?;
            if n == 0 {
                return Err(StoreError::NotFound("course".into()));
            }
            Ok(courses::table
                .find(course_id.to_string())
                .select(courses::version)
                .first(c)?)
        })
    }
}

/// What [`Store::list_courses`] returns.
#[derive(Debug, Clone, Default)]
pub struct CourseQuery {
    /// A compiled filter over the course fields (see [`crate::filter`]).
    pub filter: Option<crate::filter::DynFilter>,
    /// A compiled sort (see [`crate::filter::compile_sort`]).
    pub order: Option<crate::filter::Sort>,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    /// The sessions of a tenant's courses `course_ids` (ledger ids), by course, each course's
    /// in session order; courses of other tenants have none.
    pub fn sessions_of(
        &self,
        tenant_id: Uuid,
        course_ids: &[Uuid],
    ) -> StoreResult<std::collections::HashMap<Uuid, Vec<Session>>> {
        let ids: Vec<String> = course_ids.iter().map(Uuid::to_string).collect();
        self.read(|c| {
            let mut out: std::collections::HashMap<Uuid, Vec<Session>> = Default::default();
            for chunk in ids.chunks(400) {
                let rows: Vec<(
                    String,
                    String,
                    String,
                    Option<i64>,
                    Option<i64>,
                    Option<i32>,
                )> = sessions::table
                    .filter(sessions::course_id.eq_any(chunk))
                    .filter(
                        sessions::course_id.eq_any(
                            courses::table
                                .filter(courses::tenant_id.eq(tenant_id.to_string()))
                                .select(courses::id),
                        ),
                    )
                    .select((
                        sessions::id,
                        sessions::course_id,
                        sessions::name,
                        sessions::starts_at,
                        sessions::ends_at,
                        sessions::capacity,
                    ))
                    .order((sessions::starts_at, sessions::id))
                    .load(c)?;
                for (id, course, name, s, e, cap) in rows {
                    let course_id = uuid(&course)?;
                    out.entry(course_id).or_default().push(Session {
                        id: uuid(&id)?,
                        course_id,
                        name,
                        starts_at: ts(s),
                        ends_at: ts(e),
                        capacity: cap,
                    });
                }
            }
            Ok(out)
        })
    }
}
