//! The entity sets this service serves: their properties (`$select`), navigation properties
//! (`$expand`) and the properties `$filter`/`$orderby` may use, mapped to the ledger's fields.
//! `$metadata` (see `metadata.xml`) declares exactly these.
use crate::vocab::to_lms365;
use enroll_domain::EnrollmentState;
use enroll_domain::model::Dialect;
use enroll_store::filter::{Field, FieldMap, StateNames};
use odata_filter::Vocabulary;

/// How LMS365 writes an Azure AD login: `i:0#.f|membership|<user principal name>`.
pub const CLAIMS_PREFIX: &str = "i:0#.f|membership|";

fn registration(s: EnrollmentState) -> &'static str {
    to_lms365(s).0
}

fn passing(s: EnrollmentState) -> &'static str {
    to_lms365(s).1
}

static REGISTRATION: StateNames = StateNames::new(registration);
static PASSING: StateNames = StateNames::new(passing);

/// `Enrollments`.
pub const ENROLLMENT: Vocabulary<'static> = Vocabulary {
    properties: &[
        "Id",
        "CourseId",
        "UserId",
        "UserLoginName",
        "Roles",
        "RegistrationDate",
        "StartDate",
        "CompletionDate",
        "DueDate",
        "EndDate",
        "RegistrationStatus",
        "CoursePassingStatus",
        "CertificateId",
        "CEU",
        "DecimalCEU",
        "CourseDuration",
        "IsPartOfTrainingPlan",
        "CanUnenroll",
        "CancellationReason",
        "courseSessionId",
    ],
    navigations: &["Course", "User"],
};

/// `Enrollments` properties usable in `$filter` and `$orderby`.
pub const ENROLLMENT_FIELDS: FieldMap = &[
    ("Id", Field::EnrollmentId),
    ("CourseId", Field::CourseId(Dialect::Lms365)),
    ("UserId", Field::LearnerId(Dialect::Lms365)),
    (
        "UserLoginName",
        Field::LearnerLogin(Dialect::Lms365, CLAIMS_PREFIX),
    ),
    ("RegistrationDate", Field::EnrollmentAdded),
    ("StartDate", Field::EnrollmentStarted),
    ("CompletionDate", Field::EnrollmentCompleted),
    ("DueDate", Field::EnrollmentDue),
    ("EndDate", Field::EnrollmentExpires),
    (
        "RegistrationStatus",
        Field::EnrollmentStateName(&REGISTRATION),
    ),
    ("CoursePassingStatus", Field::EnrollmentStateName(&PASSING)),
    ("DecimalCEU", Field::EnrollmentCredits),
    ("Course/Title", Field::CourseTitle),
    ("User/Email", Field::LearnerEmail),
];

/// `Courses`.
pub const COURSE: Vocabulary<'static> = Vocabulary {
    properties: &[
        "Id",
        "CourseCatalogId",
        "Title",
        "Description",
        "CourseType",
        "EnrollmentFlow",
        "CourseSessionEnrollmentType",
        "MaxAttendees",
        "IsPublished",
        "CreatedAt",
    ],
    navigations: &["CourseSessions"],
};

/// `Courses` properties usable in `$filter` and `$orderby`.
pub const COURSE_FIELDS: FieldMap = &[
    ("Id", Field::CourseId(Dialect::Lms365)),
    ("Title", Field::CourseTitle),
    ("MaxAttendees", Field::CourseCapacity),
    ("CreatedAt", Field::CourseAdded),
];

/// `CourseSessions` (contained in a course).
pub const SESSION: Vocabulary<'static> = Vocabulary {
    properties: &[
        "Id",
        "CourseId",
        "Title",
        "StartDate",
        "EndDate",
        "MaxAttendees",
    ],
    navigations: &[],
};

/// `Users`.
pub const USER: Vocabulary<'static> = Vocabulary {
    properties: &["Id", "LoginName", "Title", "Email", "JobTitle"],
    navigations: &[],
};

/// `Users` properties usable in `$filter` and `$orderby`.
pub const USER_FIELDS: FieldMap = &[
    ("Id", Field::LearnerId(Dialect::Lms365)),
    (
        "LoginName",
        Field::LearnerLogin(Dialect::Lms365, CLAIMS_PREFIX),
    ),
    ("Email", Field::LearnerEmail),
    ("JobTitle", Field::LearnerJobTitle),
];

/// `CourseCatalogs`.
pub const CATALOG: Vocabulary<'static> = Vocabulary {
    properties: &["Id", "Title"],
    navigations: &["Courses"],
};

/// The one catalog of a tenant.
pub const CATALOG_ID: i64 = 1;
