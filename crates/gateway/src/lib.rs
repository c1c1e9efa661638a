//! The gateway: configuration, the database pool, mounting the five facades, the admin API
//! and background workers. `main.rs` is thin so tests build exactly what production serves.
pub mod admin;
pub mod admin_mail;
pub mod banner;
pub mod config;
pub mod health;
pub mod link_key;
pub mod slow_clients;
pub mod vendor_error;
pub mod workers;

use actix_web::middleware::{NormalizePath, TrailingSlash, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::clock::SharedClock;
use enroll_store::events::Cause;
use enroll_store::seed::Seed;
use std::time::Duration;

/// Where each facade is mounted.
pub const MOUNTS: [(&str, &str); 5] = [
    ("Absorb Integration API v2", "/absorb"),
    ("SCORM Cloud API v2", "/scormcloud/api/v2"),
    ("TrainerCentral API v4", "/trainercentral/api/v4"),
    ("LMS365 OData v2", "/lms365/odata/v2"),
    ("iSpring Learn SOAP", "/ispring"),
];

/// Process-wide state shared by the admin API and workers.
pub struct AppState {
    pub store: Store,
    /// The ledger clock, following the offset stored in the database.
    pub clock: SharedClock,
    pub admin_token: String,
    pub seed: Option<Seed>,
    pub public_url: String,
    pub body_limit: usize,
    /// How long a request's body may take to arrive after its head (`slow_clients.rs`).
    pub body_timeout: std::time::Duration,
    /// The LMS365 facade's server page size.
    pub lms365_page_size: i64,
}

/// The settings key under which the clock offset is persisted.
pub const CLOCK_KEY: &str = enroll_store::clock::CLOCK_OFFSET_KEY;

impl AppState {
    /// Opens the database (migrations applied), restores the clock offset and loads the seed's
    /// tenants that do not exist yet.
    pub fn open(config: &config::Config) -> anyhow::Result<Self> {
        let clock = SharedClock::new();
        let key_file = link_key::path(config);
        let (key, key_created) = link_key::load_or_create(&key_file)?;
        if config.count_statements {
            // Before the pool opens: only connections opened afterwards count.
            enroll_store::stats::enable();
        }
        let mut builder = Store::builder(&config.database_url)
            .link_key(key)
            .clock(clock.clock())
            .sqlite_locking(config.sqlite_locking)
            .sqlite_synchronous(config.sqlite_synchronous);
        if let Some(n) = config.pool_size {
            builder = builder.pool_size(n);
        }
        if let Some(n) = config.max_concurrent {
            builder = builder.max_concurrent(n);
        }
        if let Some(n) = config.max_queued {
            builder = builder.max_queued(n);
        }
        let store = builder
            .open()
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("cannot open the database")?;
        clock.restore(&store);
        let seed = if config.seed_file.is_empty() {
            None
        } else {
            let text = std::fs::read_to_string(&config.seed_file)
                .with_context(|| format!("cannot read the seed file {}", config.seed_file))?;
            let seed = Seed::from_json(&text)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("cannot use the seed file {}", config.seed_file))?;
            let created = store
                .load_seed(&seed)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .context("cannot load the seed")?;
            if created > 0 {
                log::info!("seeded {created} tenant(s) from {}", config.seed_file);
            }
            Some(seed)
        };
        if key_created {
            log::info!(
                "created {}, the key invitation links are made with: keep it with the database",
                key_file.display()
            );
        }
        let admin_token = config
            .admin_token
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        Ok(Self {
            store,
            clock,
            admin_token,
            seed,
            public_url: config.public_url(),
            body_limit: config.body_limit,
            body_timeout: std::time::Duration::from_secs(config.body_timeout),
            lms365_page_size: config.lms365_page_size,
        })
    }

    /// Where the SCORM Cloud facade's learner links point (its mount under the public URL).
    pub fn scorm_links(&self) -> scormcloud_invitations::Links {
        scormcloud_invitations::Links::new(format!("{}/scormcloud/api/v2", self.public_url))
    }
}

/// Mounts health checks, the admin API and the five facades.
pub fn mount(cfg: &mut web::ServiceConfig, state: &web::Data<AppState>) {
    cfg.app_data(state.clone())
        .app_data(web::Data::new(state.store.clone()))
        .app_data(web::PayloadConfig::new(state.body_limit))
        .configure(health::configure)
        .app_data(web::Data::new(state.scorm_links()))
        .service(admin::scope())
        .service(facade(state, "/absorb", Dialect::Absorb).configure(absorb_v2::configure))
        .service(
            facade(state, "/scormcloud/api/v2", Dialect::ScormCloud)
                .configure(scormcloud_invitations::configure),
        )
        .service(
            facade(state, "/trainercentral", Dialect::TrainerCentral)
                .configure(trainercentral_api::configure),
        )
        .service(
            facade(state, "/lms365/odata/v2", Dialect::Lms365)
                .app_data(lms365_odata::handlers::PageSize(state.lms365_page_size))
                .configure(lms365_odata::configure),
        )
        .service(
            facade(state, "/lms365/webhooks", Dialect::Lms365)
                .configure(lms365_odata::webhooks::configure),
        )
        .service(facade(state, "/ispring", Dialect::Ispring).configure(ispring_soap::configure));
}

/// A facade's scope, with the store its handlers get: one that records the facade's dialect
/// on the events of the changes it makes.
fn facade(state: &AppState, path: &str, dialect: Dialect) -> actix_web::Scope {
    let store = state.store.caused_by(Cause::dialect(dialect));
    web::scope(path).app_data(web::Data::new(store))
}

/// Runs the server until SIGINT/SIGTERM; in-flight requests finish first (actix's graceful
/// shutdown), and every write is one transaction, so nothing is half-written.
pub async fn run(config: config::Config) -> anyhow::Result<()> {
    let state = web::Data::new(AppState::open(&config)?);
    banner::print(&state, &config);
    let tasks = workers::start(&state, &config);
    let st = state.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            // The official SCORM Cloud Python SDK sends `…/v2//invitations`: merge repeated
            // slashes before routing (what every facade's docs ask an embedding host to do).
            .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
            .wrap(from_fn(slow_clients::body_deadline))
            .configure(|c| mount(c, &st))
    })
    .client_request_timeout(Duration::from_secs(config.header_timeout))
    .keep_alive(Duration::from_secs(config.keep_alive))
    // Time for a closing connection's shutdown (actix's default, stated).
    .client_disconnect_timeout(Duration::from_secs(1))
    .shutdown_timeout(30);
    if let Some(w) = config.workers {
        server = server.workers(w);
    }
    let server = server
        .bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    server.run().await?;
    tasks.stop();
    log::info!("stopped");
    Ok(())
}
