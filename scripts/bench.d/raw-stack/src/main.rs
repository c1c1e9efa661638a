//! `raw-stack DB PORT`: the untuned reference service for scripts/bench.
//!
//! - `GET /hello`: its no-op ceiling;
//! - `GET /enroll/{id}`: one enrollment row by id, as JSON (inline on the async worker);
//! - `POST /users/{u}/enrollments/{c}`: inserts an enrollment row, one `BEGIN IMMEDIATE`
//!   transaction per request on a blocking thread (`web::block`), 201, or 422 on a conflict.
//!
//! Library defaults throughout (r2d2 tests each connection on checkout, SQLite's default
//! build options), WAL with `synchronous=NORMAL` and `busy_timeout=5000` as the reference
//! measurement used. It writes the gateway's `enrollments` table, so every index the gateway
//! keeps is maintained here too; it checks nothing else (no auth, no learner or course).
use actix_web::{App, HttpResponse, HttpServer, web};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};

diesel::table! {
    enrollments (id) {
        id -> Text, tenant_id -> Text, learner_id -> Text, course_id -> Text, state -> Text,
        active -> Bool, progress -> Double, score -> Nullable<Double>, time_spent_ms -> BigInt,
        lock_after_due -> Bool, added_at -> BigInt, started_at -> Nullable<BigInt>,
        completed_at -> Nullable<BigInt>, due_at -> Nullable<BigInt>,
        expires_at -> Nullable<BigInt>, access_at -> Nullable<BigInt>, updated_at -> BigInt,
        credits -> Nullable<Double>, source -> Text,
        series_id -> Text, instance -> Integer, course_version -> Integer,
        invitation_id -> Nullable<Text>,
    }
}

#[derive(Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = enrollments)]
struct Enrollment {
    id: String,
    tenant_id: String,
    learner_id: String,
    course_id: String,
    state: String,
    active: bool,
    progress: f64,
    score: Option<f64>,
    time_spent_ms: i64,
    lock_after_due: bool,
    added_at: i64,
    started_at: Option<i64>,
    completed_at: Option<i64>,
    due_at: Option<i64>,
    expires_at: Option<i64>,
    access_at: Option<i64>,
    updated_at: i64,
    credits: Option<f64>,
    source: String,
    series_id: String,
    instance: i32,
    course_version: i32,
    invitation_id: Option<String>,
}

/// The demo tenant (fixtures/demo-seed.json), which the benchmark's rows belong to.
const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";

type DbPool = Pool<ConnectionManager<SqliteConnection>>;

#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, c: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        c.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

async fn hello() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

async fn get(pool: web::Data<DbPool>, id: web::Path<String>) -> HttpResponse {
    let row = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
        enrollments::table
            .find(id.into_inner())
            .select(Enrollment::as_select())
            .first(&mut c)
            .map_err(|e| e.to_string())
    });
    match row {
        Ok(e) => HttpResponse::Ok().json(e),
        Err(_) => HttpResponse::NotFound().finish(),
    }
}

async fn create(pool: web::Data<DbPool>, path: web::Path<(String, String)>) -> HttpResponse {
    let (learner_id, course_id) = path.into_inner();
    let done = web::block(move || {
        let mut c = pool.get().map_err(|e| e.to_string())?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let id = uuid::Uuid::now_v7().to_string();
        let row = Enrollment {
            series_id: id.clone(),
            instance: 0,
            course_version: 0,
            invitation_id: None,
            id,
            tenant_id: TENANT.into(),
            learner_id,
            course_id,
            state: "not_started".into(),
            active: true,
            progress: 0.0,
            score: None,
            time_spent_ms: 0,
            lock_after_due: false,
            added_at: now,
            started_at: None,
            completed_at: None,
            due_at: None,
            expires_at: None,
            access_at: None,
            updated_at: now,
            credits: None,
            source: "raw-stack".into(),
        };
        c.immediate_transaction(|c| {
            diesel::insert_into(enrollments::table)
                .values(&row)
                .execute(c)
        })
        .map_err(|e| e.to_string())
    })
    .await;
    match done {
        Ok(Ok(_)) => HttpResponse::Created().body("{}"),
        Ok(Err(e)) => HttpResponse::UnprocessableEntity().body(e),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(db), Some(port)) = (args.next(), args.next()) else {
        eprintln!("usage: raw-stack DB PORT");
        std::process::exit(2);
    };
    let port: u16 = port.parse().map_err(std::io::Error::other)?;
    let pool = Pool::builder()
        .max_size(8)
        .connection_customizer(Box::new(Pragmas))
        .build(ConnectionManager::<SqliteConnection>::new(db))
        .map_err(std::io::Error::other)?;
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .route("/hello", web::get().to(hello))
            .route("/enroll/{id}", web::get().to(get))
            .route("/users/{u}/enrollments/{c}", web::post().to(create))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
