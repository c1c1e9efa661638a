//! The gateway binary: parse flags, set up logging, run. A start-up error (database locked or
//! unreachable, bad URL, unreadable seed, address in use) is one line on stderr and exit
//! status 1, never a backtrace, whatever `RUST_BACKTRACE` says.
use clap::Parser;
use gateway::config::Config;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    env_logger::Builder::new()
        .parse_filters(&config.log_level)
        .init();
    match gateway::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` joins the causes; libpq's messages span lines. The backtrace anyhow may
            // have captured stays unused.
            let text = format!("{e:#}");
            let line: Vec<&str> = text.split_whitespace().collect();
            eprintln!("gateway: error: {}", line.join(" "));
            ExitCode::FAILURE
        }
    }
}
