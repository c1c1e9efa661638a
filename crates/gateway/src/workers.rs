//! Background work: the ledger's tasks ([`enroll_store::tasks`]) with the gateway's facades'
//! renderers (SCORM Cloud's invitation mails and post-backs) and its delivery settings.
use crate::AppState;
use crate::config::Config;
use enroll_store::outbox::RetryPolicy;
use enroll_store::tasks::{DeliveryOptions, Running, Tasks};
use std::time::Duration;

/// Starts the tasks on the current runtime: expiry sweep, clock refresh, invitation jobs and
/// deliveries.
pub fn start(state: &AppState, config: &Config) -> Running {
    Tasks::new(state.store.clone())
        .clock(state.clock.clone())
        .with(scormcloud_invitations::background(state.scorm_links()))
        .deliveries(DeliveryOptions {
            timeout: Duration::from_secs(config.delivery_timeout),
            retry: RetryPolicy::default(),
            user_agent: "enroll-gateway".into(),
            allowed_hosts: allowed_hosts(&config.delivery_allow_hosts),
        })
        .start()
}

/// `--delivery-allow-hosts`: blank entries dropped; none at all means any host.
fn allowed_hosts(list: &[String]) -> Option<Vec<String>> {
    let hosts: Vec<String> = list
        .iter()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    (!hosts.is_empty()).then_some(hosts)
}
