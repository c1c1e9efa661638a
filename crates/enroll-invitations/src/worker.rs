//! The private-invitation job runner: claims started jobs (a lease in the database, so several
//! processes on one PostgreSQL share the work) and runs them batch by batch. It sleeps until a
//! job is created (in this process, or in another one on the same PostgreSQL), with a slow
//! poll for jobs whose lease lapsed (a runner that stopped mid-job).
use crate::jobs::{InvitationJobSteps, MailContext, RenderedMail};
use enroll_store::store::{Store, Topic};
use enroll_store::tasks::Worker;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

type MailFn = Arc<dyn Fn(&MailContext<'_>) -> RenderedMail + Send + Sync>;

/// The private-invitation jobs, as a worker of the ledger's background tasks
/// ([`enroll_store::tasks::Tasks::worker`]); the dialect's renderer writes the mails.
#[derive(Clone)]
pub struct InvitationWorker {
    mail: MailFn,
}

impl std::fmt::Debug for InvitationWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationWorker").finish_non_exhaustive()
    }
}

impl InvitationWorker {
    /// Jobs whose recipients' mails `render` writes.
    pub fn new(render: impl Fn(&MailContext<'_>) -> RenderedMail + Send + Sync + 'static) -> Self {
        Self {
            mail: Arc::new(render),
        }
    }
}

impl Worker for InvitationWorker {
    fn start(self: Box<Self>, store: Store) -> JoinHandle<()> {
        tokio::spawn(run(store, self.mail))
    }
}

/// Recipients per transaction. A batch is a fixed number of set-based statements, so larger
/// batches mostly save commits; 2,000 invites 10,000 addresses in about a second.
const BATCH: i64 = 2000;
/// How long a claim lasts without progress.
const LEASE_MS: i64 = 5_000;
/// How long to sleep without a wake-up before looking for work anyway.
const POLL: Duration = Duration::from_secs(5);

async fn run(store: Store, mail: MailFn) {
    loop {
        match store.call(|s| s.claim_invitation_job(LEASE_MS)).await {
            Ok(Some(id)) => run_job(&store, &mail, id).await,
            Ok(None) => {
                let _ = tokio::time::timeout(POLL, store.notified(Topic::Jobs)).await;
            }
            Err(e) => {
                log::warn!("invitation jobs: cannot claim: {e:?}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

async fn run_job(store: &Store, mail: &MailFn, id: String) {
    loop {
        let (render, job) = (mail.clone(), id.clone());
        let step = store
            .call(move |s| s.invitation_job_step(&job, BATCH, LEASE_MS, &|ctx| render(ctx)))
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
