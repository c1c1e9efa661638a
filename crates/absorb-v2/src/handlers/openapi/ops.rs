//! The implemented operations, as `routes.rs` registers them (a test checks both agree).

/// One operation of the document.
#[derive(Debug)]
pub struct Op {
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// Path relative to the mount point, with `{name}` parameters (each a GUID).
    pub path: &'static str,
    /// `operationId`.
    pub id: &'static str,
    /// Absorb's operation title.
    pub summary: &'static str,
    /// Query parameters, by their name under `components/parameters`.
    pub query: &'static [&'static str],
    /// The request body, by its name under `components/requestBodies`.
    pub body: Option<&'static str>,
    /// Success: status, response schema (`None`: no body), description.
    pub ok: (u16, Option<&'static str>, &'static str),
    /// Error statuses besides 400, 401 and 503 (which every operation can give).
    pub errors: &'static [u16],
}

/// The path parameters of `path`, in order.
pub fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

const LIST: &[&str] = &[
    "Filter",
    "Sort",
    "Limit",
    "Offset",
    "LegacyLimit",
    "LegacyOffset",
    "Status",
    "ModifiedSince",
];
const FILTERS: &[&str] = &["Status", "ModifiedSince"];
const ROSTER: &[&str] = &[
    "Limit",
    "Offset",
    "LegacyLimit",
    "LegacyOffset",
    "Status",
    "ModifiedSince",
];
const ADMIN_READ: &[u16] = &[403, 404];
const ADMIN_WRITE: &[u16] = &[403, 404, 422];
const E_CREATED: Option<&str> = Some("EnrollmentCreated");
const UCE: Option<&str> = Some("UserCourseEnrollmentResource");

macro_rules! op {
    ($m:literal $p:literal $id:literal $s:literal, q $q:expr, b $b:expr, ok ($st:literal, $sc:expr, $d:literal), e $e:expr) => {
        Op {
            method: $m,
            path: $p,
            id: $id,
            summary: $s,
            query: $q,
            body: $b,
            ok: ($st, $sc, $d),
            errors: $e,
        }
    };
}

