//! SCORM Cloud's post-back configuration (PostBackSchema), kept as a subscription's settings
//! (the ledger stores them without reading them; this facade renders the deliveries).
use enroll_domain::EventKind;
use enroll_store::subscriptions::{NewSubscription, Subscription};
use serde::{Deserialize, Serialize};

/// A registration's or invitation's post-back settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostBack {
    pub url: String,
    /// `UNDEFINED`, `FORM` or `HTTPBASIC`.
    #[serde(default)]
    pub auth_type: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    /// Kept in clear: it has to be replayed to the receiver (never echoed in responses).
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub results_format: Option<String>,
    #[serde(default)]
    pub legacy: Option<bool>,
}

impl PostBack {
    /// The subscription that stores it: every event but a creation (SCORM Cloud posts a
    /// registration's results when they change, not when it is made).
    pub fn to_subscription(&self) -> NewSubscription {
        NewSubscription {
            target: self.url.clone(),
            settings: serde_json::to_string(self).unwrap_or_default(),
            kinds: EventKind::ALL
                .into_iter()
                .filter(|k| !matches!(k, EventKind::Enrolled | EventKind::ReEnrolled))
                .collect(),
        }
    }

    /// The settings a subscription stores; `None` if they are not this facade's (or garbled,
    /// which is logged).
    pub fn of(sub: &Subscription) -> Option<Self> {
        serde_json::from_str(&sub.settings)
            .inspect_err(|e| {
                log::warn!(
                    "subscription {}: unreadable post-back settings: {e}",
                    sub.id
                )
            })
            .ok()
    }
}
