//! `raw-stack DB PORT`: the untuned reference service for scripts/bench (SQLite; its
//! PostgreSQL twin is `raw-stack-pg`, src/bin/raw-stack-pg.rs).
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

mod schema;
use schema::{Enrollment, enrollments};

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
        let row = Enrollment::new(learner_id, course_id);
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
