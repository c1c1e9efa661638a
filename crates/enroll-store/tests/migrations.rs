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

#[test]
fn sqlite_paths_with_uri_characters_open_the_file_they_name() {
    // Connections open SQLite through a `file:` URI (the unix-excl VFS), where `?`, `#` and
    // `%` mean something: the database must still be the file the path names.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd ?#% name.db");
    let url = format!("sqlite://{}", path.display());
    let clock: std::sync::Arc<dyn enroll_domain::Clock> =
        std::sync::Arc::new(enroll_domain::SystemClock);
    let store = enroll_store::Store::builder(&url)
        .clock(clock.clone())
        .open()
        .unwrap();
    store
        .create_tenant("Odd path", &Default::default())
        .unwrap();
    drop(store);
    assert!(path.exists(), "no file at {}", path.display());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names.iter().all(|n| n.starts_with("odd ?#% name.db")),
        "{names:?}"
    );
    let reopened = enroll_store::Store::builder(&url)
        .clock(clock)
        .open()
        .unwrap();
    let tenants = reopened.list_tenants().unwrap();
    assert!(
        tenants.iter().any(|(t, _)| t.name == "Odd path"),
        "{tenants:?}"
    );
}
