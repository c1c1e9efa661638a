//! `raw-stack-pg DATABASE_URL PORT`: the untuned reference service for scripts/bench on
//! PostgreSQL (`--backend postgres`), built with `--features postgres`; the "naive stack".
//!
//! The same three routes as `raw-stack` (src/main.rs), over plain actix-web + diesel + r2d2
//! + PostgreSQL with library defaults (r2d2 tests each connection on checkout, the server's
//! own settings, one transaction per create on a blocking thread):
//!
//! - `GET /hello`: its no-op ceiling;
//! - `GET /enroll/{id}`: one enrollment row by id, as JSON (inline on the async worker);
//! - `POST /users/{u}/enrollments/{c}`: inserts an enrollment row, 201, or 422 on a conflict.
//!
//! It writes the gateway's `enrollments` table, so every index and foreign key the gateway's
//! schema has is maintained here too; it checks nothing else (no auth).
use actix_web::{App, HttpResponse, HttpServer, web};
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};

#[path = "../schema.rs"]
mod schema;
use schema::{Enrollment, enrollments};

type DbPool = Pool<ConnectionManager<PgConnection>>;

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
        c.transaction(|c| {
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
    let (Some(url), Some(port)) = (args.next(), args.next()) else {
        eprintln!("usage: raw-stack-pg DATABASE_URL PORT");
        std::process::exit(2);
    };
    let port: u16 = port.parse().map_err(std::io::Error::other)?;
    // The same pool size as the SQLite twin.
    let pool = Pool::builder()
        .max_size(8)
        .build(ConnectionManager::<PgConnection>::new(url))
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
