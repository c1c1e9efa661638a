//! The private-invitation job runner: claims started jobs (a lease in the database, so
//! several gateways on one PostgreSQL share the work) and runs them batch by batch. A job
//! interrupted by a restart is picked up again when its lease lapses.
use crate::AppState;
use actix_web::web;
use scormcloud_invitations::{Links, render};
use std::time::Duration;

/// Addresses per transaction. A batch is a fixed number of set-based statements, so larger
/// batches mostly save commits (on SQLite each commit rewrites the indexes' touched pages);
/// 2,000 holds the SQLite write lock for about 0.2 s and invites 10,000 addresses in ~1 s.
pub const BATCH: i64 = 2000;
/// How long a claim lasts without progress.
pub const LEASE_MS: i64 = 5_000;
/// How often to look for work when idle.
pub const POLL: Duration = Duration::from_millis(50);

/// The mount URL the mails' links point to.
pub fn links(state: &AppState) -> Links {
    Links::new(format!("{}/scormcloud/api/v2", state.public_url))
}

/// Starts the runner on the current runtime.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let links = links(&state);
        loop {
            match state.store.call(|s| s.scorm_claim_job(LEASE_MS)).await {
                Ok(Some(id)) => run_job(&state, &links, id).await,
                Ok(None) => tokio::time::sleep(POLL).await,
                Err(e) => {
                    log::warn!("invitation jobs: cannot claim: {e:?}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    })
}

async fn run_job(state: &AppState, links: &Links, id: String) {
    loop {
        let (l, job) = (links.clone(), id.clone());
        let step = state
            .store
            .call(move |s| {
                s.scorm_job_step(&job, BATCH, LEASE_MS, &|ctx| {
                    render::invitation_mail(&l, ctx)
                })
            })
            .await;
        match step {
            Ok(st) if st.finished() => {
                log::info!(
                    "invitation {id}: {} ({} of {} addresses)",
                    st.status,
                    st.processed,
                    st.total
                );
                return;
            }
            Ok(_) => {}
            Err(e) => {
                // The lease lapses and the job is claimed again later.
                log::warn!("invitation {id}: step failed: {e:?}");
                return;
            }
        }
    }
}
