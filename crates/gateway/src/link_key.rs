//! The key invitation links are made with (see `enroll_store::links`), kept in a file beside
//! the database rather than in it: a copy of the database then opens no link. The file is
//! created on first start (64 hex digits, readable by its owner only); gateways sharing a
//! PostgreSQL database must share it too (the store refuses a key the database's links were
//! not made with).
use crate::config::Config;
use anyhow::Context;
use enroll_store::conn::Target;
use enroll_store::links::LinkKey;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `--link-key-file`, else `link.key` beside a SQLite database file, else `data/link.key`.
pub fn path(config: &Config) -> PathBuf {
    if let Some(p) = &config.link_key_file {
        return PathBuf::from(p);
    }
    match Target::from_url(&config.database_url) {
        Ok(Target::Sqlite(file)) if file != ":memory:" => Path::new(&file)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("link.key"), |dir| dir.join("link.key")),
        _ => PathBuf::from("data/link.key"),
    }
}

/// Reads the key from `path`, or creates the file with a new key (then `true`). Two processes
/// starting at once agree on one key: the file appears whole (a hard link to a finished
/// temporary file) or not at all.
pub fn load_or_create(path: &Path) -> anyhow::Result<(LinkKey, bool)> {
    let read = |p: &Path| -> anyhow::Result<LinkKey> {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("cannot read the link key file {}", p.display()))?;
        LinkKey::from_hex(&text)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot use the link key file {}", p.display()))
    };
    if path.exists() {
        return Ok((read(path)?, false));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    let key = LinkKey::generate();
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    write_private(&tmp, &key)
        .with_context(|| format!("cannot write the link key file {}", tmp.display()))?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok((key, true)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok((read(path)?, false)),
        Err(e) => {
            Err(e).with_context(|| format!("cannot create the link key file {}", path.display()))
        }
    }
}

fn write_private(path: &Path, key: &LinkKey) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path)?;
    writeln!(f, "{}", key.to_hex())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/link.key");
        let (first, created) = load_or_create(&p).unwrap();
        assert!(created);
        assert_eq!(load_or_create(&p).unwrap(), (first, false));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by its owner only: {mode:o}");
        }
        std::fs::write(&p, "not a key").unwrap();
        let err = format!("{:#}", load_or_create(&p).unwrap_err());
        assert!(err.contains("64 hex digits"), "{err}");
    }
}
