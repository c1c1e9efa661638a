//! Background work: the ledger's tasks ([`enroll_store::tasks`]) with the gateway's facades'
//! renderers (SCORM Cloud's invitation mails and post-backs, LMS365's webhooks) and its delivery settings.
use crate::AppState;
use crate::config::Config;
use enroll_deliveries::{Deliveries, DeliveryOptions};
use enroll_store::options::Retention;
use enroll_store::outbox::RetryPolicy;
use enroll_store::tasks::{Running, Tasks};
use std::time::Duration;

/// Starts the tasks on the current runtime: expiry sweep, clock refresh, invitation jobs,
/// deliveries and pruning.
pub fn start(state: &AppState, config: &Config) -> Running {
    Tasks::new(state.store.clone())
        .clock(state.clock.clone())
        .worker(scormcloud_invitations::invitation_worker(
            state.scorm_links(),
        ))
        .worker(
            Deliveries::new(DeliveryOptions {
                timeout: Duration::from_secs(config.delivery_timeout),
                retry: RetryPolicy::default(),
                user_agent: "enroll-gateway".into(),
                allowed_hosts: allowed_hosts(&config.delivery_allow_hosts),
            })
            .with(scormcloud_invitations::background())
            .with(lms365_odata::webhooks::background()),
        )
        .retention(retention(config))
        .start()
}

/// `--outbox-max-*` and `--changes-max-*`.
fn retention(config: &Config) -> Retention {
    let days = |d: u64| Duration::from_secs(d.saturating_mul(24 * 3600));
    Retention {
        messages_max_age: days(config.outbox_max_age_days),
        messages_max_count: config.outbox_max_count,
        changes_max_age: days(config.changes_max_age_days),
        changes_max_count: config.changes_max_count,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn retention_flags_map_onto_the_store_and_refuse_nonsense() {
        let config = Config::try_parse_from([
            "gateway",
            "--outbox-max-age-days",
            "2",
            "--outbox-max-count",
            "50",
            "--changes-max-age-days",
            "1",
            "--changes-max-count",
            "7",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let r = retention(&config);
        assert_eq!(r.messages_max_age, Duration::from_secs(2 * 86_400));
        assert_eq!((r.messages_max_count, r.changes_max_count), (50, 7));
        assert_eq!(r.changes_max_age, Duration::from_secs(86_400));
        let defaults =
            retention(&Config::try_parse_from(["gateway"]).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(defaults, Retention::default());
        for bad in [["--outbox-max-count", "0"], ["--outbox-max-age-days", "-1"]] {
            assert!(
                Config::try_parse_from(["gateway", bad[0], bad[1]]).is_err(),
                "{bad:?}"
            );
        }
    }
}
