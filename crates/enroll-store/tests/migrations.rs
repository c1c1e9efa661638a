//! Both backends carry the same migrations, and the schema applies cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use std::collections::BTreeSet;
use std::path::Path;

fn versions(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            assert!(
                e.path().join("up.sql").exists() && e.path().join("down.sql").exists(),
                "{:?} lacks up/down",
                e.path()
            );
            e.file_name().into_string().unwrap()
        })
        .collect()
}

#[test]
fn sqlite_and_postgres_folders_hold_the_same_migrations() {
    let sqlite = versions("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, versions("postgres"));
}

#[test]
fn unknown_url_schemes_are_refused() {
    let err = enroll_store::conn::Target::from_url("mysql://localhost/db").unwrap_err();
    assert!(
        err.to_string()
            .contains("unsupported database URL scheme 'mysql'"),
        "{err}"
    );
    assert!(enroll_store::conn::Target::from_url("data/enroll.db").is_err());
    assert!(enroll_store::conn::Target::from_url("sqlite://").is_err());
}

#[test]
fn fresh_databases_are_ready_after_open() {
    for db in enroll_store::testing::TestDb::all().unwrap() {
        let store = db
            .store(std::sync::Arc::new(enroll_domain::SystemClock))
            .unwrap();
        assert!(store.ready().unwrap());
    }
}
