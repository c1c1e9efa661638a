//! The SCORM Cloud facade in an actix-web app of your own, on an embedded SQLite ledger.
//! Serves `http://127.0.0.1:8080/scormcloud/api/v2` (`BIND` to listen elsewhere) and loads the seed
//! file named by its argument. In this repository:
//! `cargo run -p scormcloud-invitations --example scormcloud-embed -- fixtures/demo-seed.json`.
use actix_web::middleware::{NormalizePath, TrailingSlash};
use actix_web::{App, HttpServer, web};
use enroll_deliveries::{Deliveries, DeliveryOptions};
use enroll_store::Store;
use enroll_store::clock::SharedClock;
use enroll_store::seed::Seed;
use enroll_store::tasks::Tasks;
use scormcloud_invitations::Links;
use std::io;

#[actix_web::main]
async fn main() -> io::Result<()> {
    env_logger::init_from_env(env_logger::Env::default().default_filter_or("info"));
    // The ledger: a SQLite file this process keeps to itself while it runs (a postgres://
    // URL instead lets several processes share it). The shared clock lets tests move time.
    let clock = SharedClock::new();
    let store = Store::builder("sqlite://data/embed.db")
        .clock(clock.clock())
        .open()
        .map_err(io::Error::other)?;
    clock.restore(&store);
    // Tenants, API keys, learners and courses; tenants already in the ledger are skipped.
    if let Some(path) = std::env::args().nth(1) {
        let seed = Seed::from_json(&std::fs::read_to_string(path)?).map_err(io::Error::other)?;
        store.load_seed(&seed).map_err(io::Error::other)?;
    }
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:8080".into());
    // Where the facade is reachable: invitation mails and launch links point there.
    let links = Links::new(format!("http://{bind}/scormcloud/api/v2"));
    // The expiry sweep, the clock refresh, private-invitation jobs and post-backs.
    let tasks = Tasks::new(store.clone())
        .clock(clock)
        .worker(
            Deliveries::new(DeliveryOptions::default()).with(scormcloud_invitations::background()),
        )
        .worker(scormcloud_invitations::invitation_worker(links.clone()))
        .start();
    let (store, links) = (web::Data::new(store), web::Data::new(links));
    HttpServer::new(move || {
        App::new()
            // What every facade reads the ledger from, and this one its links.
            .app_data(store.clone())
            .app_data(links.clone())
            // The official Python SDK sends `…/v2//invitations`.
            .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
            .service(web::scope("/scormcloud/api/v2").configure(scormcloud_invitations::configure))
    })
    .bind(bind)?
    .run()
    .await?;
    tasks.stop();
    Ok(())
}