/// Every implemented operation.
#[rustfmt::skip]
pub const OPS: &[Op] = &[
    op!("post" "/authenticate" "authenticate" "Authenticate (basic method): a bare JSON string token, valid 4 hours; issuing one revokes the user's previous token",
        q &[], b Some("AuthenticationRequest"), ok (200, Some("Token"), "The token, as a JSON string."), e &[429]),
    op!("get" "/users" "listUsers" "List users", q &["UserFilter", "UserSort", "Limit", "Offset", "LegacyLimit", "LegacyOffset"], b None,
        ok (200, Some("UsersResource"), "A page of the users the caller reaches (a department administrator: their department subtree's learners)."), e &[403]),
    op!("get" "/users/{userId}" "getUser" "Get user", q &[], b None, ok (200, Some("UserResource"), "The user."), e ADMIN_READ),
    op!("get" "/courses" "listCourses" "List courses", q &["CourseFilter", "CourseSort", "Limit", "Offset", "LegacyLimit", "LegacyOffset"], b None,
        ok (200, Some("CoursesResource"), "A page of the courses `_filter` selects, in `_sort` order."), e &[403]),
    op!("get" "/courses/{courseId}" "getCourse" "Get course", q &[], b None,
        ok (200, Some("CourseDetailResource"), "The course with its sessions, chapters and lessons."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/sessions" "listUserSessionEnrollments" "List user's session enrollments for specific course",
        q FILTERS, b None, ok (200, Some("SessionEnrollmentList"), "The session enrollments of the active course enrollment."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/sessions/{sessionId}" "getUserSessionEnrollment" "Get user's session enrollment for specific course",
        q FILTERS, b None, ok (200, Some("SessionEnrollmentResource"), "The session enrollment."), e ADMIN_READ),
    op!("post" "/users/{userId}/enrollments/{courseId}/sessions/{sessionId}" "createSessionEnrollment" "Create ILC enrollment for user",
        q &["ReEnroll", "CancelSession"], b None, ok (201, Some("SessionEnrollmentCreated"), "The course and session enrollments."), e ADMIN_WRITE),
    op!("get" "/courses/{courseId}/sessions/{sessionId}/enrollments" "listSessionRoster" "List an ILC's session enrollments",
        q ROSTER, b None, ok (200, Some("SessionEnrollmentsResource"), "A page of the session's enrollments of users the caller reaches."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/chapters" "listChapterEnrollments" "List chapter enrollments for a specified course",
        q FILTERS, b None, ok (200, Some("ChapterEnrollmentList"), "The chapter enrollments."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/chapters/{chapterId}" "getChapterEnrollment" "Get chapter enrollment for a specified course",
        q &[], b None, ok (200, Some("ChapterEnrollmentResource"), "The chapter enrollment."), e ADMIN_READ),
    op!("post" "/users/{userId}/enrollments/{courseId}" "createEnrollment" "Create enrollment for user and course",
        q &["ReEnroll"], b None, ok (201, E_CREATED, "The new enrollment."), e ADMIN_WRITE),
    op!("get" "/users/{userId}/enrollments/{courseId}" "getUserCourseEnrollment" "Get user's enrollment for specific course",
        q FILTERS, b None, ok (200, UCE, "The active enrollment."), e ADMIN_READ),
    op!("post" "/users/{userId}/enrollments" "createOrUpdateEnrollment" "Create or update course enrollment",
        q &["ReEnroll"], b Some("CourseEnrollmentRequest"), ok (201, E_CREATED, "The created or updated enrollment."), e ADMIN_WRITE),
    op!("get" "/users/{userId}/enrollments" "listUserEnrollments" "List course enrollments for specific user",
        q LIST, b None, ok (200, Some("UserCourseEnrollmentsResource"), "A page of the user's enrollments, active and historical."), e ADMIN_READ),
    op!("post" "/enrollments/unenroll" "unenroll" "Un-enroll users from courses",
        q &[], b Some("UnenrollRequest"), ok (204, None, "Every listed enrollment is un-enrolled."), e &[403, 422]),
    op!("get" "/enrollments/{id}" "getEnrollment" "Get course enrollment", q &[], b None, ok (200, UCE, "The enrollment (active or historical)."), e ADMIN_READ),
    op!("get" "/courses/{courseId}/enrollments" "listCourseEnrollments" "List enrollments for specific course",
        q LIST, b None, ok (200, Some("CourseEnrollmentsResource"), "A page of the course's enrollments of users the caller reaches."), e ADMIN_READ),
    op!("get" "/courses/{courseId}/enrollments/{userId}" "getCourseUserEnrollment" "Get user's enrollment for specific course",
        q FILTERS, b None, ok (200, UCE, "The active enrollment."), e ADMIN_READ),
    op!("get" "/enrollments" "listBulkEnrollments" "List course enrollments for bulk user list",
        q &["UserIds", "CourseIds", "Filter", "Sort"], b None,
        ok (200, Some("UserCourseEnrollmentList"), "Every matching enrollment, active and historical, of users the caller reaches: a plain array without paging, at most `BULK_CAP` (more is a 400 saying so)."), e &[403]),
    op!("get" "/courses/{courseId}/lessons/{lessonId}/enrollments" "listLessonRoster" "Lists enrollments for a lesson",
        q LIST, b None, ok (200, Some("LessonEnrollmentsResource"), "A page of the lesson's enrollments of users the caller reaches."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/chapters/{chapterId}/lessons/{lessonId}" "getChapterLessonEnrollment" "Get lesson enrollment",
        q &[], b None, ok (200, Some("LessonEnrollmentResource"), "The lesson enrollment."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/lessons" "listLessonEnrollments" "List user's lesson enrollments from specific course",
        q FILTERS, b None, ok (200, Some("LessonEnrollmentList"), "The lesson enrollments."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}" "getLessonEnrollment" "Get user's lesson enrollment",
        q &[], b None, ok (200, Some("LessonEnrollmentResource"), "The lesson enrollment."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/chapters/{chapterId}/lessons" "listChapterLessonEnrollments" "List user's lesson enrollments from specific chapter",
        q FILTERS, b None, ok (200, Some("LessonEnrollmentList"), "The chapter's lesson enrollments."), e ADMIN_READ),
    op!("get" "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts" "listAttempts" "List user's attempts for specific lesson",
        q &[], b None, ok (200, Some("AttemptList"), "The attempts of the lesson enrollment."), e ADMIN_READ),
    op!("post" "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts" "startAttempt" "Start attempt for active lesson enrollment",
        q &[], b None, ok (200, Some("AttemptStarted"), "The new attempt."), e ADMIN_WRITE),
    op!("post" "/attempts/{attemptId}/finish" "finishAttempt" "Finish attempt",
        q &[], b Some("FinishAttemptRequest"), ok (200, Some("AttemptFinished"), "The finished attempt."), e ADMIN_WRITE),
    op!("put" "/attempts/{attemptId}" "finishAttemptPut" "Finish attempt (PUT form)",
        q &[], b Some("FinishAttemptRequest"), ok (200, Some("AttemptFinished"), "The finished attempt."), e ADMIN_WRITE),
    op!("post" "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts/{attemptId}/finish" "finishUserAttempt" "Finish a specific user's lesson attempt",
        q &[], b Some("FinishAttemptRequest"), ok (200, Some("AttemptFinished"), "The finished attempt."), e ADMIN_WRITE),
    op!("put" "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts/{attemptId}" "finishUserAttemptPut" "Finish a specific user's lesson attempt (PUT form)",
        q &[], b Some("FinishAttemptRequest"), ok (200, Some("AttemptFinished"), "The finished attempt."), e ADMIN_WRITE),
    op!("get" "/my-enrollments/{courseId}" "getMyEnrollment" "Get currently authenticated user's course enrollment",
        q FILTERS, b None, ok (200, UCE, "The caller's active enrollment."), e &[404]),
    op!("post" "/my-enrollments/{courseId}" "createMyEnrollment" "Create course enrollment for the currently authenticated user",
        q &[], b None, ok (201, E_CREATED, "The new enrollment."), e &[404, 422]),
    op!("get" "/my-enrollments" "listMyEnrollments" "List currently authenticated user's course enrollments",
        q LIST, b None, ok (200, Some("UserCourseEnrollmentsResource"), "A page of the caller's enrollments."), e &[]),
];
