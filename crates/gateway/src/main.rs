//! The gateway binary: parse flags, set up logging, run.
use clap::Parser;
use gateway::config::Config;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    env_logger::Builder::new()
        .parse_filters(&config.log_level)
        .init();
    gateway::run(config).await
}
