//! Command-line flags and their environment variables (`--help` lists them all).
use clap::Parser;

const AFTER_HELP: &str = "\
Admin clock: POST /admin/v1/clock/advance {\"days\": 8} moves the ledger clock; the offset from the
wall clock stays within ±36500 days (100 years). An advance past that is a 400 and changes nothing;
a stored offset outside it is ignored at start (logged).

Request URIs: at most 65534 bytes (actix-http's limit, from the http crate's Uri); longer ones get
an empty 400 and the connection is closed. Split long id lists over several requests.";

/// enroll-gateway: TrainerCentral, LMS365, iSpring Learn, SCORM Cloud and Absorb enrollment
/// APIs over one durable enrollment ledger.
#[derive(Debug, Clone, Parser)]
#[command(version, about, after_help = AFTER_HELP)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "ENROLL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Database URL: `sqlite://<path>` (embedded default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "ENROLL_DATABASE_URL",
        default_value = "sqlite://data/enroll.db"
    )]
    pub database_url: String,

    /// Seed file loaded on first start (tenants that do not exist yet) and by the admin reset.
    /// An empty value disables seeding.
    #[arg(
        long,
        env = "ENROLL_SEED_FILE",
        default_value = "fixtures/demo-seed.json"
    )]
    pub seed_file: String,

    /// Bearer token for the admin API (/admin/v1). When unset a random one is generated and
    /// printed at start.
    #[arg(long, env = "ENROLL_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Log filter (env_logger syntax), e.g. `info` or `gateway=debug,info`.
    #[arg(long, env = "ENROLL_LOG", default_value = "info")]
    pub log_level: String,

    /// Maximum raw request body size in bytes (SOAP, forms). JSON bodies are also capped by
    /// each facade at 2 MiB.
    #[arg(long, env = "ENROLL_BODY_LIMIT", default_value_t = 4 * 1024 * 1024)]
    pub body_limit: usize,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "ENROLL_WORKERS")]
    pub workers: Option<usize>,

    /// Database connection pool size (default: 8 on SQLite, 16 on PostgreSQL).
    #[arg(long, env = "ENROLL_POOL_SIZE", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub pool_size: Option<u32>,

    /// Requests working on the database at once (default: the pool size on PostgreSQL, twice
    /// it on SQLite); the others wait in a bounded queue.
    #[arg(long, env = "ENROLL_MAX_CONCURRENT", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_concurrent: Option<u32>,

    /// Requests that may wait for the database (default 256); beyond that a request is
    /// answered at once with 503 and `Retry-After`, in its vendor's error shape.
    #[arg(long, env = "ENROLL_MAX_QUEUED", value_parser = clap::value_parser!(u32).range(0..=65536))]
    pub max_queued: Option<u32>,

    /// SQLite: `exclusive` keeps the database file to this process while it runs (fastest
    /// reads); `shared` lets other programs (the sqlite3 shell) open it meanwhile.
    #[arg(long, env = "ENROLL_SQLITE_LOCKING", default_value = "exclusive")]
    pub sqlite_locking: enroll_store::options::SqliteLocking,

    /// SQLite: `normal` (a commit survives the process being killed) or `full` (every commit
    /// is synced to disk, surviving power loss too; about 3× fewer writes per second).
    #[arg(long, env = "ENROLL_SQLITE_SYNCHRONOUS", default_value = "normal")]
    pub sqlite_synchronous: enroll_store::options::SqliteSynchronous,

    /// Seconds an outbound delivery (SCORM Cloud post-back) may take before it counts as
    /// failed and is retried later.
    #[arg(long, env = "ENROLL_DELIVERY_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub delivery_timeout: u64,

    /// Hosts outbound deliveries may go to, comma-separated (`host` or `host:port`); a
    /// post-back to any other host fails at once, unsent. Empty (the default): any host. Set it
    /// on shared deployments so tenants' post-back URLs cannot reach internal services.
    /// Redirects are followed only to listed hosts; a listed name must resolve to public
    /// addresses, or to addresses listed themselves (`10.0.0.7`).
    #[arg(long, env = "ENROLL_DELIVERY_ALLOW_HOSTS", value_delimiter = ',')]
    pub delivery_allow_hosts: Vec<String>,

    /// File holding the key invitation links are made with (64 hex digits), created on first
    /// start. It stays out of the database so that a copy of the database opens no link.
    /// Default: `link.key` beside a SQLite database file, `data/link.key` with PostgreSQL.
    /// Gateways sharing one database need the same key; one whose key does not match the
    /// database's links refuses to start.
    #[arg(long, env = "ENROLL_LINK_KEY_FILE")]
    pub link_key_file: Option<String>,

    /// Days finished outbound messages (post-backs delivered or given up, with their delivery
    /// attempts, and mail) are kept, by the ledger clock; older ones are pruned every minute.
    #[arg(long, env = "ENROLL_OUTBOX_MAX_AGE_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=36_500))]
    pub outbox_max_age_days: u64,

    /// Finished post-backs, and mails, kept at most (each): the newest.
    #[arg(long, env = "ENROLL_OUTBOX_MAX_COUNT", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub outbox_max_count: u64,

    /// Days an event stays pending delivery when no delivery task collects it.
    #[arg(long, env = "ENROLL_CHANGES_MAX_AGE_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..=36_500))]
    pub changes_max_age_days: u64,

    /// Events kept pending at most: the newest.
    #[arg(long, env = "ENROLL_CHANGES_MAX_COUNT", default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub changes_max_count: u64,

    /// Public base URL used in links the gateway hands out (default: `http://<bind>`).
    #[arg(long, env = "ENROLL_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds a client has to send a request's head (request line and headers) once it
    /// starts; then 408 and the connection is closed.
    #[arg(long, env = "ENROLL_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,

    /// Seconds a client has to send a request's whole body after its head; then 408 in the
    /// vendor's error shape and the connection is closed.
    #[arg(long, env = "ENROLL_BODY_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout: u64,

    /// The most entities an LMS365 answer holds; more matching ones are paged with
    /// `@odata.nextLink` (LMS365's own page size is the default and the maximum).
    #[arg(long, env = "ENROLL_LMS365_PAGE_SIZE", default_value_t = 10_000, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub lms365_page_size: i64,

    /// Seconds an idle keep-alive connection stays open for its next request.
    #[arg(long, env = "ENROLL_KEEP_ALIVE", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub keep_alive: u64,

    /// Counts the database statements, statement preparations and transactions of the whole
    /// process, read at `GET /admin/v1/stats/statements` (for finding round trips; off by
    /// default).
    #[arg(long, env = "ENROLL_COUNT_STATEMENTS")]
    pub count_statements: bool,
}

impl Config {
    /// The base URL for links.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_string()
    }
}
