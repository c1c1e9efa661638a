//! The private-invitation job runner: claims started jobs (a lease in the database, so
//! several gateways on one PostgreSQL share the work) and runs them batch by batch. It sleeps
//! until a job is created (in this process, or in another one on the same PostgreSQL), with a
//! slow poll for jobs whose lease lapsed (a runner that stopped mid-job).
use crate::AppState;
use actix_web::web;
use enroll_store::store::Topic;
use scormcloud_invitations::{Links, render};
use std::time::Duration;

/// Recipients per transaction. A batch is a fixed number of set-based statements, so larger
/// batches mostly save commits; 2,000 invites 10,000 addresses in about a second.
pub const BATCH: i64 = 2000;
/// How long a claim lasts without progress.
pub const LEASE_MS: i64 = 5_000;
/// How long to sleep without a wake-up before looking for work anyway.
pub const POLL: Duration = Duration::from_secs(5);

/// The mount URL the mails' links point to.
pub fn links(state: &AppState) -> Links {
    Links::new(format!("{}/scormcloud/api/v2", state.public_url))
}

/// Starts the runner on the current runtime.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let links = links(&state);
        loop {
            match state.store.call(|s| s.claim_invitation_job(LEASE_MS)).await {
                Ok(Some(id)) => run_job(&state, &links, id).await,
                Ok(None) => {
                    let _ = tokio::time::timeout(POLL, state.store.notified(Topic::Jobs)).await;
                }
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
                s.invitation_job_step(&job, BATCH, LEASE_MS, &|ctx| {
                    render::invitation_mail(&l, ctx)
                })
            })
            .await;
        match step {
            Ok(st) if st.finished() => {
                log::info!(
                    "invitation {id}: {:?} ({} of {} addresses)",
                    st.state,
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
