//! SCORM Cloud's invitations and registrations over the ledger.
//!
//! A registration is a caller-chosen id (unique per tenant, enforced by the database) over a
//! chain of enrollment instances: its current instance is an ordinary ledger enrollment, so
//! every other dialect sees and drives the same enrollment. A new instance (or a progress
//! reset) re-enrolls: the old enrollment is archived and a fresh one becomes current.
//!
//! A private invitation writes its addresses as user-invitation rows when it is created (the
//! job's durable work list); the job turns each pending row into a registration and a mail in
//! the same transaction as the row's `pending → sent` step, so a job interrupted by a restart
//! resumes where it stopped and never creates a second registration for an address.
mod batch;
pub mod invitations;
pub mod jobs;
pub mod postbacks;
pub mod registrations;
pub mod schema;
pub mod tags;

use crate::error::{StoreError, StoreResult};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use invitations::{Invitation, InvitationQuery, NewInvitation, UserInvitation};
pub use jobs::{JobStatus, MailContext, RenderedMail};
pub use registrations::{
    LaunchRecord, LearnerInfo, NewRegistration, RegistrationQuery, RegistrationView,
};

/// A post-back configuration (SCORM Cloud's PostBackSchema), stored as JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostBack {
    pub url: String,
    /// `UNDEFINED`, `FORM` or `HTTPBASIC`.
    #[serde(default)]
    pub auth_type: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    /// Kept in clear: it has to be replayed to the receiver.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub results_format: Option<String>,
    #[serde(default)]
    pub legacy: Option<bool>,
}

impl PostBack {
    pub(crate) fn encode(pb: Option<&PostBack>) -> StoreResult<Option<String>> {
        pb.map(|p| {
            serde_json::to_string(p)
                .map_err(|e| StoreError::Internal(format!("cannot encode post-back: {e}")))
        })
        .transpose()
    }

    pub(crate) fn decode(s: Option<&str>) -> StoreResult<Option<PostBack>> {
        s.map(|t| {
            serde_json::from_str(t)
                .map_err(|e| StoreError::Internal(format!("bad post-back in database: {e}")))
        })
        .transpose()
    }
}

/// How a private invitation treats an address that already has a registration for the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DuplicateOption {
    /// Skip the address and report it in the job's errors.
    Fail,
    /// Start a new instance of the existing registration and send it.
    InstanceExisting,
    /// Send the existing registration again (the default).
    #[default]
    SendExisting,
    /// Create a new registration (re-enrolls: the old one's instance is archived).
    CreateNew,
}

impl DuplicateOption {
    /// The vendor's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "FAIL",
            Self::InstanceExisting => "INSTANCE_EXISTING",
            Self::SendExisting => "SEND_EXISTING",
            Self::CreateNew => "CREATE_NEW",
        }
    }

    /// Parses the vendor's name (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Fail,
            Self::InstanceExisting,
            Self::SendExisting,
            Self::CreateNew,
        ]
        .into_iter()
        .find(|o| o.as_str().eq_ignore_ascii_case(s))
    }
}

/// Which timestamp `since`/`until` apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateField {
    #[default]
    Created,
    Updated,
}

/// Sort order of SCORM lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    CreatedAsc,
    #[default]
    CreatedDesc,
    UpdatedAsc,
    UpdatedDesc,
}

/// Filters shared by the SCORM list operations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListWindow {
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub date_field: DateField,
    /// Items having any of these tags.
    pub tags: Vec<String>,
    pub order: Order,
    pub limit: i64,
    pub offset: i64,
}

pub(crate) fn new_id() -> String {
    Uuid::new_v4().to_string()
}

/// A URL-safe random token (256 bits).
pub(crate) fn new_token() -> String {
    crate::secrets::new_token()
}
