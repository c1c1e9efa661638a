//! The TrainerCentral facade in an actix-web app of your own, on an embedded SQLite ledger.
//! Serves the API under `http://127.0.0.1:8080/trainercentral/api/v4` and the accounts side
//! (consent page, tokens) under `http://127.0.0.1:8080/trainercentral/oauth/v2` (`BIND` to
//! listen elsewhere), and loads the seed file named by its argument. In this repository:
//! `cargo run -p trainercentral-api --example trainercentral-embed -- fixtures/demo-seed.json`.
use actix_web::middleware::{NormalizePath, TrailingSlash};
use actix_web::{App, HttpServer, web};
use enroll_store::Store;
use enroll_store::clock::SharedClock;
use enroll_store::seed::Seed;
use enroll_store::tasks::Tasks;
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
    // Tenants, client credentials, learners and courses; tenants already there are skipped.
    if let Some(path) = std::env::args().nth(1) {
        let seed = Seed::from_json(&std::fs::read_to_string(path)?).map_err(io::Error::other)?;
        store.load_seed(&seed).map_err(io::Error::other)?;
    }
    // The expiry sweep (it persists `expiryTime`) and the clock refresh; TrainerCentral
    // adds no mails or post-backs.
    let tasks = Tasks::new(store.clone()).clock(clock).start();
    let store = web::Data::new(store);
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:8080".into());
    HttpServer::new(move || {
        App::new()
            // What every facade reads the ledger from.
            .app_data(store.clone())
            // Clients send `//` inside paths.
            .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
            .service(web::scope("/trainercentral").configure(trainercentral_api::configure))
    })
    .bind(bind)?
    .run()
    .await?;
    tasks.stop();
    Ok(())
}
